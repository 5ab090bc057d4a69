using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>
/// The budget's rules when the limit changes (a plan upgrade learned from Stories' headers, or a new setting), as a
/// table. These replace the tests of <c>BudgetLedger.Replan</c>, which re-spaced a schedule of slots: the burst budget
/// keeps calls granted and calls reserved as counts, so there is nothing to re-plan. The next ask measures both against
/// the burst and span in force: granted calls count against the new burst, and reserved calls fill rounds of it.
/// </summary>
public class BudgetLedgerLimitChangeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    // 20 calls per 10 s: bursts of 20 in any 10.53 s.
    private static readonly BudgetRate Rate = new(20, TimeSpan.FromSeconds(10), "setting");

    // A span just filled, and 200 calls (ten rounds at 20) reserved for messages waiting in the queue.
    private static readonly BudgetState Planned = BudgetState.Empty with
    {
        Granted = GrantLog.None.Add(Now - TimeSpan.FromSeconds(0.05), 20, Rate.Span),
        OpeningAt = Now - TimeSpan.FromSeconds(0.05),
        OpeningAnswered = true,
        Round = Now - TimeSpan.FromSeconds(0.05),
        Queued = 200,
    };

    private static BudgetAsk Ask(bool scheduled = false) => new(1, 1, scheduled, Now.AddMinutes(-1), Ahead: 100);

    private static BudgetRate Limit(int limit) => Rate with { Limit = limit };

    [TestCase(20, 11)]
    [TestCase(200, 2)]
    [TestCase(20_000_000, 1)]
    [TestCase(10, 21)]
    public void Ask_NewcomerAfterTheLimitChanged_WaitsBehindTheReservedCallsInRoundsOfTheNewBurst(int limit, int rounds)
    {
        var (_, grant) = BudgetLedger.Ask(Planned, Ask(), Limit(limit), Now);

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(Planned.Round + (Limit(limit).Span * rounds), Reserved: true)));
    }

    [TestCase(20, false)]
    [TestCase(40, true)]
    public void Ask_MessageBackForItsRoundAfterTheLimitRose_GoesAtOnceIntoTheLargerBurst(int limit, bool goes)
    {
        var (_, grant) = BudgetLedger.Ask(Planned, Ask(scheduled: true), Limit(limit), Now);

        Assert.That(grant is BudgetGrant.Go { Calls: 19 }, Is.EqualTo(goes), "39 less the 20 granted");
    }

    [Test]
    public void Ask_LimitFell_CallsGrantedCountAgainstTheSmallerBurst()
    {
        var (_, grant) = BudgetLedger.Ask(Planned with { Queued = 0 }, Ask(), Limit(10), Now);

        var frees = Planned.OpeningAt + Limit(10).Span;
        Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(frees, Reserved: true)), "none of the 10 is free before the 20 granted stop counting");
    }

    [Test]
    public void Ask_PauseInForce_NotShortenedByALimitRise()
    {
        var paused = BudgetLedger.Pause(Planned, Now + TimeSpan.FromSeconds(30), Rate, Now);

        var (_, grant) = BudgetLedger.Ask(paused, Ask(scheduled: true), Limit(200), Now);

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(Now + TimeSpan.FromSeconds(30))));
    }

    [TestCase(20, 60)]
    [TestCase(60, 20)]
    [TestCase(20, 2_000)]
    public void Ask_LimitChangesMidway_NoWindowSeesMoreThanTheLimitInForce(int before, int after)
    {
        var random = new Random(11);
        var (state, now, changedAt) = (BudgetState.Empty, Now, Now + TimeSpan.FromSeconds(300));
        var (sent, openings) = (new List<(DateTimeOffset At, bool Old)>(), new Queue<DateTimeOffset>());
        while (now < changedAt + TimeSpan.FromSeconds(300))
        {
            now += TimeSpan.FromMilliseconds(random.Next(0, 100));
            var (rate, calls) = (Limit(now < changedAt ? before : after), random.Next(1, 3));
            while (openings.TryPeek(out var opened) && opened + TimeSpan.FromMilliseconds(80) <= now)
            {
                state = BudgetLedger.Opened(state, openings.Dequeue(), rate.Limit - 1, rate.Limit, rate, now);
            }

            (state, var grant) = BudgetLedger.Ask(state, new BudgetAsk(calls, calls + random.Next(0, 40), random.Next(4) == 0, Now, Ahead: calls + random.Next(0, 10)), rate, now);
            if (grant is BudgetGrant.Go go)
            {
                sent.AddRange(Enumerable.Repeat((go.At, now < changedAt), go.Calls));
                if (go.Opens)
                {
                    openings.Enqueue(go.At);
                }
            }
        }

        // A window holding any call granted at the old limit may see the higher of the two; one after them, the new one.
        sent.Sort();
        var lastOld = sent.Where(s => s.Old).Max(s => s.At);
        var windows = sent.Select((s, i) => (s.At, Calls: sent.Skip(i).TakeWhile(t => t.At < s.At + Rate.Window).Count())).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(windows.Max(w => w.Calls), Is.LessThanOrEqualTo(Math.Max(before, after)));
            Assert.That(windows.Where(w => w.At > lastOld).Max(w => w.Calls), Is.LessThanOrEqualTo(after).And.GreaterThanOrEqualTo(Math.Min(after * 9 / 10, 200)), "the new limit in use (or all that was asked)");
        });
    }
}
