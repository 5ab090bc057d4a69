using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using StoriesFunctions.Tests.Functions;
using StoriesFunctions.Tests.HostLevel.Benchmarks;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Telemetry;

/// <summary>
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> adds an OTLP export of the worker's logs and the forwarder's metrics alongside
/// Application Insights, both registered as in production, to a local OTLP/HTTP collector and a local ingestion endpoint.
/// </summary>
[NonParallelizable]
public class OtlpRegistrationTests
{
    [Test]
    public async Task AddOtlpExport_EndpointSet_DeadLettersByMessageIdAndMetricsReachTheCollectorAndApplicationInsights()
    {
        await using var ingestion = new TelemetryCapture();
        await using var collector = new OtlpCapture();
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ingestion.ConnectionString;
            s["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseUrl.ToString();
            s["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            s["Delivery:MaxAttempts"] = "1";
        }, services: builder =>
        {
            builder.Services.AddForwarderApplicationInsights();
            builder.AddOtlpExport();
            builder.Logging.SetMinimumLevel(LogLevel.Information); // the worker's default, as in Azure
        });
        stories.FailAll(StoriesReply.Status(422));
        var batch = Enumerable.Range(0, 20).Select(i => SegmentEventBuilder.Track().With("userId", $"user-{i}")).ToList();

        await forwarder.PostAsync("[" + string.Join(",", batch.Select(e => e.Json())) + "]");
        await forwarder.DeliverVisibleAsync();
        forwarder.Services.GetRequiredService<LoggerProvider>().ForceFlush();
        forwarder.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var applicationInsights = forwarder.Services.GetRequiredService<TelemetryConfiguration>();
        applicationInsights.TelemetryChannel.Flush();
        await Task.Delay(1000);

        var messageIds = batch.Select(e => e.MessageId).ToList();
        var traced = ingestion.Items.Where(i => i.Message?.Contains("dead-lettered after", StringComparison.Ordinal) == true).Select(i => i.Properties.GetValueOrDefault("MessageId"));
        Assert.Multiple(() =>
        {
            Assert.That(collector.Occurring("/v1/logs", messageIds), Is.EqualTo(messageIds.Count), "every dead letter's MessageId in the OTLP logs");
            Assert.That(collector.Occurring("/v1/logs", ["MessageId", "dead-lettered after"]), Is.EqualTo(2), "as the attribute MessageId of the dead-letter record");
            Assert.That(collector.Occurring("/v1/metrics", ["storiesfunctions.events.dead_lettered", "storiesfunctions.stories.calls", "storiesfunctions.stories.latency_bucket"]), Is.EqualTo(3));
            Assert.That(collector.Requests.Where(r => r.Path == "/v1/traces"), Is.Empty, "no traces: nothing to sample");
            Assert.That(traced, Is.EquivalentTo(messageIds), "Application Insights still gets every dead letter");
        });
    }

    [Test]
    public void AddOtlpExport_EndpointUnset_RegistersNothing()
    {
        using var host = Forwarder.Build(Forwarder.FastSettings(new Uri("http://127.0.0.1:9/")), builder => builder.AddOtlpExport());

        Assert.Multiple(() =>
        {
            Assert.That(host.Services.GetService<MeterProvider>(), Is.Null);
            Assert.That(host.Services.GetService<LoggerProvider>(), Is.Null);
        });
    }
}
