using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class IdleShareTests
{
    private static readonly Recording IdleHour = Recording(TenantShapes.Idle) with
    {
        Storage = new StorageOperations(QueueClass2: 1_000, TableTransactions: 60),
        TelemetryBytes = 360_000,
    };

    [Test]
    public void NetOf_TrafficRecording_LosesItsTimersAndKeepsWhatItsEventsCaused()
    {
        var traffic = Recording() with { Invocations = [Timer(0, 50), Http(10, 20), Queue(40, 90), Timer(60_000, 50)] };

        var net = IdleShare.NetOf(traffic, IdleHour);

        Assert.That(net.Invocations.Select(i => i.Trigger), Is.EqualTo(new[] { Trigger.Http, Trigger.Queue }));
    }

    [Test]
    public void NetOf_HalfAnHourOfTraffic_LosesHalfAnIdleHoursPollsAndTelemetry()
    {
        var traffic = Recording(span: TimeSpan.FromMinutes(30)) with
        {
            Storage = new StorageOperations(QueueClass2: 800, TableTransactions: 3_030),
            TelemetryBytes = 1_000_000,
        };

        var net = IdleShare.NetOf(traffic, IdleHour);

        Assert.That((net.Storage, net.TelemetryBytes), Is.EqualTo((new StorageOperations(300, 3_000), 820_000L)));
    }

    [Test]
    public void NetOf_TrafficPollingLessThanIdle_NeverGoesBelowZero()
    {
        var traffic = Recording(span: TimeSpan.FromMinutes(30)) with { Storage = new StorageOperations(100, 10), TelemetryBytes = 5 };

        var net = IdleShare.NetOf(traffic, IdleHour);

        Assert.That((net.Storage, net.TelemetryBytes), Is.EqualTo((StorageOperations.None, 0L)));
    }
}
