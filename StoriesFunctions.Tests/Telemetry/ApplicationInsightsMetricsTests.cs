using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.ApplicationInsights.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Tests.Telemetry;

public class ApplicationInsightsMetricsTests
{
    /// <summary>Stands in for the ingestion endpoint: keeps what would be sent.</summary>
    private sealed class CapturingChannel : ITelemetryChannel
    {
        public List<ITelemetry> Sent { get; } = [];

        public bool? DeveloperMode { get; set; }

        public string? EndpointAddress { get; set; }

        public void Send(ITelemetry item) => Sent.Add(item);

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }

    [Test]
    public async Task Counters_ReachApplicationInsightsAsCustomMetricsWithTheirDimension()
    {
        var channel = new CapturingChannel();
        using var configuration = new TelemetryConfiguration { TelemetryChannel = channel, ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000" };
        using var services = new ServiceCollection().AddMetrics().AddSingleton<ForwarderMetrics>().BuildServiceProvider();
        var metrics = services.GetRequiredService<ForwarderMetrics>();
        using var bridge = new ApplicationInsightsMetrics(new TelemetryClient(configuration));
        await bridge.StartAsync(CancellationToken.None);

        metrics.DeadLettered.Add(1, new KeyValuePair<string, object?>("reason", "permanent"));
        metrics.DeadLettered.Add(2, new KeyValuePair<string, object?>("reason", "permanent"));
        metrics.Latency.Record(120, new KeyValuePair<string, object?>("type", "track"));
        configuration.GetMetricManager().Flush();

        var sent = channel.Sent.OfType<MetricTelemetry>().ToList();
        var deadLettered = sent.Single(m => m.Name == "storiesfunctions.events.dead_lettered");
        Assert.Multiple(() =>
        {
            Assert.That(deadLettered.Sum, Is.EqualTo(3));
            Assert.That(deadLettered.Properties["reason"], Is.EqualTo("permanent"));
            Assert.That(sent.Single(m => m.Name == "storiesfunctions.delivery.latency").Max, Is.EqualTo(120));
        });
        await bridge.StopAsync(CancellationToken.None);
    }
}
