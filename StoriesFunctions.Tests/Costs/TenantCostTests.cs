using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class TenantCostTests
{
    // An idle hour: the every-minute timer, 50 ms each; × 730 to a month.
    private static readonly Recording IdleHour = Recording(TenantShapes.Idle) with
    {
        Scale = BillingMonth.Hours,
        Invocations = [.. Enumerable.Range(0, 60).Select(m => Timer(m * 60_000, 50))],
    };

    // Ten minutes of classic traffic: 200 webhook calls 3 s apart, each delivered 100 ms later; and the timer, again.
    private static readonly Recording ClassicTenMinutes = Recording("classic", TimeSpan.FromMinutes(10)) with
    {
        Scale = 5_000,
        Events = 200,
        Invocations =
        [
            .. Enumerable.Range(0, 200).SelectMany(n => new[] { Http(n * 3_000, 15), Queue(n * 3_000 + 100, 85) }),
            .. Enumerable.Range(0, 10).Select(m => Timer(m * 60_000, 50)),
        ],
    };

    [Test]
    public void Parts_TrafficWithAnIdleRecording_CountsTheTimersOnlyInTheIdleMonth()
    {
        var parts = TenantCost.Parts(ClassicTenMinutes, IdleHour, Flex());

        Assert.That((parts.Fixed.OnDemand.Executions, parts.Traffic.OnDemand.Executions), Is.EqualTo((60m * 730, 400m * 5_000)));
    }

    [Test]
    public void Of_TrafficWithAnIdleRecording_BillsTheGrantsOnceForTheWholeMonth()
    {
        var bill = TenantCost.Of(ClassicTenMinutes, IdleHour, Flex(), Prices.ListUsd2025);

        // 43,800 timer periods + 2,000,000 traffic periods, each 1 s at 2 GB; 2,043,800 executions.
        var expected = (2_043_800m * 2 - 100_000) * 0.000026m + (2_043_800m - 250_000) * 0.40m / 1_000_000;
        Assert.That(bill.Charged, Is.EqualTo(expected));
    }

    [Test]
    public void Of_RunBilledOnce_ChargesWhatItAddsToTheIdleMonth()
    {
        var replay = ClassicTenMinutes with { Tenant = "replay", Scale = 1 };

        var bill = TenantCost.Of(replay, IdleHour, Deployment.Default, Prices.ListUsd2025);

        // The idle month's 87,600 GB-s leave 12,400 of the grant; the replay's 800 GB-s fit in it, its 400 executions too.
        Assert.That((bill.Charged, bill.Month.Total, bill.Without!.Total), Is.EqualTo((0m, 0.30m, 0.30m)));
    }

    [Test]
    public void Parts_LongerQueuePolling_ScalesOnlyTheFixedMonthsQueueOperations()
    {
        // 600 empty polls an hour at 2 s (7 queues would make more: the ratio is what counts), and 50 queue operations of the traffic.
        var idle = IdleHour with { Storage = new StorageOperations(600, 10, 5, 20) };
        var traffic = ClassicTenMinutes with { Storage = new StorageOperations(100 + 50, 0) };
        var polledEvery30 = Flex() with { QueuePolling = TimeSpan.FromSeconds(30) };

        var recorded = TenantCost.Parts(traffic, idle, Flex() with { QueuePolling = Deployment.RecordedQueuePolling });
        var parts = TenantCost.Parts(traffic, idle, polledEvery30);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parts.Fixed.Storage, Is.EqualTo(new StorageOperations(600m * 730 / 15, 10m * 730, 5m * 730, 20m * 730)));
            Assert.That(recorded.Fixed.Storage.QueueClass2, Is.EqualTo(600m * 730));

            // The traffic's own ten minutes lose the idle share (100 polls) either way; its 50 operations scale by 5,000.
            Assert.That(parts.Traffic.Storage.QueueClass2, Is.EqualTo(50m * 5_000).Within(1e-9m));
        }
    }

    [Test]
    public void Of_NoIdleRecording_SaysTheFixedItemsAreIncomplete()
    {
        var bill = TenantCost.Of(ClassicTenMinutes, null, Flex(), Prices.ListUsd2025);

        Assert.That(bill.Notes, Has.One.StartsWith("No idle recording"));
    }

    [Test]
    public void Of_UnknownTenant_HasNoGoalToMeet()
    {
        var bill = TenantCost.Of(ClassicTenMinutes with { Tenant = "someone" }, IdleHour, Flex(), Prices.ListUsd2025);

        Assert.That((bill.Shape, bill.Met), Is.EqualTo(((TenantShape?)null, (bool?)null)));
    }
}
