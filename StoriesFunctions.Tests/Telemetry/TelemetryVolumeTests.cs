using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.ApplicationInsights.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using AiJson = Microsoft.ApplicationInsights.Extensibility.Implementation.JsonSerializer;
using StoriesFunctions.Tests.Functions;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Telemetry;

/// <summary>
/// The app's real telemetry (the worker's Application Insights SDK as registered in production, with its own log
/// filter at the worker's default Information) sent to an in-memory channel while events are ingested and delivered:
/// bytes per event by telemetry type, as the ingestion endpoint would receive them (uncompressed JSON). The host's
/// own telemetry (one request per invocation) is not in the worker and not counted here.
/// </summary>
[NonParallelizable]
public class TelemetryVolumeTests
{
    private sealed class CapturingChannel : ITelemetryChannel
    {
        private readonly Lock _gate = new();
        private readonly List<ITelemetry> _sent = [];

        public bool? DeveloperMode { get; set; }

        public string? EndpointAddress { get; set; }

        public List<ITelemetry> Sent
        {
            get
            {
                lock (_gate)
                {
                    return [.. _sent];
                }
            }
        }

        public void Send(ITelemetry item)
        {
            lock (_gate)
            {
                _sent.Add(item);
            }
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }

    [TestCase(false, 300, 300, TestName = "Telemetry_BatchedEvents_DefaultSettings")]
    [TestCase(false, 200, 1, TestName = "Telemetry_SingleEventCalls_DefaultSettings", Category = TestCategories.Slow)]
    [TestCase(true, 300, 300, TestName = "Telemetry_BatchedEvents_EventTracesOn", Category = TestCategories.Slow)]
    public async Task Telemetry_PerEvent_MeasuredAndFailuresStillTraced(bool eventTraces, int events, int perCall)
    {
        var channel = new CapturingChannel();
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";
            s["Telemetry:EventTraces"] = eventTraces ? "true" : "false";
        }, services: builder =>
        {
            builder.Services.AddSingleton<ITelemetryChannel>(channel);
            builder.Services.AddForwarderApplicationInsights();
            builder.Logging.SetMinimumLevel(LogLevel.Information); // the worker's default, as in Azure
        });
        var batch = Enumerable.Range(0, events).Select(i => (i % 5 == 0 ? SegmentEventBuilder.Identify() : SegmentEventBuilder.Track()).With("userId", $"user-{i % 50}").Json()).ToList();

        foreach (var call in batch.Chunk(perCall))
        {
            await forwarder.PostAsync(perCall == 1 ? call[0] : "[" + string.Join(",", call) + "]");
        }

        await forwarder.DeliverUntilAsync(() => stories.Requests.Count(r => r is { Path: "/v1/events", StatusCode: 201 }) >= events, TimeSpan.FromSeconds(120));
        forwarder.Services.GetRequiredService<TelemetryConfiguration>().GetMetricManager().Flush();
        await Task.Delay(200);

        var sent = channel.Sent;
        var byType = sent.GroupBy(Kind).ToDictionary(g => g.Key, g => (Items: g.Count(), Bytes: AiJson.Serialize(g.ToList(), compress: false).Length));
        var total = byType.Values.Sum(v => v.Bytes);
        var shape = perCall == 1 ? "single-event calls" : FormattableString.Invariant($"batches of {perCall}");
        var columns = new[] { "trace", "dependency", "metric", "other" }
            .Select(k => byType.TryGetValue(k, out var v) ? FormattableString.Invariant($"{v.Items} items, {(double)v.Bytes / events:0} B/event") : "0");
        TestContext.Out.WriteLine(FormattableString.Invariant($"| {shape} | {(eventTraces ? "on" : "off (default)")} | {events} | {string.Join(" | ", columns)} | **{(double)total / events:0} B/event** |"));

        var traces = sent.OfType<TraceTelemetry>().ToList();
        foreach (var group in traces.GroupBy(t => t.Properties.TryGetValue("CategoryName", out var c) ? c : "?").OrderByDescending(g => g.Count()).Take(6))
        {
            TestContext.Out.WriteLine(FormattableString.Invariant($"  traces from {group.Key}: {group.Count()}"));
        }

