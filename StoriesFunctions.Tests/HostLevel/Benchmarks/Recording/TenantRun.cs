using StoriesFunctions.Tests.Costs;
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
    int PeakMemoryMiB)
{
    /// <summary>The single instance each tenant runs on.</summary>
    public const string Instance = "host-1";

    /// <summary>
    /// Every invocation that ran in the span, clipped to it, like everything else the recording holds: one begun before
    /// the span starts at the span's start, one still running at its end (or when the host stopped) ends there. A drain's
    /// invocations can run as long as the span; counted only when they start in it, or with their whole length, they
    /// would leave part of the span idle, or bill time outside it.
    /// </summary>
    public IReadOnlyList<HostInvocation> Invocations =>
    [
        .. AllInvocations
            .Where(i => i.Start < Window.End && (i.Duration is null || i.Start + i.Duration > Window.Start))
            .Select(Clipped),
    ];

    /// <summary>Invocations running at the span's start (clipped: their <c>start</c> is <c>recordedAt</c>).</summary>
    public int BegunBefore => AllInvocations.Count(i => i.Start < Window.Start && (i.Duration is null || i.Start + i.Duration > Window.Start));

    /// <summary>Invocations still running at the span's end (clipped there).</summary>
    public int RunningPast => AllInvocations.Count(i => i.Start < Window.End && (i.Duration is null || i.Start + i.Duration > Window.End));

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

    /// <summary>The span's share of the run, as the billing model reads it: times in UTC, storage requests by price class.</summary>
    public Costs.Recording ToRecording(FunctionTriggers triggers)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        var facts = Facts(triggers);
        return new Costs.Recording(
            Tenant.Name,
            Tenant.Description(facts),
            Tenant.Compression(facts),
            Window.Start.ToUniversalTime(),
            Window.End.ToUniversalTime(),
            Math.Round(Tenant.Scale(Events, Window.Span), 1),
            Events,
            [.. Invocations.Select(i => new Invocation(i.Function, triggers.Of(i.Function), Instance, i.Start.ToUniversalTime(), i.Duration!.Value))],
            StorageOperation.Count(Storage),
            Telemetry.Sum(i => (long)i.Bytes),
            PeakMemoryMiB);
    }

    private HostInvocation Clipped(HostInvocation invocation)
    {
        var start = invocation.Start < Window.Start ? Window.Start : invocation.Start;
        var end = invocation.Duration is { } duration && invocation.Start + duration < Window.End ? invocation.Start + duration : Window.End;
        return invocation with { Start = start, Duration = end - start };
    }
}
