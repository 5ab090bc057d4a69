using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class WindowsConsumptionTests
{
    // "execution time calculated by rounding up to the nearest 1 ms. The minimum execution time ... is 100 ms"
    [TestCase(0, 100)]
    [TestCase(40, 100)]
    [TestCase(100, 100)]
    [TestCase(100.0001, 101)]
    [TestCase(250, 250)]
    [TestCase(1_001, 1_001)]
    public void BillableExecution_Duration_RoundsUpToTheMillisecondFromA100MsMinimum(double durationMs, double billedMs) =>
        Assert.That(WindowsConsumption.BillableExecution(TimeSpan.FromTicks((long)Math.Round(durationMs * TimeSpan.TicksPerMillisecond))),
            Is.EqualTo(TimeSpan.FromMilliseconds(billedMs)));

    // "rounding up to the nearest 128 MB, up to the maximum memory size of 1,536 MB"; "When your process is using 160 MB,
    // you're charged for 256 MB."; "minimum ... memory ... 128 mb".
    [TestCase(1, 128)]
    [TestCase(128, 128)]
    [TestCase(129, 256)]
    [TestCase(160, 256)]
    [TestCase(401, 512)]
    [TestCase(1_536, 1_536)]
    [TestCase(2_000, 1_536)]
    public void BilledMemoryMB_ProcessMemory_RoundsUpTo128MbSteps(int usedMB, int billedMB) =>
        Assert.That(WindowsConsumption.BilledMemoryMB(usedMB), Is.EqualTo(billedMB));

    [Test]
    public void Meter_OverlappingExecutions_AreBilledEach()
    {
        var usage = WindowsConsumption.Meter([Http(0, 40), Http(10, 40), Queue(20, 250)], peakMemoryMiB: 300);

        // 100 + 100 + 250 ms at 384 MB.
        Assert.That(usage.OnDemand, Is.EqualTo(new Metered(3, 0.45m, 0.45m * 384 / 1_024, 3)));
    }

    [Test]
    public void GbSecondsOf_DocsExample_HalfAGigabyteForThreeSeconds() =>
        // "say that your function consumed 0.5 GB for 3 seconds. Then the execution cost is 0.5GB * 3s = 1.5 GB-seconds."
        Assert.That(Metered.GbSecondsOf(TimeSpan.FromSeconds(3), 512), Is.EqualTo(1.5m));

    [Test]
    public void GbSecondsOf_DocsMetricsExample_Is1083Point98GbSeconds() =>
        // "the function app consumed 1110000000 / 1024000 = 1083.98 GB-seconds": 8,671,875 ms at 128 MB.
        Assert.That(Math.Round(Metered.GbSecondsOf(TimeSpan.FromMilliseconds(8_671_875), 128), 2), Is.EqualTo(1_083.98m));

    [Test]
    public void Bill_MonthPastBothGrants_PaysOnlyWhatTheGrantsDoNotCover()
    {
        var month = OnDemand(periods: 1_500_000, billableSeconds: 1_000_000, gbSeconds: 500_000, executions: 1_500_000);

        var bill = MonthlyBill.For(month, Deployment.WindowsConsumption with { Alerts = [] }, Prices.ListUsd2025);

        // 100,000 GB-s × $0.000016 + 0.5 million × $0.20.
        Assert.That(bill.Total, Is.EqualTo(1.60m + 0.10m));
    }
}
