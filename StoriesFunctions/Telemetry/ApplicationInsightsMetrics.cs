using System.Diagnostics.Metrics;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.Hosting;

namespace StoriesFunctions.Telemetry;

/// <summary>
/// Application Insights' 2.x SDK (the one the isolated worker supports) does not collect
/// <see cref="System.Diagnostics.Metrics"/> instruments. This listener forwards the forwarder's own instruments to
/// <see cref="TelemetryClient.GetMetric(string)"/>, so they appear in <c>customMetrics</c> (pre-aggregated per
/// minute). An OpenTelemetry exporter would read the same instruments directly.
/// </summary>
internal sealed class ApplicationInsightsMetrics(TelemetryClient telemetry) : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ForwarderMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Track(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Track(instrument, value, tags));
        _listener.Start();
        return Task.CompletedTask;
    }

    private void Track(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Our instruments carry at most one dimension (type or reason).
        if (tags.Length == 0)
        {
            telemetry.GetMetric(instrument.Name).TrackValue(value);
        }
        else
        {
            telemetry.GetMetric(instrument.Name, tags[0].Key).TrackValue(value, tags[0].Value?.ToString());
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();
}
