using System.Diagnostics.Metrics;

namespace StoriesFunctions.Telemetry;

/// <summary>
/// Counters and a latency histogram through <see cref="System.Diagnostics.Metrics"/>, so that any exporter
/// (Application Insights, OpenTelemetry) can collect them. Dimensions are fixed strings: reasons, types, status codes.
/// </summary>
public sealed class ForwarderMetrics
{
    public const string MeterName = "StoriesFunctions";

    public ForwarderMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Received = meter.CreateCounter<long>("storiesfunctions.events.received", "{event}", "Events received by the webhook.");
        Queued = meter.CreateCounter<long>("storiesfunctions.events.queued", "{event}", "Events durably queued for delivery.");
        Skipped = meter.CreateCounter<long>("storiesfunctions.events.skipped", "{event}", "Valid events Stories cannot take, by reason.");
        Rejected = meter.CreateCounter<long>("storiesfunctions.events.rejected", "{event}", "Invalid events, by reason.");
        Delivered = meter.CreateCounter<long>("storiesfunctions.events.delivered", "{event}", "Events Stories accepted.");
        Duplicates = meter.CreateCounter<long>("storiesfunctions.events.duplicates", "{event}", "Copies of already delivered events, not sent again.");
        Retried = meter.CreateCounter<long>("storiesfunctions.events.retried", "{event}", "Events sent back to the queue after a transient failure.");
        DeadLettered = meter.CreateCounter<long>("storiesfunctions.events.dead_lettered", "{event}", "Events moved to the poison queue, by reason.");
        Refused = meter.CreateCounter<long>("storiesfunctions.delivery.refused", "{round}", "Delivery rounds stopped because Stories refused the key or the path.");
        Throttled = meter.CreateCounter<long>("storiesfunctions.delivery.throttled", "{call}", "Stories calls answered 429: every instance paused.");
        WaitedForBudget = meter.CreateCounter<long>("storiesfunctions.delivery.budget_waits", "{event}", "Events sent back to the queue to wait for their Stories budget slots, using no attempt.");
        BacklogMessages = meter.CreateGauge<long>("storiesfunctions.backlog.messages", "{message}", "Messages in segment-events, waiting or deferred.");
        BacklogOldestAge = meter.CreateGauge<double>("storiesfunctions.backlog.oldest_age", "s", "Age of the oldest event waiting for delivery.");
        BacklogTimeToDrain = meter.CreateGauge<double>("storiesfunctions.backlog.time_to_drain", "s", "Estimated time to deliver the backlog at the Stories rate limit.");
        StoriesCalls = meter.CreateCounter<long>("storiesfunctions.stories.calls", "{call}", "Calls to Stories, by status code (\"none\" when no answer came).");
        StoriesLatency = meter.CreateHistogram<double>("storiesfunctions.stories.latency", "ms", "Time one Stories call took, retries included.");
        StoriesLatencyBuckets = meter.CreateCounter<long>("storiesfunctions.stories.latency_bucket", "{call}", "Stories calls by latency bucket (le: upper bound in ms), for percentiles from pre-aggregated data.");
        Latency = meter.CreateHistogram<double>("storiesfunctions.delivery.latency", "ms", "From receipt by the webhook to Stories' acceptance.");
    }

    public Counter<long> Received { get; }

    public Counter<long> Queued { get; }

    public Counter<long> Skipped { get; }

    public Counter<long> Rejected { get; }

    public Counter<long> Delivered { get; }

    public Counter<long> Duplicates { get; }

    public Counter<long> Retried { get; }

    public Counter<long> DeadLettered { get; }

    public Counter<long> Refused { get; }

    public Counter<long> Throttled { get; }

    public Counter<long> WaitedForBudget { get; }

    public Gauge<long> BacklogMessages { get; }

    public Gauge<double> BacklogOldestAge { get; }

    public Gauge<double> BacklogTimeToDrain { get; }

    public Counter<long> StoriesCalls { get; }

    public Histogram<double> StoriesLatency { get; }

    public Counter<long> StoriesLatencyBuckets { get; }

    /// <summary>Upper bounds (ms) of <see cref="StoriesLatencyBuckets"/>; the last catches everything.</summary>
    public static readonly double[] LatencyBounds = [25, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 30000, double.MaxValue];

    /// <summary>Counts and times one Stories call.</summary>
    public void StoriesCall(int? statusCode, TimeSpan took)
    {
        var status = statusCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
        StoriesCalls.Add(1, new KeyValuePair<string, object?>("status", status));
        StoriesLatency.Record(took.TotalMilliseconds);
        var bound = LatencyBounds.First(b => took.TotalMilliseconds <= b);
        StoriesLatencyBuckets.Add(1, new KeyValuePair<string, object?>("le", bound == double.MaxValue ? "inf" : bound.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public Histogram<double> Latency { get; }
}
