using System.Diagnostics;
using System.Globalization;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.ApplicationInsights.Metrics;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Tests.Functions;
using StoriesFunctions.Tests.HostLevel.Benchmarks;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Telemetry;

/// <summary>
/// Issue 20: the worker's OpenTelemetry path (<c>UseFunctionsWorkerDefaults</c> of
/// Microsoft.Azure.Functions.Worker.OpenTelemetry, the app's meter, the worker's log levels as today) on the traffic
/// of <see cref="TelemetryVolumeTests"/>. Exported to Azure Monitor, at a local ingestion endpoint that counts each
/// item's uncompressed JSON as <see cref="TelemetryVolumeTests"/> does; or over OTLP/HTTP, at a local collector that
/// counts the protobuf bytes as sent. Each invocation runs inside the <c>Invoke</c> activity that the worker's
/// pipeline starts on this path; the host's own telemetry is not counted. The measurements of a path the app declined
/// (docs/performance.md) run with the slow cases; <see cref="OtlpRegistrationTests"/> checks the opt-in OTLP export in
/// the README's suite.
/// </summary>
[Category(TestCategories.Slow)]
public class OpenTelemetryVolumeTests
{
    public enum Exporter
    {
        AzureMonitor,
        Otlp,
    }

    private static readonly ActivitySource Worker = new("Microsoft.Azure.Functions.Worker");

    [TestCase(Exporter.AzureMonitor, TestName = "OpenTelemetry_BatchedEvents_AzureMonitorExporter")]
    [TestCase(Exporter.Otlp, TestName = "OpenTelemetry_BatchedEvents_Otlp")]
    public async Task OpenTelemetry_PerEvent_MeasuredWithTheWorkbooksMetrics(Exporter exporter)
    {
        const int events = 300;
        await using var ingestion = new TelemetryCapture();
        await using var collector = new OtlpCapture();
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, services: b => AddOpenTelemetry(b, exporter, ingestion, collector));
        forwarder.Invocation = InWorkerActivity;
        var batch = Enumerable.Range(0, events).Select(i => (i % 5 == 0 ? SegmentEventBuilder.Identify() : SegmentEventBuilder.Track()).With("userId", $"user-{i % 50}").Json());

        await forwarder.PostAsync("[" + string.Join(",", batch) + "]");
        await forwarder.DeliverUntilAsync(() => stories.Requests.Count(r => r is { Path: "/v1/events", StatusCode: 201 }) >= events, TimeSpan.FromSeconds(120));
        await FlushAsync(forwarder.Services);

