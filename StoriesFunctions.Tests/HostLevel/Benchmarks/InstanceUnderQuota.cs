using System.Diagnostics;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// One host of <paramref name="cluster"/> in <paramref name="quota"/>'s CPU group, measured as an instance of a size in
/// two lifetimes, as Flex Consumption's per-function scaling runs the app: HTTP triggers on instances of their own,
/// each other function on its own. The webhook's lifetime has delivery disabled; the delivery's lifetime drains a backlog
/// that the webhook queued, Stories answering each call after about 80 ms (set by the caller).
/// </summary>
internal sealed class InstanceUnderQuota(HostCluster cluster, CpuQuota quota, TelemetryCapture capture, IReadOnlyDictionary<string, string?> settings)
{
    public const int WarmCalls = 7;
    public const int BacklogEvents = 6000;
    private const int BacklogBatch = 100;
    private const string DeliveryDisabled = "AzureWebJobs.DeliverEvents.Disabled";

    private FunctionsHost Host => cluster[0];

    public async Task<IngestFigures> IngestAsync(InstanceVariant variant, CancellationToken cancellationToken)
    {
        int requests = cluster.Stories.Requests.Count;
        await StartAsync(variant, deliver: false, cancellationToken);
        await using var memory = InstanceMemory.Watch(quota);
        var throttled = quota.Throttling();
        var (cpu, clock) = (CpuTime(), Stopwatch.StartNew());
        var cold = await PostBatchAsync("cold", cancellationToken);
        var warm = new List<WebhookCall>();
        for (int call = -2; call < WarmCalls; call++)
        {
            var answered = await PostBatchAsync($"warm{call + 2}", cancellationToken);
            if (call >= 0)
            {
                warm.Add(answered); // the first two warm up
            }
        }

        // The queue clearing between calls is in the wall time too; the instance does nothing meanwhile.
        double cores = (CpuTime() - cpu) / clock.Elapsed;
        var processes = InstanceMemory.Processes(quota);
        string Gc(bool host) => string.Join(", ", processes.Where(p => p.IsHost == host).Select(p => p.GcMode));
        Assert.That(cluster.Stories.Requests, Has.Count.EqualTo(requests), "delivery stayed disabled while the webhook was measured");
        var figures = new IngestFigures(Host.StartupTime, cold, warm, memory.Peak(), quota.Throttling() - throttled, cores, Gc(host: true), Gc(host: false));
        await QueueBacklogAsync(cancellationToken);
        return figures;
    }

    /// <summary>Drains what <see cref="IngestAsync"/> left queued; call it right after.</summary>
    public async Task<DrainFigures> DrainAsync(InstanceVariant variant, CancellationToken cancellationToken)
    {
        int messages = (await cluster.Events.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        int requests = cluster.Stories.Requests.Count;
        int items = capture.Items.Count;
        await StartAsync(variant, deliver: true, cancellationToken);
        await using var memory = InstanceMemory.Watch(quota);
        var throttled = quota.Throttling();
        var (cpu, clock) = (CpuTime(), Stopwatch.StartNew());

        var created = await WaitForCreatedAsync(requests, BacklogEvents, TimeSpan.FromMinutes(15), cancellationToken);
        await cluster.WaitUntilEventsQueueEmptyAsync(TimeSpan.FromMinutes(2), cancellationToken);
        var peak = memory.Peak();
        var throttling = quota.Throttling() - throttled;
        cpu = CpuTime() - cpu;
        double cores = cpu / clock.Elapsed;
        Assert.That(created, Has.Count.EqualTo(BacklogEvents), "nothing lost, nothing doubled");

        var calls = cluster.Stories.Requests.Skip(requests).ToList();
        var drain = created.Max(r => r.ReceivedAt) - calls.Min(r => r.ReceivedAt);
        var invocations = await WaitForInvocationsAsync(items, messages, cancellationToken);
        var active = TimeSpan.FromSeconds(TelemetryItem.ActiveSeconds(invocations));
        return new DrainFigures(Host.StartupTime, BacklogEvents, messages, drain, active, cpu, cores, peak, throttling);
    }

    private async Task StartAsync(InstanceVariant variant, bool deliver, CancellationToken cancellationToken)
    {
        var lifetime = new Dictionary<string, string?>(settings) { [DeliveryDisabled] = deliver ? null : "true" };
        foreach (var (name, value) in variant.Settings)
        {
            lifetime[name] = value;
        }

        await Host.StopAsync();
        quota.Limit(variant.Size.Cores);
        await Host.RestartAsync(lifetime, cancellationToken);
    }

    /// <summary>
    /// One signed 4,000-event array, timed from sending to the whole answer read. Every answer is an outcome to report:
    /// 503 when the queue write passed its 4 s, 500 or none at all (status 0) when a setting starved the worker.
    /// </summary>
    private async Task<WebhookCall> PostBatchAsync(string call, CancellationToken cancellationToken)
    {
        byte[] body = SampleEvents.ArrayBody($"{call}-{Guid.NewGuid():N}", SampleEvents.BatchSize);
        string signature = SampleEvents.Sign(body);
        var cpu = CpuTime();
        var clock = Stopwatch.StartNew();
        int status;
        try
        {
            using var response = await Host.PostAsync("api/segment", body, signature, cancellationToken);
            _ = await response.Content.ReadAsStringAsync(cancellationToken);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = 0;
        }

        var answered = new WebhookCall(clock.Elapsed.TotalMilliseconds, status, (CpuTime() - cpu).TotalMilliseconds);
        await cluster.Events.ClearMessagesAsync(cancellationToken);
        return answered;
    }

    /// <summary>
    /// The backlog for the delivery's lifetime: Segment batches of 100 events, 4 calls at a time. Not measured, so the
    /// group gets the whole machine meanwhile; what the webhook's runtime chose at start-up stays as it was.
    /// </summary>
    private async Task QueueBacklogAsync(CancellationToken cancellationToken)
    {
        double cores = quota.Cores;
        quota.Limit(Environment.ProcessorCount);
        string run = Guid.NewGuid().ToString("N")[..8];
        await Parallel.ForEachAsync(Enumerable.Range(0, BacklogEvents / BacklogBatch), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (call, ct) =>
        {
            byte[] body = SampleEvents.ArrayBody($"backlog-{run}-{call}", BacklogBatch);
            using var response = await Host.PostAsync("api/segment", body, SampleEvents.Sign(body), ct);
            Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync(ct));
        });
        quota.Limit(cores);
    }

    private TimeSpan CpuTime() => InstanceMemory.Processes(quota).Aggregate(TimeSpan.Zero, (sum, p) => sum + p.CpuTime);

    private async Task<List<RecordedRequest>> WaitForCreatedAsync(int before, int events, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var created = cluster.Stories.Requests.Skip(before).Where(r => r is { Path: "/v1/events", StatusCode: 201 }).ToList();
            if (created.Count >= events || deadline.Elapsed > timeout)
            {
                return created;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The host's request items of the delivery's invocations; their channel sends within about 30 s.</summary>
    private async Task<List<TelemetryItem>> WaitForInvocationsAsync(int before, int messages, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var invocations = capture.Items.Skip(before)
                .Where(i => i is { FromHost: true, BaseType: "RequestData", Name: "DeliverEvents", Duration: not null })
                .ToList();
            if (invocations.Count >= messages || deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                Assert.That(invocations, Has.Count.GreaterThanOrEqualTo(messages), "one invocation per queue message reached the telemetry");
                return invocations;
            }

            await Task.Delay(500, cancellationToken);
        }
    }
}
