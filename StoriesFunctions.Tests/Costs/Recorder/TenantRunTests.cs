using StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

namespace StoriesFunctions.Tests.Costs.Recorder;

/// <summary>A recording holds the span's own execution time (invocations across its edges are clipped to it), as the billing model reads it.</summary>
public class TenantRunTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 44, 59, 500, TimeSpan.Zero);

    private static readonly FunctionTriggers Triggers = FunctionTriggers.Parse("""
        [
          { "name": "SegmentWebhook", "bindings": [{ "type": "httpTrigger", "direction": "In" }, { "type": "http", "direction": "Out" }] },
          { "name": "BacklogGauges", "bindings": [{ "type": "timerTrigger", "direction": "In" }] }
        ]
        """);

    [Test]
    public void Invocations_AcrossTheSpansEdges_ClippedToTheSpan()
    {
        var run = Run(
            Invocation("before", -30, 10),
            Invocation("across-start", -60, 90),
            Invocation("inside", 10, 5),
            Invocation("across-end", 170, 60),
            Invocation("still-running", 175, null),
            Invocation("after", 181, 1));

        var clipped = run.Invocations.Select(i => (i.Function, (i.Start - Start).TotalSeconds, i.Duration!.Value.TotalSeconds)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(clipped, Is.EqualTo(new[] { ("across-start", 0.0, 30.0), ("inside", 10.0, 5.0), ("across-end", 170.0, 10.0), ("still-running", 175.0, 5.0) }));
            Assert.That((run.BegunBefore, run.RunningPast), Is.EqualTo((1, 2)));
        });
    }

    [Test]
    public void ToRecording_ARun_TheModelsRecordingOfTheSpanWithStorageByPriceClass()
    {
        var run = Run(Invocation("SegmentWebhook", 10, 0.2), Invocation("BacklogGauges", 60.5, 0.1)) with
        {
            AllStorage =
            [
                Request(5, StorageService.Queue, "GET", "/devstoreaccount1/segment-events/messages"),
                Request(6, StorageService.Table, "POST", "/devstoreaccount1/Tables"),
                Request(7, StorageService.Blob, "PUT", "/devstoreaccount1/azure-webjobs-hosts/locks/host/host", "comp=lease"),
                Request(8, StorageService.Blob, "GET", "/devstoreaccount1/azure-webjobs-hosts", "restype=container&comp=list"),
                Request(9, StorageService.Blob, "GET", "/devstoreaccount1/azure-webjobs-hosts/timers/h/Functions.BacklogGauges/status"),
                Request(200, StorageService.Blob, "GET", "/devstoreaccount1/azure-webjobs-hosts/timers/h/Functions.BacklogGauges/status"),
            ],
        };

        var recording = RecordingJson.Read(RecordingJson.Write(run.ToRecording(Triggers)));

        Assert.Multiple(() =>
        {
            Assert.That((recording.Tenant, recording.From, recording.To, recording.Scale), Is.EqualTo(("idle", Start, Start.AddMinutes(3), 14_600m)));
            Assert.That(recording.Invocations.Select(i => (i.Function, i.Trigger, i.Instance)),
                Is.EqualTo(new[] { ("SegmentWebhook", Trigger.Http, "host-1"), ("BacklogGauges", Trigger.Timer, "host-1") }));
            Assert.That(recording.Storage, Is.EqualTo(new StorageOperations(QueueClass2: 1, TableTransactions: 1, BlobWrites: 1, BlobReads: 2)));
        });
    }

    private static StorageRequest Request(double seconds, StorageService service, string method, string path, string query = "") =>
        new(Start.AddSeconds(seconds), service, method, path, query, null);

    private static HostInvocation Invocation(string function, double startSeconds, double? seconds) =>
        new(function, function, Start.AddSeconds(startSeconds), seconds is { } s ? TimeSpan.FromSeconds(s) : null, null);

    private static TenantRun Run(params HostInvocation[] invocations) =>
        new(Tenants.All[0], new RecordingWindow(Start, TimeSpan.FromMinutes(3)), Traffic.None, invocations, [], [], [], 0);
}
