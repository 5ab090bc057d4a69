using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class CostFloorTests
{
    private static readonly FloorAssumptions Assumptions = FloorAssumptions.Measured;

    // BacklogGauges every 15 minutes (2,920 a month) and the hourly retention timer (730), each ≥ 1 s at 2 GB.
    private const decimal Timers = 3_650m;

    // Three metric alert rules, one time series each, at $0.10.
    private const decimal Alerts = 0.30m;

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
        var expected = (periods * 2 - 100_000) * 0.000026m + (periods - 250_000) * 0.40m / 1_000_000 + Alerts;
        Assert.That(floor.Usd, Is.EqualTo(expected));
    }

    [Test]
    public void Of_BatchedOnTheDefaultDeployment_IsHeldUpByThePacedCalls()
    {
        var floor = CostFloor.Of(Shape("batched"), Deployment.Default, Prices.ListUsd2025, Assumptions);

        // 10,000 calls of 100 events make 30,000 messages of 33⅓ events: each ≥ 32⅓ calls ÷ 4.75 a second.
        var seconds = Timers + 10_000 + 30_000 * ((1_000_000m / 30_000 - 1) / 4.75m);
        var executions = Timers + 10_000 + 30_000;
        var expected = (seconds * 2 - 100_000) * 0.000026m + Alerts;
        Assert.That((floor.Usd, executions), Is.EqualTo((expected, 43_650m)));
    }

    [Test]
    public void Of_ReplayOnTheDefaultDeployment_CountsOnlyWhatTheReplayAdds()
    {
        var floor = CostFloor.Of(Shape("replay"), Deployment.Default, Prices.ListUsd2025, Assumptions);

        // 13,158 messages of 38 events, each ≥ 37 calls ÷ 4.75 a second, at 2 GB; the idle month used 7,300 GB-s of the grant.
        var messages = Math.Ceiling(500_000m / 38);
        var gbSeconds = messages * ((500_000m / messages - 1) / 4.75m) * 2;
        var expected = (gbSeconds - (100_000 - (Timers * 2))) * 0.000026m;
        Assert.That(floor.Usd, Is.EqualTo(expected).Within(1e-12m));
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
        };
        var deployment = Deployment.Default with { Plan = plan };

        var recorded = TenantCost.Of(classic, idleHour, deployment, Prices.ListUsd2025).Charged;
        var floor = CostFloor.Of(Shape("classic"), deployment, Prices.ListUsd2025, Assumptions).Usd;

        Assert.That(floor, Is.LessThanOrEqualTo(recorded));
    }
}
