using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>
/// A short span is paced, as before bursts: one call every interval, waited for in-process up to 5 s, nothing granted
/// ahead; its log, reservations and pauses are those of the burst budget.
/// </summary>
public class BudgetLedgerPacedTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    // 20 calls per 2 s: a span of 2.105 s, too short for bursts; one call every 105 ms.
    private static readonly BudgetRate Rate = new(20, TimeSpan.FromSeconds(2), "setting");

    private static BudgetAsk Ask(int calls = 1, bool scheduled = false) => new(calls, calls + 10, scheduled, Now.AddMinutes(-1), Ahead: calls + 10);

    [Test]
    public void Ask_ManyAtOnce_EvenlySpacedAtThePaceWithNothingGrantedAhead()
    {
        var state = BudgetState.Empty;
        var grants = new List<BudgetGrant.Go>();
        for (var i = 0; i < 10; i++)
        {
            (state, var grant) = BudgetLedger.Ask(state, Ask(), Rate, Now);
            grants.Add((BudgetGrant.Go)grant);
        }

        Assert.Multiple(() =>
        {
            Assert.That(grants.Select(g => g.At), Is.EqualTo(Enumerable.Range(0, 10).Select(i => Now + (Rate.Interval * i))));
            Assert.That(grants, Has.All.Matches<BudgetGrant.Go>(g => g.Calls == 1 && g.Until == g.At && !g.Opens));
        });
    }

    [Test]
    public void Ask_TwoCalls_TheSecondTakesTheNextSlot()
    {
        var (state, grant) = BudgetLedger.Ask(BudgetState.Empty, Ask(calls: 2), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(Now, 2, Now, Spacing: Rate.Interval)));
            Assert.That(state.NextSlot, Is.EqualTo(Now + (Rate.Interval * 2)));
        });
    }

    [TestCase(4.9, true)]
    [TestCase(5.1, false)]
    public void Ask_NextSlotAway_WaitsForItInProcessUpToFiveSeconds(double seconds, bool goes)
    {
        var busy = BudgetState.Empty with { NextSlot = Now + TimeSpan.FromSeconds(seconds), OpeningAt = Now, OpeningAnswered = true };

        var (_, grant) = BudgetLedger.Ask(busy, Ask(), Rate, Now);

        Assert.That(grant, goes ? Is.InstanceOf<BudgetGrant.Go>() : Is.InstanceOf<BudgetGrant.Wait>());
    }

    [Test]
    public void Ask_ScheduledMessageWithoutASlotSoon_AsksAgainWhenItsSlotComesNotANextSpan()
    {
        var busy = BudgetState.Empty with { NextSlot = Now + TimeSpan.FromSeconds(6), OpeningAt = Now, OpeningAnswered = true, Round = Now, Queued = 40 };

        var (state, grant) = BudgetLedger.Ask(busy, Ask(scheduled: true), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(Now + TimeSpan.FromSeconds(6))));
            Assert.That(state.Queued, Is.EqualTo(40), "its calls were reserved already");
        });
    }

    [Test]
    public void Ask_NewcomerBehindReservedCalls_ComesBackAtItsOwnSlotNotTheRoundsStart()
    {
        var backlog = BudgetState.Empty with { NextSlot = Now + TimeSpan.FromSeconds(6), OpeningAt = Now, OpeningAnswered = true, Round = Now, Queued = 30 };

        var (_, grant) = BudgetLedger.Ask(backlog, Ask(), Rate, Now);

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(Now + Rate.Span + (Rate.Interval * 30), Reserved: true)), "thirty slots after the next round begins");
    }

    [Test]
    public void MaxWaitFor_PacedOrBursts_FiveSecondsOrTheQueueRoundTrip() =>
        Assert.That(
            (BudgetLedger.MaxWaitFor(Rate), BudgetLedger.MaxWaitFor(new BudgetRate(300, TimeSpan.FromMinutes(1), "default"))),
            Is.EqualTo((TimeSpan.FromSeconds(5), BudgetLedger.WakeEarly)));
}
