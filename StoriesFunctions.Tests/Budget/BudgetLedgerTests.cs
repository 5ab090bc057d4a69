using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>The budget's rules as a table: who sends when, who waits in the queue, and for how long.</summary>
public class BudgetLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    // 20 calls per 2 s at 95 %: one call every 105.26 ms.
    private static readonly BudgetRate Rate = new(20, TimeSpan.FromSeconds(2), "setting");

    private static BudgetAsk Ask(int calls = 1, int reserve = 1, bool scheduled = false) => new(calls, reserve, scheduled, Now.AddMinutes(-1));

    [Test]
    public void Ask_IdleBudget_GoesNowAndTakesOneSlotPerCall()
    {
        var (state, grant) = BudgetLedger.Ask(BudgetState.Empty, Ask(calls: 2), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(Now, Rate.Interval)));
            Assert.That(state.NextSlot, Is.EqualTo(Now + (2 * Rate.Interval)));
            Assert.That(state.ScheduledUntil, Is.EqualTo(state.NextSlot), "a newcomer after this one queues behind it");
        });
    }

    [Test]
    public void Ask_ManyAtOnce_EvenlySpacedAtTheRate()
    {
        var state = BudgetState.Empty;
        var slots = new List<DateTimeOffset>();
        for (var i = 0; i < 10; i++)
        {
            (state, var grant) = BudgetLedger.Ask(state, Ask(), Rate, Now);
            slots.Add(((BudgetGrant.Go)grant).At);
        }

        Assert.That(slots.Zip(slots.Skip(1), (a, b) => b - a), Has.All.EqualTo(Rate.Interval));
    }

    [Test]
    public void Ask_NextSlotBeyondTheInProcessWait_WaitsInTheQueueWithTheRestOfItsMessageReserved()
    {
        var busy = BudgetState.Empty with { NextSlot = Now + TimeSpan.FromSeconds(8), ScheduledUntil = Now + TimeSpan.FromSeconds(8) };

        var (state, grant) = BudgetLedger.Ask(busy, Ask(reserve: 30), Rate, Now);
        var (_, next) = BudgetLedger.Ask(state, Ask(reserve: 1), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(Now + TimeSpan.FromSeconds(8))));
            Assert.That(state.ScheduledUntil, Is.EqualTo(Now + TimeSpan.FromSeconds(8) + (30 * Rate.Interval)));
            Assert.That(state.NextSlot, Is.EqualTo(busy.NextSlot), "waiting spends no slot now");
            Assert.That(next, Is.EqualTo(new BudgetGrant.Wait(state.ScheduledUntil)), "the next one queues behind the whole message");
        });
    }

    [Test]
    public void Ask_NewcomerWhileOthersWaitInTheQueue_JoinsTheBackEvenIfASlotIsFree()
    {
        var backlog = BudgetState.Empty with { NextSlot = Now, ScheduledUntil = Now + TimeSpan.FromMinutes(10) };

        var (_, grant) = BudgetLedger.Ask(backlog, Ask(), Rate, Now);

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(Now + TimeSpan.FromMinutes(10))));
    }

    [Test]
    public void Ask_MessageWhoseReservedSlotsAreDue_GoesAheadOfTheQueue()
    {
        var backlog = BudgetState.Empty with { NextSlot = Now + TimeSpan.FromSeconds(1), ScheduledUntil = Now + TimeSpan.FromMinutes(10) };

        var (state, grant) = BudgetLedger.Ask(backlog, Ask(scheduled: true), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(Now + TimeSpan.FromSeconds(1), Rate.Interval)));
            Assert.That(state.ScheduledUntil, Is.EqualTo(backlog.ScheduledUntil), "its slots were already on the schedule");
        });
    }

    [TestCase(3, true)]
    [TestCase(30, false)]
    public void Ask_AfterA429_NobodySendsBeforeThePauseEnds(int pauseSeconds, bool goes)
    {
        var paused = BudgetLedger.Pause(BudgetState.Empty, Now + TimeSpan.FromSeconds(pauseSeconds), Now);

        var (_, grant) = BudgetLedger.Ask(paused, Ask(scheduled: true), Rate, Now);

        Assert.That(grant, goes
            ? Is.EqualTo(new BudgetGrant.Go(Now + TimeSpan.FromSeconds(pauseSeconds), Rate.Interval))
            : Is.EqualTo(new BudgetGrant.Wait(Now + TimeSpan.FromSeconds(pauseSeconds))));
    }

    [Test]
    public void Pause_ShorterThanTheOneInForce_ChangesNothing()
    {
        var paused = BudgetLedger.Pause(BudgetState.Empty, Now + TimeSpan.FromSeconds(30), Now);

        Assert.That(BudgetLedger.Pause(paused, Now + TimeSpan.FromSeconds(5), Now), Is.SameAs(paused));
    }

    [TestCase(3, 3)]
    [TestCase(900, 900)]
    [TestCase(901, 900)]
    [TestCase(99_999_999, 900)]
    public void Pause_RetryAfter_NobodySendsBeforeItEndsNorWaitsPastFifteenMinutes(double retryAfterSeconds, double pausedSeconds)
    {
        var paused = BudgetLedger.Pause(BudgetState.Empty, Now + TimeSpan.FromSeconds(retryAfterSeconds), Now);

        Assert.Multiple(() =>
        {
            Assert.That(paused.PausedUntil, Is.EqualTo(Now + TimeSpan.FromSeconds(pausedSeconds)));
            Assert.That(paused.NextSlot, Is.EqualTo(paused.PausedUntil));
        });
    }

    [Test]
    public void Ask_ScheduleLongerThanAQueueMessageCanHide_WakesWithinSevenDays()
    {
        var weeks = BudgetState.Empty with { NextSlot = Now, ScheduledUntil = Now + TimeSpan.FromDays(20) };

        var (_, grant) = BudgetLedger.Ask(weeks, Ask(), Rate, Now);

        Assert.That(((BudgetGrant.Wait)grant).Until - Now, Is.LessThan(TimeSpan.FromDays(7)));
    }

    [Test]
    public void Ask_AnyMixOfAsksOverTime_NoWindowSeesMoreThanTheLimit()
    {
        var random = new Random(7);
        var state = BudgetState.Empty;
        var sent = new List<DateTimeOffset>();
        var now = Now;
        for (var i = 0; i < 5_000; i++)
        {
            now += TimeSpan.FromMilliseconds(random.Next(0, 60));
            var calls = random.Next(1, 3);
            (state, var grant) = BudgetLedger.Ask(state, Ask(calls, calls + random.Next(0, 40), scheduled: random.Next(4) == 0), Rate, now);
            if (grant is BudgetGrant.Go go)
            {
                sent.AddRange(Enumerable.Range(0, calls).Select(c => go.At + (c * go.Interval)));
            }
        }

        sent.Sort();
        var most = sent.Select((at, i) => sent.Skip(i).TakeWhile(t => t < at + Rate.Window).Count()).Max();
        Assert.That(most, Is.LessThanOrEqualTo(Rate.Limit).And.GreaterThanOrEqualTo(Rate.Limit * 9 / 10));
    }

    [Test]
    public void Ask_LimitOnlyAssumed_WaitsBrieflyWithoutReservingAnything()
    {
        var busy = BudgetState.Empty with { NextSlot = Now + TimeSpan.FromSeconds(8), ScheduledUntil = Now + TimeSpan.FromSeconds(8) };

        var (state, grant) = BudgetLedger.Ask(busy, Ask(reserve: 30), BudgetRate.Of(busy, null), Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(Now + BudgetLedger.MaxWait)));
            Assert.That(state, Is.SameAs(busy));
        });
    }

    [Test]
    public void Learn_StoriesStatesItsLimit_RememberedForEveryInstance()
    {
        var learned = BudgetLedger.Learn(BudgetState.Empty, 600);

        Assert.Multiple(() =>
        {
            Assert.That(BudgetRate.Of(learned, null), Is.EqualTo(new BudgetRate(600, TimeSpan.FromMinutes(1), "X-RateLimit-Limit")));
            Assert.That(BudgetRate.Of(BudgetState.Empty, null), Is.EqualTo(new BudgetRate(300, TimeSpan.FromMinutes(1), "default")));
            Assert.That(BudgetRate.Of(learned, new StoriesRateLimit(20, TimeSpan.FromSeconds(2))), Is.EqualTo(new BudgetRate(20, TimeSpan.FromSeconds(2), "setting")));
        });
    }

    [Test]
    public void Interval_300AMinute_OneCallEvery210Milliseconds() =>
        Assert.That(new BudgetRate(300, TimeSpan.FromMinutes(1), "default").Interval.TotalMilliseconds, Is.EqualTo(210.5).Within(0.1));
}
