using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// Everything one tenant's host lifetime left behind: the host's invocations, the storage requests, the telemetry
/// items and the Stories requests of the whole lifetime, and the instance's peak memory. The span's share of each is
/// what the recording holds.
/// </summary>
internal sealed record TenantRun(
    Tenant Tenant,
    RecordingWindow Window,
    Traffic Traffic,
    IReadOnlyList<HostInvocation> AllInvocations,
    IReadOnlyList<StorageRequest> AllStorage,
    IReadOnlyList<TelemetryItem> AllTelemetry,
    IReadOnlyList<RecordedRequest> AllStories,
    int PeakMemoryMiB,
    DateTimeOffset StoppedAt)
{
    /// <summary>The single instance each tenant runs on.</summary>
    public const string Instance = "host-1";

    /// <summary>
    /// Invocations that started in the span (their whole duration counts, also past its end). One still running when the
    /// host stopped counts until then (<see cref="Unfinished"/>).
    /// </summary>
    public IReadOnlyList<HostInvocation> Invocations => [.. AllInvocations.Where(i => Window.Contains(i.Start))];

    public int Unfinished => Invocations.Count(i => i.Duration is null);

    public IReadOnlyList<StorageRequest> Storage => [.. AllStorage.Where(r => Window.Contains(r.At))];

    /// <summary>Items stamped in the span; a per-minute metric is stamped at its minute's start, which the span aligns to.</summary>
    public IReadOnlyList<TelemetryItem> Telemetry => [.. AllTelemetry.Where(i => Window.Contains(i.Time))];

    /// <summary>Events Stories accepted (<c>201</c> on <c>/v1/events</c>) in the span.</summary>
    public int Delivered => AllStories.Count(r => r is { Path: "/v1/events", StatusCode: 201 } && Window.Contains(r.ReceivedAt));

    public int Events => Tenant.CountsDeliveries ? Delivered : Traffic.Events;

    /// <summary>Calls made in the span: a drain's backlog went in before it.</summary>
    public int WebhookCalls => Traffic.WebhookCalls;

    public TenantFacts Facts(FunctionTriggers triggers)
    {
        var busy = BurstActivity.BusySpans(this, triggers);
        return new TenantFacts(Events, Window.Span, busy.Count == 0 ? null : busy.Max(b => b.Busy), busy.Any(b => b.OverlapsNext));
    }

    public TenantRecording ToRecording(FunctionTriggers triggers)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        var facts = Facts(triggers);
        return new TenantRecording(
            Tenant.Name,
            Tenant.Description(facts),
            Tenant.Compression(facts),
            Window.Start.UtcDateTime,
            Window.Span,
            Math.Round(Tenant.Scale(Events, Window.Span), 1),
            Events,
            WebhookCalls,
            [.. Invocations.Select(i => new RecordedInvocation(i.Function, triggers.Of(i.Function), Instance, i.Start.UtcDateTime, i.Duration ?? StoppedAt - i.Start))],
            StorageOperations.Count(Storage),
            Telemetry.Sum(i => (long)i.Bytes),
            PeakMemoryMiB);
    }
}
