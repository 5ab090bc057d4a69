using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class MonthlyBillTests
{
    private static BillLine Line(MonthlyBill bill, string item) => bill.Lines.Single(l => l.Item == item);

    [Test]
    public void For_FlexExecutionTime_WritesItsArithmetic()
    {
        var bill = MonthlyBill.For(OnDemand(1_000_000, 1_000_000, 500_000, 0), Flex(512), Prices.ListUsd2025);

        Assert.That(Line(bill, "On-demand execution time"), Is.EqualTo(new BillLine("On-demand execution time",
            "1,000,000 periods × 1.0 s × 0.5 GB = 500,000 GB-s − 100,000 free = 400,000 × $0.000026 = $10.40", 13.00m, 10.40m)));
    }

    [Test]
    public void For_IdleAndTrafficEachWithinTheGrant_PayForWhatTogetherExceedsIt()
    {
        var idle = OnDemand(60_000, 60_000, 60_000, 200_000);
        var traffic = OnDemand(30_000, 30_000, 60_000, 200_000);

        var separately = MonthlyBill.For(idle, Flex(), Prices.ListUsd2025).Total + MonthlyBill.For(traffic, Flex(), Prices.ListUsd2025).Total;
        var together = MonthlyBill.For(idle + traffic, Flex(), Prices.ListUsd2025).Total;

        // 20,000 GB-s × $0.000026 + 150,000 executions × $0.40 per million: the grants go once, to the month's sum.
        Assert.That((separately, together), Is.EqualTo((0m, 0.52m + 0.06m)));
    }

    [Test]
    public void For_UsageWellWithinTheGrants_CostsNothingRatherThanLess()
    {
        var bill = MonthlyBill.For(OnDemand(10, 10, 20, 10), Flex(), Prices.ListUsd2025);

        Assert.That((bill.Total, bill.TotalBeforeGrants), Is.EqualTo((0m, 20 * 0.000026m + 10 * 0.40m / 1_000_000)));
    }

    [TestCase(4_000_000_000, 0)]
    [TestCase(6_000_000_000, 2.30)]
    [TestCase(7_500_000_000, 5.75)]
    public void For_Telemetry_PaysPerGigabyteOf10To9BytesPastFive(long bytes, decimal usd)
    {
        var bill = MonthlyBill.For(Usage.Zero with { TelemetryBytes = bytes }, Flex(), Prices.ListUsd2025);

        Assert.That(Line(bill, "Telemetry ingestion").Usd, Is.EqualTo(usd));
    }

    [Test]
    public void For_StorageOperations_PaysPerTenThousandByClass()
    {
        var storage = new StorageOperations(QueueClass2: 2_060_000, TableTransactions: 3_000_000, BlobWrites: 10_000, BlobReads: 20_000);

        var bill = MonthlyBill.For(Usage.Zero with { Storage = storage }, Flex(), Prices.ListUsd2025);

        Assert.That(bill.Lines.Where(l => l.Item.Contains("operations") || l.Item.Contains("transactions")).Select(l => l.Usd),
            Is.EqualTo(new[] { 0.824m, 0.108m, 0.05m, 0.008m }));
    }

    [Test]
    public void For_DefaultDeployment_PaysItsThreeMetricAlertsWhateverTheTraffic()
    {
        var bill = MonthlyBill.For(Usage.Zero, Deployment.Default, Prices.ListUsd2025);

        Assert.That((bill.Total, Line(bill, "Alert rules").Arithmetic), Is.EqualTo((0.30m, "3 monitored time series × $0.10 = $0.30")));
    }

    [Test]
    public void For_AlwaysReadyInstance_PaysItsBaselineAllMonthWithoutGrants()
    {
        var deployment = Flex(512) with { AlwaysReady = AlwaysReady.In("http", 1) };

        var bill = MonthlyBill.For(Usage.Zero, deployment, Prices.ListUsd2025);

        // 730 h × 3,600 s × 0.5 GB × $0.000004.
        Assert.That(Line(bill, "Always-ready baseline").Usd, Is.EqualTo(2_628_000 * 0.5m * 0.000004m));
    }
}
