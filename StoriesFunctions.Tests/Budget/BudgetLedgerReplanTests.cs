using StoriesFunctions.Delivery;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>
/// The budget's rule when the limit changes (a plan upgrade learned from Stories' headers, or a new setting): what is
/// planned ahead is re-spaced at the new pace from now on, as a table.
/// </summary>
public class BudgetLedgerReplanTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    // 20 calls per 2 s at 95 %: one call every 105.26 ms.
    private static readonly BudgetRate Rate = new(20, TimeSpan.FromSeconds(2), "setting");

    // Calls granted up to 1 s from now; a minute of calls reserved for messages waiting in the queue after them.
    private static readonly BudgetState Planned = BudgetState.Empty with
    {
        NextSlot = Now + TimeSpan.FromSeconds(1),
        ScheduledUntil = Now + TimeSpan.FromSeconds(61),
        PlannedInterval = Rate.Interval,
    };

    private static BudgetAsk Ask(bool scheduled = false) => new(1, 1, scheduled, Now.AddMinutes(-1));

    private static BudgetRate Limit(int limit) => Rate with { Limit = limit };

    [TestCase(20, 60.0)]
    [TestCase(200, 6.0)]
    [TestCase(20_000_000, 0.0)]
    [TestCase(10, 120.0)]
    public void Replan_LimitChanged_ReservedCallsTakeWhatTheNewPaceNeeds(int limit, double scheduleSeconds)
    {
        var replanned = BudgetLedger.Replan(Planned, Limit(limit).Interval, Now);

        var lastGranted = Planned.NextSlot - Rate.Interval;
        Assert.Multiple(() =>
        {
            Assert.That(replanned.NextSlot, Is.EqualTo(lastGranted + Limit(limit).Interval), "granted calls keep their slots; the next follows at the new pace");
            Assert.That(replanned.ScheduledUntil - replanned.NextSlot, Is.EqualTo(TimeSpan.FromSeconds(scheduleSeconds)).Within(TimeSpan.FromMilliseconds(1)));
            Assert.That(replanned.PlannedInterval, Is.EqualTo(Limit(limit).Interval));
        });
    }

    [TestCase(20, false)]
    [TestCase(20_000_000, true)]
    public void Ask_NewcomerAfterTheLimitRose_GoesWhenTheReservedCallsFitTheNewPace(int limit, bool goes)
    {
        var (_, grant) = BudgetLedger.Ask(Planned, Ask(), Limit(limit), Now);

        Assert.That(grant is BudgetGrant.Go, Is.EqualTo(goes));
    }

    [Test]
    public void Ask_MessageBackForItsSlotsAfterTheLimitRose_WaitsNoLongerThanTheNewPaceSays()
    {
        // One call a second: the last call granted is 5.5 s away, and two minutes of calls are reserved behind it.
        var slow = Limit(2);
        var planned = BudgetState.Empty with { NextSlot = Now + TimeSpan.FromSeconds(5.5) + slow.Interval, ScheduledUntil = Now + TimeSpan.FromMinutes(2), PlannedInterval = slow.Interval };

        var (_, before) = BudgetLedger.Ask(planned, Ask(scheduled: true), slow, Now);
        var (_, after) = BudgetLedger.Ask(planned, Ask(scheduled: true), Limit(200), Now);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(new BudgetGrant.Wait(Now + TimeSpan.FromMinutes(2))), "at the old pace: behind the whole schedule");
            Assert.That(((BudgetGrant.Wait)after).Until - Now, Is.LessThan(TimeSpan.FromSeconds(7)), "at the new pace: the reserved calls take about a second");
        });
    }

    [Test]
    public void Replan_PauseInForce_IsNotShortened()
    {
        var paused = BudgetLedger.Pause(Planned with { ScheduledUntil = Now + TimeSpan.FromSeconds(90) }, Now + TimeSpan.FromSeconds(30), Now);

        var replanned = BudgetLedger.Replan(paused, Limit(200).Interval, Now);
        var (_, grant) = BudgetLedger.Ask(replanned, Ask(scheduled: true), Limit(200), Now);

        Assert.Multiple(() =>
        {
            Assert.That(replanned.PausedUntil, Is.EqualTo(Now + TimeSpan.FromSeconds(30)));
            Assert.That(replanned.ScheduledUntil - replanned.PausedUntil, Is.EqualTo(TimeSpan.FromSeconds(6)).Within(TimeSpan.FromMilliseconds(1)));
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(replanned.ScheduledUntil)), "after the pause, behind the calls reserved at the new pace");
        });
    }

    [Test]
    public void Replan_FirstPlanOrSamePace_MovesNothing()
    {
        var unplanned = Planned with { PlannedInterval = TimeSpan.Zero };

        Assert.Multiple(() =>
        {
            Assert.That(BudgetLedger.Replan(Planned, Rate.Interval, Now), Is.SameAs(Planned));
            Assert.That(BudgetLedger.Replan(unplanned, Limit(200).Interval, Now), Is.EqualTo(Planned with { PlannedInterval = Limit(200).Interval }));
        });
    }

    [TestCase(20, 60)]
    [TestCase(60, 20)]
    [TestCase(20, 2_000)]
    public void Ask_LimitChangesMidway_NoWindowSeesMoreThanTheLimitInForce(int before, int after)
    {
        var random = new Random(11);
        var (state, now, changedAt) = (BudgetState.Empty, Now, Now + TimeSpan.FromSeconds(60));
        var sent = new List<(DateTimeOffset At, bool Old)>();
        while (now < changedAt + TimeSpan.FromSeconds(60))
        {
            now += TimeSpan.FromMilliseconds(random.Next(0, 20));
            var (rate, calls) = (Limit(now < changedAt ? before : after), random.Next(1, 3));
            (state, var grant) = BudgetLedger.Ask(state, new BudgetAsk(calls, calls + random.Next(0, 40), random.Next(4) == 0, Now), rate, now);
            if (grant is BudgetGrant.Go go)
            {
                sent.AddRange(Enumerable.Range(0, calls).Select(c => (go.At + (c * go.Interval), now < changedAt)));
            }
        }

        // A window holding any call granted at the old pace may see the higher of the two limits; one after them, the new one.
        sent.Sort();
        var lastOld = sent.Where(s => s.Old).Max(s => s.At);
        var windows = sent.Select((s, i) => (s.At, Calls: sent.Skip(i).TakeWhile(t => t.At < s.At + Rate.Window).Count())).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(windows.Max(w => w.Calls), Is.LessThanOrEqualTo(Math.Max(before, after)));
            Assert.That(windows.Where(w => w.At > lastOld).Max(w => w.Calls), Is.LessThanOrEqualTo(after).And.GreaterThanOrEqualTo(Math.Min(after * 9 / 10, 200)), "the new pace in use (or all that was asked)");
        });
    }
}
