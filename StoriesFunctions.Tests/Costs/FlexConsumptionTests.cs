using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class FlexConsumptionTests
{
    // "The minimum billable execution period ... is 1,000 ms. Past that, the billable activity period is rounded up to the
    // nearest 100 ms."
    [TestCase(0, 1_000)]
    [TestCase(1, 1_000)]
    [TestCase(250, 1_000)]
    [TestCase(999.9999, 1_000)]
    [TestCase(1_000, 1_000)]
    [TestCase(1_000.0001, 1_100)]
    [TestCase(1_001, 1_100)]
    [TestCase(1_100, 1_100)]
    [TestCase(1_150, 1_200)]
    [TestCase(2_000, 2_000)]
    [TestCase(60_000.5, 60_100)]
    public void BillablePeriod_ActivityOf_RoundsToAtLeastOneSecondInTenthsUp(double activityMs, double billedMs) =>
        Assert.That(FlexConsumption.BillablePeriod(TimeSpan.FromTicks((long)Math.Round(activityMs * TimeSpan.TicksPerMillisecond))),
            Is.EqualTo(TimeSpan.FromMilliseconds(billedMs)));

    [Test]
    public void Meter_OneShortInvocation_BillsOneSecondAtTheInstanceMemory()
    {
        var usage = FlexConsumption.Meter([Http(0, 40)], 512, AlwaysReady.None);

        Assert.That(usage.OnDemand, Is.EqualTo(new Metered(Periods: 1, BillableSeconds: 1, GbSeconds: 0.5m, Executions: 1)));
    }

    [Test]
    public void Meter_InstanceSizeFlexDoesNotOffer_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FlexConsumption.Meter([Http(0, 40)], 1_024, AlwaysReady.None));

    // The doc's worked example (functions-consumption-costs, Flex tab): HTTP only, 40 requests a second, 10 concurrent,
    // 2,048 MB, no always ready, for an hour; prices "without any free grants applied".
    [TestCase(10, 1.872, Description = "CPU-bound: concurrency 1, so 10 instances each continuously active")]
    [TestCase(1, 0.1872, Description = "IO-bound: all 10 concurrent requests on one instance")]
    public void Meter_DocsHourOf40RequestsASecond_CostsWhatTheDocsWorkOut(int instances, decimal executionTimeUsd)
    {
        var requests = Enumerable.Range(0, 40 * 3_600)
            .Select(n => Http(n * 25, 250, instance: $"i{n % instances}"))
            .ToList();

        var bill = MonthlyBill.For(FlexConsumption.Meter(requests, 2048, AlwaysReady.None), Flex(), Prices.ListUsd2025);

        // The doc's hour has no edges: the last IO-bound request ends 0.225 s after it, hence the rounding to 0.01 ¢.
        Assert.That(bill.Lines.Select(l => (l.Item, Math.Round(l.BeforeGrants, 4))), Is.EqualTo(new[]
        {
            ("On-demand execution time", executionTimeUsd),
            ("On-demand executions", 0.0576m),
            ("Queue class-2 operations", 0m),
            ("Table transactions", 0m),
            ("Telemetry ingestion", 0m),
        }));
    }

    [Test]
    public void Meter_DocsExampleIoBound_TotalsTheDocsHourlyCost()
    {
        var requests = Enumerable.Range(0, 40 * 3_600).Select(n => Http(n * 25, 250)).ToList();

        var bill = MonthlyBill.For(FlexConsumption.Meter(requests, 2048, AlwaysReady.None), Flex(), Prices.ListUsd2025);

        // "$0.1872 + $0.0576 = $0.245 USD" (the doc rounds $0.2448).
        Assert.That(Math.Round(bill.TotalBeforeGrants, 3), Is.EqualTo(0.245m));
    }

    [Test]
    public void GbSecondsOf_DocsMetricsExample_Is3458GbSeconds() =>
        // "the app consumed 3,540,992,000 MB-milliseconds (3458.00 GB-seconds)": 1,729,000 ms at 2,048 MB.
        Assert.That(Metered.GbSecondsOf(TimeSpan.FromMilliseconds(1_729_000), 2048), Is.EqualTo(3_458m));

    [Test]
    public void Meter_AlwaysReadyInstance_IsMeteredApartFromOnDemand()
    {
        Invocation[] invocations = [Http(0, 1_500, "first"), Http(100, 200, "second")];

        var usage = FlexConsumption.Meter(invocations, 2048, AlwaysReady.In("http", 1));

        Assert.That((usage.AlwaysReady, usage.OnDemand), Is.EqualTo((new Metered(1, 1.5m, 3m, 1), new Metered(1, 1m, 2m, 1))));
    }
}
