using Microsoft.Extensions.Logging;

namespace StoriesFunctions.Telemetry;

/// <summary>
/// Settings under <c>Telemetry__</c>. Failures, retries, dead letters, refusals and outages are always traced by
/// <c>messageId</c>; a success is counted in the metrics and, by default, not traced one by one: at a million events
/// that is gigabytes of ingestion for lines nobody reads. <see cref="EventTraces"/> turns them back on for troubleshooting.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Trace every queued and delivered event, and every all-success call and message summary, at Information.</summary>
    public bool EventTraces { get; set; }

    /// <summary>The level of a success's trace: Information when asked for, else Debug (below every default filter).</summary>
    public LogLevel SuccessLevel => EventTraces ? LogLevel.Information : LogLevel.Debug;
}
