using System.Globalization;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>The four tenants of issue 18, by name; <c>TENANTS=idle,classic</c> picks some of them.</summary>
internal static class Tenants
{
    private const int BatchEvents = 100;
    private const int Batches = 8;
    private const int ReplayBacklog = 2_500;
    private const int ReplayArray = 500;
    private const double ReplayEvents = 500_000;
    private const double MonthlyEvents = 1_000_000;

    // A batch of 100 took 22-29 s to deliver in a trial (paced under Stories' limit): the gap leaves room, and every
    // recording checks that each batch's activity ended before the next one. 5 minutes in all.
    private static readonly TimeSpan BatchGap = TimeSpan.FromSeconds(37.5);

    public static readonly IReadOnlyList<Tenant> All =
    [
        new("idle", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), null, false, Nothing, (_, window, ct) => Quiet(window, ct),
            _ => "No events: one instance running with nothing to do, for the fixed items (timer executions, empty polls, lease renewals, telemetry)",
            facts => Invariant($"none: {facts.Span.TotalMinutes:0} minutes of real time; scale = 730 h ÷ span, since everything here runs on wall time")),
        new("classic", TimeSpan.FromMinutes(6), TimeSpan.FromSeconds(5), MonthlyEvents, false, Nothing, Poisson,
            _ => Invariant($"1 M single-event webhook calls a month, Poisson arrivals ({PerSecond(MonthlyEvents):0.000} calls/s)"),
            _ => "none: real time at the tenant's own rate, so scale × span is one month and the wall-time items (timers, empty polls, lease renewals) scale with the traffic correctly"),
        new("batched", BatchGap * Batches, TimeSpan.FromSeconds(5), MonthlyEvents, false, Nothing, Bursts,
            _ => Invariant($"1 M events a month in Segment Actions batches of {BatchEvents}: one array call every {Month / (MonthlyEvents / BatchEvents):0} s"),
            BatchedCompression),
        new("replay", TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(20), ReplayEvents, true, Backlog, (_, window, ct) => Quiet(window, ct),
            facts => Invariant($"A 500,000-event backlog drained once at Stories' limit (300/min): {facts.Events} events delivered in the span, {facts.Events / facts.Span.TotalMinutes:0} a minute"),
            _ => Invariant($"none: the drain runs at Stories' real limit and the span is {ReplayEvents:N0} events' drain cut short; scale = {ReplayEvents:N0} ÷ events delivered in the span, so the wall-time items scale with the drain's real length. The backlog ({ReplayBacklog:N0} events, posted to the webhook as arrays of {ReplayArray} after the host started, delivering from then on) is queued before the span: its ingest is not in this recording (per event it costs what the batched tenant's arrays cost). A drain's invocations can run about as long as the span: those running at its start or end are clipped to it, so execution time is the span's own, and executions count each of them once")),
    ];

    private static double Month => Tenant.Month.TotalSeconds;

    /// <summary>The tenants named in <paramref name="names"/> (comma-separated), in the order of <see cref="All"/>; all when empty.</summary>
    public static IReadOnlyList<Tenant> Selected(string? names)
    {
        if (string.IsNullOrWhiteSpace(names))
        {
            return All;
        }

        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = wanted.Where(n => !All.Any(t => t.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).ToList();
        return unknown.Count == 0
            ? All.Where(t => wanted.Contains(t.Name)).ToList()
            : throw new ArgumentException($"Unknown tenant(s) {string.Join(", ", unknown)}; known: {string.Join(", ", All.Select(t => t.Name))}.", nameof(names));
    }

    private static double PerSecond(double monthly) => monthly / Month;

    private static Task Nothing(WebhookSender sender, CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task<Traffic> Quiet(RecordingWindow window, CancellationToken cancellationToken)
    {
        await RecordingWindow.DelayUntilAsync(window.End, cancellationToken);
        return Traffic.None;
    }

    /// <summary>Single-event calls with exponential gaps at the tenant's mean rate (seeded: every run sends the same pattern).</summary>
    private static async Task<Traffic> Poisson(WebhookSender sender, RecordingWindow window, CancellationToken cancellationToken)
    {
        var random = new Random(18);
        var calls = new List<Task<bool>>();
        var at = window.Start;
        while ((at += TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) / PerSecond(MonthlyEvents))) < window.End)
        {
            await RecordingWindow.DelayUntilAsync(at, cancellationToken);
            calls.Add(sender.SendAsync(1, cancellationToken));
        }

        bool[] answered = await Task.WhenAll(calls);
        return new Traffic(calls.Count, calls.Count, answered.Count(ok => !ok), []);
    }

    private static async Task<Traffic> Bursts(WebhookSender sender, RecordingWindow window, CancellationToken cancellationToken)
    {
        var calls = new List<Task<bool>>();
        var starts = new List<DateTimeOffset>();
        for (int batch = 0; batch < Batches; batch++)
        {
            await RecordingWindow.DelayUntilAsync(window.Start + (BatchGap * batch), cancellationToken);
            starts.Add(DateTimeOffset.UtcNow);
            calls.Add(sender.SendAsync(BatchEvents, cancellationToken));
        }

        bool[] answered = await Task.WhenAll(calls);
        return new Traffic(Batches, Batches * BatchEvents, answered.Count(ok => !ok), starts);
    }

    private static async Task Backlog(WebhookSender sender, CancellationToken cancellationToken)
    {
        for (int sent = 0; sent < ReplayBacklog; sent += ReplayArray)
        {
            if (!await sender.SendAsync(ReplayArray, cancellationToken))
            {
                throw new InvalidOperationException("The webhook refused part of the replay backlog.");
            }
        }
    }

    private static string BatchedCompression(TenantFacts facts) =>
        Invariant($"{Batches} batches of {BatchEvents}, one every {BatchGap.TotalSeconds:0.#} s instead of every {Month / (MonthlyEvents / BatchEvents):0} s. ")
        + Invariant($"Each batch's activity (webhook, deliveries, Stories calls) ended at most {facts.LargestBusySpan?.TotalSeconds:0.0} s after the batch was sent")
        + (facts.BurstsOverlap ? ", but not always before the next batch, so this recording holds overlap that real gaps would not" : ", before the next one")
        + ", so the per-batch items (executions, execution time, storage operations, telemetry) do not depend on the gap and scale by 1,000,000 ÷ events. "
        + "The wall-time items (timer executions, empty polls, lease renewals, fixed telemetry) do depend on it: the span holds "
        + Invariant($"{facts.Span.TotalMinutes:0} minutes of them for {Batches * Month / (MonthlyEvents / BatchEvents) / 60:0} minutes of real traffic, ")
        + "so take them from the idle recording (subtract its rate × span, add its month)";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
