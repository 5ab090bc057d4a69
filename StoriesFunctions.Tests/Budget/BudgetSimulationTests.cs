using StoriesFunctions.Tests.Budget.Simulation;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.Budget;

/// <summary>
/// The budget at 40 instances, where real hosts cannot go on this machine, against Laravel's window: the issue's
/// targets (≤ 5 % of calls answered 429, drain ≤ 1.15× the ideal, every event delivered, nothing dead, no attempt used
/// for waiting) for short and per-minute windows, and for a backlog that outlasts MaxAttempts × MaxRetryDelay. Prints
/// one table row per scenario (docs/performance.md keeps them).
/// <para>
/// What it cannot see, so does not assert: duplicates. Its invocation loop has no claims, no host redelivery and no
/// failed writes, so nothing can be delivered twice there; <c>DeliveryClaimsTests</c> and the host-level
/// <c>DuplicateRateUnderHostTests</c> cover that. Nor the row's real contention: its store answers at once, on one
/// thread (<c>BudgetRowUnderProcessesTests</c> measures that in Azurite).
/// </para>
/// </summary>
public class BudgetSimulationTests
{
    private static readonly object[] Scenarios =
    [
        new BudgetScenario("short window, 20/2s", 40, 20, TimeSpan.FromSeconds(2), 3_000),
        new BudgetScenario("scaled-down minute, 60/12s", 40, 60, TimeSpan.FromSeconds(12), 3_000),
        new BudgetScenario("short window, 20/2s, 2 instances", 2, 20, TimeSpan.FromSeconds(2), 3_000),
        new BudgetScenario("Stories' 300/1m, learned from headers: a 90,000-event replay outlasting 2 attempts × 1 h, 3,600 more arriving 1/s", 40, 300, TimeSpan.FromMinutes(1), 93_600, SetRateLimit: false, MaxAttempts: 2, TrickleEvents: 3_600),
        new BudgetScenario("600/1m learned (default assumes 300)", 40, 600, TimeSpan.FromMinutes(1), 20_000, SetRateLimit: false),

        // Not a target, a safety net: the limit is per 2 minutes, the deployment assumes Laravel's minute. Only the
        // 429s and their pauses keep it in line.
        new BudgetScenario("wrong window assumed: 300/2m, not set", 40, 300, TimeSpan.FromMinutes(2), 20_000, SetRateLimit: false),
    ];

    [TestCaseSource(nameof(Scenarios))]
    public void Run_FortyInstancesOrFewer_MeetTheTargets(object scenario)
    {
        var outcome = new BudgetSimulation((BudgetScenario)scenario).Run();

        TestContext.Out.WriteLine(BudgetOutcome.Header);
        TestContext.Out.WriteLine(outcome.Line());
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Delivered, Is.EqualTo(outcome.Events), "every event delivered");
            Assert.That(outcome.DeadLetters, Is.Zero);
            Assert.That(outcome.MostAttemptsUsed, Is.EqualTo(1), "waiting for budget uses no attempt");
            Assert.That(outcome.RefusedShare, Is.LessThanOrEqualTo(0.05));
            Assert.That(outcome.DrainRatio, Is.LessThanOrEqualTo(1.15));
        });
    }

    /// <summary>
    /// The measure of what delivery costs at Flex Consumption's meter: a 100-event Segment batch (three messages of up to
    /// 38 events, one event in five an identify with Sync Users) arriving at an idle deployment of one instance, with
    /// Stories' default 300 a minute. Stories could take its 120 calls at once; the budget decides how long the instance
    /// stays busy (billed) delivering them. Spaced evenly at 95 % of the limit, as before the burst budget, that was the
    /// whole paced drain: 26.0 s billed, 69.7 s of invocations (commit 87e8c14). Now the calls go in the first span, and
    /// the instance is busy for as long as the events take one after another, plus the round trip of the span's opening
    /// call.
    /// </summary>
    [Test]
    public void Run_HundredEventBatchAtAnIdleDeployment_InstanceBusyOnlyWhileItsEventsGo()
    {
        var batch = new BudgetScenario("a 100-event batch at an idle deployment, 300/1m learned", 1, 300, TimeSpan.FromMinutes(1), 100, SetRateLimit: false, BatchedShare: 1);

        var outcome = new BudgetSimulation(batch).Run();

        TestContext.Out.WriteLine(BudgetOutcome.Header);
        TestContext.Out.WriteLine(outcome.Line());
        TestContext.Out.WriteLine(outcome.Invocations);
        var oneAfterAnother = batch.StoriesLatency * 38;
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Delivered, Is.EqualTo(outcome.Events));
            Assert.That(outcome.Refused, Is.Zero);
            Assert.That(outcome.Invocations.Billed, Is.LessThanOrEqualTo(oneAfterAnother * 1.5), "busy about as long as the longest message's events take, one after another");
        });
    }
}