        if (exporter == Exporter.AzureMonitor)
        {
            var items = ingestion.Items;
            Report(exporter, events, items.GroupBy(i => i.BaseType).Select(g => (g.Key, g.Count(), (long)g.Sum(i => i.Bytes))));
            var metrics = items.Where(i => i.BaseType == "MetricData").ToList();
            TestContext.Out.WriteLine($"metric items: {string.Join(", ", metrics.SelectMany(m => m.MetricNames).GroupBy(n => n).Select(g => $"{g.Key} x{g.Count()}"))}");
            Assert.Multiple(() =>
            {
                Assert.That(metrics.SelectMany(m => m.MetricNames), Has.Member("storiesfunctions.events.delivered").And.Member("storiesfunctions.stories.calls"));
                Assert.That(metrics.Where(m => m.MetricNames.Contains("storiesfunctions.stories.latency_bucket")).Select(m => m.Properties.GetValueOrDefault("le")), Is.Not.Empty.And.All.Not.Null, "the workbook's percentiles read customDimensions.le");
                Assert.That(items.Where(i => i.Message?.Contains(" delivered: Stories answered", StringComparison.Ordinal) == true), Is.Empty, "successes are not traced one by one");
            });
        }
        else
        {
            Report(exporter, events, new[] { "/v1/logs", "/v1/metrics", "/v1/traces" }.Select(p => (p, collector.Requests.Count(r => r.Path == p), collector.Bytes(p))));
            Assert.That(collector.Occurring("/v1/metrics", ["storiesfunctions.events.delivered", "storiesfunctions.stories.latency_bucket"]), Is.EqualTo(2));
        }
    }

    /// <summary>
    /// 300 dead letters in one array. The Azure Monitor exporter's trace-based log sampler is off here: with it on (its
    /// default) one run traced 300 and another, on a busier machine, 171 (docs/performance.md).
    /// </summary>
    [TestCase(Exporter.AzureMonitor, TestName = "OpenTelemetry_DeadLetters_AzureMonitorExporterTraceBasedLogsSamplerOff_EveryOneTracedByMessageId")]
    [TestCase(Exporter.Otlp, TestName = "OpenTelemetry_DeadLetters_Otlp_EveryOneTracedByMessageId")]
    public async Task OpenTelemetry_DeadLetters_EveryOneTracedByMessageId(Exporter exporter)
    {
        await using var ingestion = new TelemetryCapture();
        await using var collector = new OtlpCapture();
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Delivery:MaxAttempts"] = "1", services: b =>
        {
            AddOpenTelemetry(b, exporter, ingestion, collector);
            b.Services.Configure<AzureMonitorExporterOptions>(o => o.EnableTraceBasedLogsSampler = false);
        });
        forwarder.Invocation = InWorkerActivity;
        stories.FailAll(StoriesReply.Status(422));
        var batch = Enumerable.Range(0, 300).Select(i => SegmentEventBuilder.Track().With("userId", $"user-{i}")).ToList();

        await forwarder.PostAsync("[" + string.Join(",", batch.Select(e => e.Json())) + "]");
        await forwarder.DeliverVisibleAsync();
        await FlushAsync(forwarder.Services);

        var expected = batch.Select(e => e.MessageId).ToList();
        if (exporter == Exporter.AzureMonitor)
        {
            var deadLettered = ingestion.Items.Where(i => i.BaseType == "MessageData" && i.Message?.Contains("dead-lettered after", StringComparison.Ordinal) == true).ToList();
            TestContext.Out.WriteLine($"dead-letter trace as sent: message \"{deadLettered.FirstOrDefault()?.Message}\", customDimensions {string.Join(", ", deadLettered.FirstOrDefault()?.Properties.Keys ?? [])}");
            Assert.That(deadLettered.Select(t => t.Properties.GetValueOrDefault("MessageId")), Is.EquivalentTo(expected), "every failure in traces, by customDimensions.MessageId, none sampled away");
        }
        else
        {
            Assert.That(collector.Occurring("/v1/logs", expected), Is.EqualTo(expected.Count), "every failure's MessageId in the exported logs");
        }
    }

    /// <summary>
    /// One dead letter per invocation, 100 of them as fast as the harness goes: above the 5 traces a second that the
    /// Azure Monitor exporter samples by default. Its trace-based log sampler, on by default, then drops the logs written
    /// inside the invocations it did not sample, dead letters among them; with it off, none is lost.
    /// </summary>
    [TestCase(true, TestName = "OpenTelemetry_DeadLettersOneAnInvocation_AzureMonitorDefaults_SomeLost")]
    [TestCase(false, TestName = "OpenTelemetry_DeadLettersOneAnInvocation_TraceBasedLogsSamplerOff_NoneLost")]
    public async Task OpenTelemetry_DeadLettersAboveFiveInvocationsASecond_LostOnlyWithTraceBasedLogSampling(bool traceBasedLogsSampler)
    {
        await using var ingestion = new TelemetryCapture();
        await using var collector = new OtlpCapture();
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Delivery:MaxAttempts"] = "1", services: b =>
        {
            AddOpenTelemetry(b, Exporter.AzureMonitor, ingestion, collector);
            b.Services.Configure<AzureMonitorExporterOptions>(o => o.EnableTraceBasedLogsSampler = traceBasedLogsSampler);
        });
        forwarder.Invocation = InWorkerActivity;
        stories.FailAll(StoriesReply.Status(422));
        var events = Enumerable.Range(0, 100).Select(i => SegmentEventBuilder.Track().With("userId", $"user-{i}")).ToList();
        foreach (var e in events)
        {
            await forwarder.PostAsync(e.Json());
        }

        var started = Stopwatch.StartNew();
        var invocations = await forwarder.DeliverVisibleAsync();
        var seconds = started.Elapsed.TotalSeconds;
        await FlushAsync(forwarder.Services);

        var traced = ingestion.Items.Where(i => i.Message?.Contains("dead-lettered after", StringComparison.Ordinal) == true).Select(i => i.Properties.GetValueOrDefault("MessageId")).ToList();
        var spans = ingestion.Items.Count(i => i.BaseType == "RemoteDependencyData");
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trace-based log sampling {(traceBasedLogsSampler ? "on (default)" : "off")}: {invocations} delivery invocations in {seconds:0.0} s ({invocations / seconds:0} a second), {spans} Invoke spans kept of {invocations + events.Count}, {traced.Count} of {events.Count} dead letters traced"));
        Assume.That(invocations / seconds, Is.GreaterThan(10), "too slow a machine to pass the sampler's 5 a second");
        Assert.That(traced, traceBasedLogsSampler ? Has.Count.LessThan(events.Count) : Is.EquivalentTo(events.Select(e => e.MessageId)));
    }

    /// <summary>
    /// What an idle worker sends in a minute on each path, with nothing to do: the fixed cost of a running instance.
    /// Today's path (Application Insights' SDK as registered in production) goes to the same local ingestion endpoint.
    /// </summary>
    [TestCase("ApplicationInsights", TestName = "Telemetry_IdleWorkerForAMinute_ApplicationInsights", Category = TestCategories.Slow)]
    [TestCase("AzureMonitor", TestName = "OpenTelemetry_IdleWorkerForAMinute_AzureMonitorExporter", Category = TestCategories.Slow)]
    [TestCase("Otlp", TestName = "OpenTelemetry_IdleWorkerForAMinute_Otlp", Category = TestCategories.Slow)]
    public async Task IdleWorker_OneMinute_Measured(string path)
    {
        await using var ingestion = new TelemetryCapture();
        await using var collector = new OtlpCapture();
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ingestion.ConnectionString, services: b =>
        {
            if (path == "ApplicationInsights")
            {
                b.Services.AddForwarderApplicationInsights();
                b.Logging.SetMinimumLevel(LogLevel.Information);
            }
            else
            {
                AddOpenTelemetry(b, Enum.Parse<Exporter>(path), ingestion, collector);
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(65));
        if (path == "ApplicationInsights")
        {
            var configuration = forwarder.Services.GetRequiredService<Microsoft.ApplicationInsights.Extensibility.TelemetryConfiguration>();
            configuration.GetMetricManager().Flush();
            configuration.TelemetryChannel.Flush();
            await Task.Delay(1000);
        }
        else
        {
            await FlushAsync(forwarder.Services);
        }

        var kinds = path == "Otlp"
            ? new[] { "/v1/logs", "/v1/metrics", "/v1/traces" }.Select(p => (Kind: p, Bytes: collector.Bytes(p))).ToList()
            : ingestion.Items.GroupBy(i => i.BaseType).Select(g => (Kind: g.Key, Bytes: (long)g.Sum(i => i.Bytes))).ToList();
        TestContext.Out.WriteLine($"| idle worker, 65 s | {path} | {string.Join(", ", kinds.Select(k => $"{k.Kind} {k.Bytes} B"))} | **{kinds.Sum(k => k.Bytes)} B** |");
        if (path != "Otlp")
        {
            TestContext.Out.WriteLine($"  items: {string.Join(", ", ingestion.Items.Select(i => i.MetricNames.FirstOrDefault() ?? i.Message ?? i.Name ?? i.BaseType).GroupBy(n => n).Select(g => $"{g.Key} x{g.Count()}"))}");
        }

        var spans = path == "Otlp" ? collector.Bytes("/v1/traces") : ingestion.Items.Where(i => i.BaseType is "RemoteDependencyData" or "RequestData").Sum(i => (long)i.Bytes);
        Assert.Multiple(() =>
        {
            Assert.That(kinds.Sum(k => k.Bytes), Is.Positive, "a running worker sends its start-up lines");
            Assert.That(spans, Is.Zero, "an idle worker sends no requests, dependencies or spans");
        });
    }

    /// <summary>The OpenTelemetry path as the worker's documentation registers it, with the app's meter and log levels.</summary>
    private static void AddOpenTelemetry(IHostApplicationBuilder builder, Exporter exporter, TelemetryCapture ingestion, OtlpCapture collector)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(ForwarderMetrics.MeterName));
        _ = exporter switch
        {
            Exporter.AzureMonitor => otel.UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = ingestion.ConnectionString;
                o.DisableOfflineStorage = true;
                o.EnableLiveMetrics = false;
            }),
            Exporter.Otlp => otel.UseOtlpExporter(OtlpExportProtocol.HttpProtobuf, collector.BaseUrl),
            _ => throw new ArgumentOutOfRangeException(nameof(exporter)),
        };
        builder.Logging.SetMinimumLevel(LogLevel.Information); // the worker's default, as in Azure
        foreach (var noisy in ApplicationInsightsRegistration.NoisyCategories)
        {
            builder.Logging.AddFilter(noisy, LogLevel.Warning);
        }
    }

    private static async Task InWorkerActivity(string function, Func<Task> invoke)
    {
        using var activity = Worker.StartActivity("Invoke", ActivityKind.Internal);
        activity?.SetTag("faas.name", function);
        activity?.SetTag("faas.invocation_id", Guid.NewGuid().ToString());
        await invoke();
    }

    /// <summary>Exports what is buffered now: the per-minute metrics, logs and spans, as a running worker would within a minute.</summary>
    private static async Task FlushAsync(IServiceProvider services)
    {
        services.GetRequiredService<TracerProvider>().ForceFlush();
        services.GetRequiredService<LoggerProvider>().ForceFlush();
        services.GetRequiredService<MeterProvider>().ForceFlush();
        await Task.Delay(500);
    }

    private static void Report(Exporter exporter, int events, IEnumerable<(string Kind, int Items, long Bytes)> byKind)
    {
        var rows = byKind.OrderBy(k => k.Kind, StringComparer.Ordinal).ToList();
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {exporter} | {events} | {string.Join(" | ", rows.Select(r => $"{r.Kind}: {r.Items} ({(exporter == Exporter.Otlp ? "requests" : "items")}), {(double)r.Bytes / events:0.#} B/event"))} | **{(double)rows.Sum(r => r.Bytes) / events:0.#} B/event** |"));
    }
}