        Assert.Multiple(() =>
        {
            Assert.That(traces.Count(t => t.Message.Contains(" delivered: Stories answered", StringComparison.Ordinal)), eventTraces ? Is.EqualTo(events) : Is.Zero);
            Assert.That(traces.Count(t => t.Message.Contains(" queued", StringComparison.Ordinal) && t.Message.StartsWith("Event ", StringComparison.Ordinal)), eventTraces ? Is.EqualTo(events) : Is.Zero);
            Assert.That(sent.OfType<MetricTelemetry>().Select(m => m.Name), Has.Member("storiesfunctions.events.delivered").And.Member("storiesfunctions.stories.latency_bucket"));
            Assert.That(sent.OfType<DependencyTelemetry>(), Is.Empty, "dependency tracking is off");
        });
    }

    [Test]
    public async Task Telemetry_Failures_AlwaysTracedByMessageIdNeverSampled()
    {
        var channel = new CapturingChannel();
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";
            s["Delivery:MaxAttempts"] = "1";
        }, services: builder =>
        {
            builder.Services.AddSingleton<ITelemetryChannel>(channel);
            builder.Services.AddForwarderApplicationInsights();
            builder.Logging.SetMinimumLevel(LogLevel.Information); // the worker's default, as in Azure
        });
        stories.FailAll(StoriesReply.Status(422));
        var batch = Enumerable.Range(0, 300).Select(i => SegmentEventBuilder.Track().With("userId", $"user-{i}")).ToList();

        await forwarder.PostAsync("[" + string.Join(",", batch.Select(e => e.Json())) + "]");
        await forwarder.DeliverVisibleAsync();

        var deadLettered = channel.Sent.OfType<TraceTelemetry>().Where(t => t.Message.StartsWith("Event ", StringComparison.Ordinal) && t.Message.Contains("dead-lettered", StringComparison.Ordinal))
            .Select(t => t.Properties["MessageId"]).ToList();
        Assert.That(deadLettered, Is.EquivalentTo(batch.Select(e => e.MessageId)), "every failure, none sampled away");
    }

    /// <summary>
    /// The worker's Functions module records each invocation as an in-process dependency that repeats the host's request
    /// (0.8 KB each under the real host): dropped when it succeeded, kept when it failed; other items are untouched.
    /// </summary>
    [Test]
    public async Task Telemetry_InvocationDependency_DroppedUnlessItFailed()
    {
        var channel = new CapturingChannel();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/" }).Build());
        services.AddLogging();
        services.AddSingleton<ITelemetryChannel>(channel);
        services.AddForwarderApplicationInsights();
        await using var provider = services.BuildServiceProvider();
        var client = new Microsoft.ApplicationInsights.TelemetryClient(provider.GetRequiredService<TelemetryConfiguration>());

        client.TrackDependency(new DependencyTelemetry { Type = "InProc", Name = "Invoke", Success = true });
        client.TrackDependency(new DependencyTelemetry { Type = "InProc", Name = "Invoke", Success = false });
        client.TrackDependency(new DependencyTelemetry { Type = "Http", Name = "POST /v1/events", Success = true });
        client.TrackTrace("kept");

        var sent = channel.Sent;
        Assert.Multiple(() =>
        {
            Assert.That(sent.OfType<DependencyTelemetry>().Select(d => (d.Type, d.Success)), Is.EquivalentTo(new[] { ("InProc", (bool?)false), ("Http", (bool?)true) }));
            Assert.That(sent.OfType<TraceTelemetry>().Select(t => t.Message), Is.EqualTo(new[] { "kept" }));
        });
    }

    private static string Kind(ITelemetry item) => item switch
    {
        TraceTelemetry => "trace",
        DependencyTelemetry => "dependency",
        MetricTelemetry => "metric",
        _ => "other",
    };
}
