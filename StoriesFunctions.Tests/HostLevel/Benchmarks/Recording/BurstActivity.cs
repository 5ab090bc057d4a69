using StoriesFunctions.Tests.Costs;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// How long a burst kept the instance busy: from the burst's call to the end of the last invocation it caused (every
/// invocation but a timer's, started before the next burst) or Stories call, whichever is later. It
/// <see cref="OverlapsNext"/> when that end reaches the next burst, or when not all its events reached Stories before it.
/// </summary>
internal sealed record BurstSpan(DateTimeOffset Start, TimeSpan Busy, bool OverlapsNext);

internal static class BurstActivity
{
    /// <summary>One span per burst of the run's traffic; none for traffic without bursts.</summary>
    public static IReadOnlyList<BurstSpan> BusySpans(TenantRun run, FunctionTriggers triggers)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(triggers);
        var bursts = run.Traffic.Bursts;
        int perBurst = bursts.Count == 0 ? 0 : run.Traffic.Events / bursts.Count;
        var spans = new List<BurstSpan>();
        for (int k = 0; k < bursts.Count; k++)
        {
            var start = bursts[k];
            var next = k + 1 < bursts.Count ? bursts[k + 1] : run.Window.End;
            var invocationEnds = run.AllInvocations
                .Where(i => triggers.Of(i.Function) != Trigger.Timer && i.Start >= start && i.Start < next)
                .Select(i => i.Duration is { } duration ? i.Start + duration : DateTimeOffset.MaxValue);
            var storiesCalls = run.AllStories.Where(r => r.ReceivedAt >= start && r.ReceivedAt < next).ToList();
            var end = invocationEnds.Concat(storiesCalls.Select(r => r.ReceivedAt)).DefaultIfEmpty(start).Max();
            int delivered = storiesCalls.Count(r => r is { Path: "/v1/events", StatusCode: 201 });
            spans.Add(new BurstSpan(start, end == DateTimeOffset.MaxValue ? next - start : end - start, end >= next || delivered < perBurst));
        }

        return spans;
    }
}
