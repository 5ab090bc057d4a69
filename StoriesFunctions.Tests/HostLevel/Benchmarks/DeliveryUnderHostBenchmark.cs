using System.Globalization;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// The inputs of the all-in cost model, measured under the real host (<c>func start</c>) with host.json's log levels
/// as deployed: events delivered per second per instance against a Stories that answers at once; and, per traffic
/// shape against a Stories that answers in 80 ms, the host's and worker's telemetry bytes per event (through a local
/// ingestion endpoint), executions per event and the instance's active time per event (the union of invocation
/// intervals, which is what Flex Consumption bills). A benchmark: it prints figures and runs only when asked.
/// </summary>
[Explicit("A benchmark: run it with --filter Category=HostBenchmark (docs/performance.md)")]
[Category("HostBenchmark")]
[NonParallelizable]
public class DeliveryUnderHostBenchmark
{
    private const string DeliveryDisabled = "AzureWebJobs.DeliverEvents.Disabled";

    // Pre-aggregated metrics leave the worker at the minute's end and every channel sends within 30 s: wait both out.
    private static readonly TimeSpan Flush = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("BENCH_FLUSH_SECONDS"), CultureInfo.InvariantCulture, out int seconds) ? seconds : 95);

    private static readonly Shape[] Shapes =
    [
        new("idle instance, no events", 0, 0, false, null),
        new("batched track (arrays of 500)", 2000, 500, false, null),
        new("batched identify, Sync Users (arrays of 500)", 1000, 500, true, null),
        new("single track", 400, 1, false, null),
        new("single identify, Sync Users", 200, 1, true, null),
        new("batched track, Stories limit pacing (20/1s)", 400, 100, false, "20/1s"),
        new("single track, sustained 20 a second for 75 s, requests sampled as deployed", 1500, 1, false, null, PerSecond: 20, Sampled: true),
    ];

    // BENCH_SHAPES=sustained runs the idle lifetime and the shapes whose name contains it.
    private static readonly string? ShapeFilter = Environment.GetEnvironmentVariable("BENCH_SHAPES");

    // BENCH_TELEMETRY_MODE=OpenTelemetry runs the host in that telemetryMode (issue 20): its telemetry then goes through
    // its Azure Monitor exporter, with that exporter's own sampling, and host.json's samplingSettings no longer apply.
    private static readonly string? TelemetryMode = Environment.GetEnvironmentVariable("BENCH_TELEMETRY_MODE");

    [Test]
    [CancelAfter(900_000)]
    public async Task Delivery_EventsPerSecondPerInstance_StoriesAnsweringAtOnce(CancellationToken cancellationToken)
    {
        var settings = ProductionLike();
        settings[DeliveryDisabled] = "true";
        await using var cluster = await HostCluster.StartAsync(1, settings, cancellationToken: cancellationToken);
        cluster.Stories.RateLimit = new LaravelWindow(100_000, TimeSpan.FromSeconds(1)); // headers agree with the setting
        var host = cluster[0];
        settings = new Dictionary<string, string?>(host.Settings); // the cluster's settings with ours over them
        TestContext.Out.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");
        TestContext.Out.WriteLine("| traffic | events | queue messages | drain (first call to last acceptance) | events/s per instance | events accepted |");
        TestContext.Out.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, events, perCall) in new[] { ("batched (arrays of 4,000)", 8000, 4000), ("single events", 2000, 1) })
        {
            await host.RestartAsync(settings, cancellationToken);
            int before = cluster.Stories.Requests.Count;
            await IngestAsync(host, name, events, perCall, identify: false, cancellationToken);
            int messages = (await cluster.Events.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;

            var delivering = new Dictionary<string, string?>(settings) { [DeliveryDisabled] = null };
            await host.RestartAsync(delivering, cancellationToken);
            await WaitForEventsAsync(cluster, before, events, TimeSpan.FromMinutes(5), cancellationToken);
            await cluster.WaitUntilEventsQueueEmptyAsync(TimeSpan.FromMinutes(1), cancellationToken);
            var requests = cluster.Stories.Requests.Skip(before).ToList();
            var created = requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 }).ToList();
            var drain = created.Max(r => r.ReceivedAt) - requests.Min(r => r.ReceivedAt);
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {events} | {messages} | {drain.TotalSeconds:0.0} s | {events / drain.TotalSeconds:0} | {created.Count} |"));
            Assert.That(created, Has.Count.EqualTo(events), "nothing lost, nothing doubled");
        }

        TestContext.Out.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    [Test]
    [CancelAfter(1_800_000)]
    public async Task TelemetryAndCompute_PerTrafficShape_StoriesAnsweringIn80ms(CancellationToken cancellationToken)
    {
        await using var capture = new TelemetryCapture();
        var settings = ProductionLike();
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = capture.ConnectionString;
        settings["Stories__SyncUsers"] = "true";
        await using var cluster = await HostCluster.StartAsync(1, settings, cancellationToken: cancellationToken);
        await HostStorage.CreateDeclaredQueuesAsync(cluster.StorageConnectionString, cancellationToken);
        cluster.Stories.FailAll(StoriesReply.Delay(TimeSpan.FromMilliseconds(80)));
        var host = cluster[0];
        settings = new Dictionary<string, string?>(host.Settings);
        string app = await AppBuild.OutputAsync(cancellationToken);
        await host.StopAsync();

        TestContext.Out.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}; flush wait {Flush.TotalSeconds:0} s; host telemetryMode {TelemetryMode ?? "default"}");
        TestContext.Out.WriteLine("| traffic | events | lifetime | telemetry items | host B | worker B | B/event gross | B/event net of idle | by type (B/event) | executions/event | active s/event | Σ durations s/event | host+worker peak RSS |");
        TestContext.Out.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        double idleBytesPerSecond = 0;
        foreach (var shape in Shapes.Where(s => s.Events == 0 || ShapeFilter is null || s.Name.Contains(ShapeFilter, StringComparison.Ordinal)))
        {
            var roundSettings = new Dictionary<string, string?>(settings)
            {
                ["AzureFunctionsJobHost__logging__applicationInsights__samplingSettings__isEnabled"] = shape.Sampled ? null : "false",
                ["AzureFunctionsJobHost__telemetryMode"] = TelemetryMode,
            };
            if (shape.RateLimit is { } limit)
            {
                roundSettings["Stories__RateLimit"] = limit;
            }

            int mark = capture.Items.Count;
            int before = cluster.Stories.Requests.Count;
            var started = DateTimeOffset.UtcNow;
            await host.RestartAsync(roundSettings, cancellationToken);
            if (shape.Events == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(20), cancellationToken);
            }
            else
            {
                await IngestAsync(host, shape.Name, shape.Events, shape.PerCall, shape.Identify, cancellationToken, shape.PerSecond);
                await WaitForEventsAsync(cluster, before, shape.Events, TimeSpan.FromMinutes(5), cancellationToken);
            }

            long peak = Processes(app).Sum(p => p.PeakResidentBytes);
            await Task.Delay(Flush, cancellationToken);
            await host.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            var lifetime = DateTimeOffset.UtcNow - started;
            var items = capture.Items.Skip(mark).ToList();
            long bytes = items.Sum(i => i.Bytes);
            if (shape.Events == 0)
            {
                idleBytesPerSecond = bytes / lifetime.TotalSeconds;
            }

            TestContext.Out.WriteLine(Row(shape, lifetime, items, idleBytesPerSecond, peak));
            foreach (var category in items.GroupBy(i => (i.SdkName, i.BaseType, i.LogCategory ?? i.Name)).OrderByDescending(g => g.Sum(i => i.Bytes)).Take(8))
            {
                TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {category.Key}: {category.Count()} items, {category.Sum(i => i.Bytes)} B"));
            }
        }
    }

    private static string Row(Shape shape, TimeSpan lifetime, List<TelemetryItem> items, double idleBytesPerSecond, long peak)
    {
        long bytes = items.Sum(i => i.Bytes);
        double events = Math.Max(shape.Events, 1);
        var byType = string.Join(", ", items.GroupBy(i => i.BaseType).OrderByDescending(g => g.Sum(i => i.Bytes))
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key.Replace("Data", "", StringComparison.Ordinal)} {g.Sum(i => i.Bytes) / events:0}")));
        var invocations = items.Where(i => i.FromHost && i.BaseType == "RequestData" && i.Name is "SegmentWebhook" or "DeliverEvents" && i.Duration is not null).ToList();
        double active = TelemetryItem.ActiveSeconds(invocations);
        double summed = invocations.Sum(i => i.Duration!.Value.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {shape.Name} | {shape.Events} | {lifetime.TotalSeconds:0} s | {items.Count} | {items.Where(i => i.FromHost).Sum(i => i.Bytes)} | {items.Where(i => !i.FromHost).Sum(i => i.Bytes)} | "
            + $"{bytes / events:0.0} | {(bytes - (idleBytesPerSecond * lifetime.TotalSeconds)) / events:0.0} | {byType} | "
            + $"{invocations.Count / events:0.0000} | {active / events:0.00000} | {summed / events:0.00000} | {peak / 1048576.0:0} MiB |");
    }

    private static IEnumerable<WorkerProcess> Processes(string app) =>
        new[] { WorkerProcess.Find(app), WorkerProcess.FindHost() }.OfType<WorkerProcess>();

    /// <summary>Settings as deployed where it matters here: a signing secret, and host.json's log levels.</summary>
    private static Dictionary<string, string?> ProductionLike() => new()
    {
        ["Segment__SharedSecret"] = SampleEvents.SharedSecret,
        ["AzureFunctionsJobHost__logging__logLevel__Function"] = null,
    };

    private static async Task IngestAsync(FunctionsHost host, string run, int events, int perCall, bool identify, CancellationToken cancellationToken, int perSecond = 0)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        string tag = new string(run.Where(char.IsLetterOrDigit).ToArray()) + Guid.NewGuid().ToString("N")[..6];
        Func<string, int, string> make = identify ? SampleEvents.Identify : SampleEvents.Track;
        var calls = Enumerable.Range(0, events / perCall).ToList();
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (call, ct) =>
        {
            if (perSecond > 0 && TimeSpan.FromSeconds(call / (double)perSecond) - started.Elapsed is { Ticks: > 0 } early)
            {
                await Task.Delay(early, ct);
            }

            byte[] body = perCall == 1
                ? System.Text.Encoding.UTF8.GetBytes(make(tag, call))
                : SampleEvents.ArrayBody($"{tag}-{call}", perCall, make);
            using var response = await host.PostAsync("api/segment", body, SampleEvents.Sign(body), ct);
            Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync(ct));
        });
    }

    /// <summary>
    /// Waits until Stories has accepted <paramref name="events"/> events since request number <paramref name="before"/>
    /// (counted: the sample events of one user map to the same Stories body).
    /// </summary>
    private static async Task<List<RecordedRequest>> WaitForEventsAsync(HostCluster cluster, int before, int events, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var created = cluster.Stories.Requests.Skip(before).Where(r => r is { Path: "/v1/events", StatusCode: 201 }).ToList();
            if (created.Count >= events || DateTimeOffset.UtcNow > deadline)
            {
                return created;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// A traffic shape; <paramref name="PerSecond"/> spreads the calls over time (0: as fast as 4 senders go).
    /// <paramref name="Sampled"/> keeps host.json's request sampling on: then requests are kept only in part, and the
    /// executions and active time read from them are lower bounds. The other shapes turn it off, so that every
    /// invocation is counted; their telemetry is then the unsampled upper bound.
    /// </summary>
    private sealed record Shape(string Name, int Events, int PerCall, bool Identify, string? RateLimit, int PerSecond = 0, bool Sampled = false);
}
