using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class CostFloorTests
{
    private static readonly FloorAssumptions Assumptions = FloorAssumptions.Measured;

    // BacklogGauges every 15 minutes (2,920 a month) and the hourly retention timer (730), each ≥ 1 s at 2 GB.
    private const decimal Timers = 3_650m;

    // Three metric alert rules, one time series each, at $0.10.
    private const decimal Alerts = 0.30m;

    // Each message put, got and deleted; each event's claim read, inserted and completed.
    private static decimal Storage(decimal messages, decimal events) => (messages * 3 * 0.004m / 10_000) + (events * 3 * 0.00036m / 10_000);

    private static TenantShape Shape(string name) => TenantShapes.Find(name)!;

    [Test]
    public void Of_IdleOnTheDefaultDeployment_IsItsAlertRules()
    {
        // 3,650 timer periods of 1 s at 2 GB = 7,300 GB-s and 3,650 executions: both within the free grants.
        var floor = CostFloor.Of(Shape("idle"), Deployment.Default, Prices.ListUsd2025, Assumptions);

        Assert.That(floor.Usd, Is.EqualTo(Alerts));
    }

    [Test]
    public void Of_ClassicOnTheDefaultDeployment_IsTwoOneSecondPeriodsPerEvent()
    {
        var floor = CostFloor.Of(Shape("classic"), Deployment.Default, Prices.ListUsd2025, Assumptions);

        // (3,650 timers + 1,000,000 webhook calls + 1,000,000 messages) × 1 s × 2 GB, and as many executions.
        var periods = Timers + 1_000_000 + 1_000_000;
        var expected = (periods * 2 - 100_000) * 0.000026m + (periods - 250_000) * 0.40m / 1_000_000 + Alerts + Storage(1_000_000, 1_000_000);
        Assert.That(floor.Usd, Is.EqualTo(expected));
    }

    [Test]
    public void Of_BatchedOnTheDefaultDeployment_FitsTheFreeGrants()
    {
        // 10,000 calls of 100 events: one period each for the webhook call and for its deliveries (100 calls fit one
        // window of 300): (3,650 + 20,000) × 1 s × 2 GB = 47,300 GB-s; 43,650 executions. Both within the grants:
        // what is left is the storage of 30,000 messages and 1,000,000 claims.
        var floor = CostFloor.Of(Shape("batched"), Deployment.Default, Prices.ListUsd2025, Assumptions);

        Assert.That(floor.Usd, Is.EqualTo(Alerts + Storage(30_000, 1_000_000)));
    }

    [Test]
    public void Of_BatchesOfAHundred_OnePeriodForTheCallAndOneForItsDeliveries()
    {
        // 1,000,000 calls of 100 events: 3,000,000 messages of 33⅓ events, delivered in 1,000,000 periods.
        var shape = new TenantShape("large", "100 M events in batches of 100", 100_000_000, 100, 1, GoalBasis.Month);

        var floor = CostFloor.Of(shape, Deployment.Default, Prices.ListUsd2025, Assumptions);

        var gbSeconds = (Timers + 1_000_000 + 1_000_000) * 2;
        var executions = Timers + 1_000_000 + 3_000_000;
        var expected = (gbSeconds - 100_000) * 0.000026m + (executions - 250_000) * 0.40m / 1_000_000 + Alerts + Storage(3_000_000, 100_000_000);
        Assert.That(floor.Usd, Is.EqualTo(expected));
    }

    [Test]
    public void Of_BatchesLargerThanAWindow_OneDeliveryPeriodPerWindowTheyNeed()
    {
        // 4,000 events a call need 14 windows of 300 calls: 25,000 calls make 350,000 delivery periods.
        var shape = new TenantShape("largest", "100 M events in batches of 4,000", 100_000_000, 4_000, 1, GoalBasis.Month);

        var floor = CostFloor.Of(shape, Deployment.Default, Prices.ListUsd2025, Assumptions);

        var gbSeconds = (Timers + 25_000 + (25_000 * 14)) * 2;
        var messages = 25_000 * Math.Ceiling(4_000m / 38);
        var executions = Timers + 25_000 + messages;
        var expected = (gbSeconds - 100_000) * 0.000026m + (executions - 250_000) * 0.40m / 1_000_000 + Alerts + Storage(messages, 100_000_000);
        Assert.That(floor.Usd, Is.EqualTo(expected));
    }

    [Test]
    public void Of_ReplayOnTheDefaultDeployment_FitsWhatTheIdleMonthLeftOfTheGrants()
    {
        // 1,667 windows of 300 calls, one period each: 3,334 GB-s and 13,158 executions on top of the idle month's
        // 7,300 GB-s and 3,650: still within the grants, so the replay adds nothing to compute, only its storage.
        var floor = CostFloor.Of(Shape("replay"), Deployment.Default, Prices.ListUsd2025, Assumptions);

        Assert.That(floor.Usd, Is.EqualTo(Storage(Math.Ceiling(500_000m / 38), 500_000)));
    }

    [Test]
    public void Of_ALargerReplay_CountsOnePeriodPerWindowAndOnlyWhatTheReplayAdds()
    {
        var shape = new TenantShape("large replay", "50 M events drained once", 50_000_000, 0, 1, GoalBasis.Once);

        var floor = CostFloor.Of(shape, Deployment.Default, Prices.ListUsd2025, Assumptions);

        // 166,667 windows × 1 s × 2 GB beside the idle month's 7,300 GB-s; 1,315,790 messages beside its 3,650 executions.
        var gbSeconds = (Math.Ceiling(50_000_000m / 300) * 2) + (Timers * 2);
        var executions = Math.Ceiling(50_000_000m / 38) + Timers;
        var expected = (gbSeconds - 100_000) * 0.000026m + (executions - 250_000) * 0.40m / 1_000_000 + Storage(Math.Ceiling(50_000_000m / 38), 50_000_000);
        Assert.That(floor.Usd, Is.EqualTo(expected));
    }

    [Test]
    public void Of_WithTheDeploymentsRecordedMonth_CountsItInPlaceOfTheTimers()
    {
        // A recorded month of 1,000 GB-s, 5,000 executions and 1,000,000 empty polls ($0.40) instead of the 3,650 timer periods.
        var fixedMonth = Usage.Zero with { OnDemand = new Metered(5_000, 500, 1_000, 5_000), Storage = new StorageOperations(1_000_000, 0) };

        var floor = CostFloor.Of(Shape("batched"), Deployment.Default, Prices.ListUsd2025, Assumptions, fixedMonth);

        // 1,000 + 40,000 GB-s and 45,000 executions: within the grants.
        Assert.That(floor.Usd, Is.EqualTo(Alerts + 0.40m + Storage(30_000, 1_000_000)));
    }

    [TestCase(HostingPlan.FlexConsumption)]
    [TestCase(HostingPlan.WindowsConsumption)]
    public void Of_Classic_IsNoMoreThanARecordingOfThatTrafficCosts(HostingPlan plan)
    {
        var idleHour = Recording(TenantShapes.Idle) with
        {
            Scale = BillingMonth.Hours,
            Invocations = [.. Enumerable.Range(0, 60).Select(m => Timer(m * 60_000, 50)).Append(Timer(0, 900, function: "Retention"))],
        };
        var classic = Recording("classic", TimeSpan.FromMinutes(10)) with
        {
            Scale = 1_000_000m / 1_500,
            Events = 1_500,
            Invocations = [.. Enumerable.Range(0, 1_500).SelectMany(n => new[] { Http(n * 400, 12), Queue(n * 400 + 50, 90) })],
            Storage = new StorageOperations(1_500 * 4, 1_500 * 4),
        };
        var deployment = Deployment.Default with { Plan = plan };

        var recorded = TenantCost.Of(classic, idleHour, deployment, Prices.ListUsd2025).Charged;
        var floor = CostFloor.Of(Shape("classic"), deployment, Prices.ListUsd2025, Assumptions).Usd;

        Assert.That(floor, Is.LessThanOrEqualTo(recorded));
    }
}
