using System.Globalization;
using StoriesFunctions.Tests.Costs;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>The short tables a recording run prints: one block per tenant, then one row per tenant.</summary>
internal static class RecordingSummary
{
    public static void WriteTenant(TextWriter output, TenantRun run, Costs.Recording recording, FunctionTriggers triggers)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(recording);
        output.WriteLine(Invariant($"### {recording.Tenant}: {recording.From:yyyy-MM-ddTHH:mm:ssZ} + {recording.Span}, {recording.Events} events, {run.WebhookCalls} webhook calls ({run.Traffic.Refused} not answered 200), {run.Delivered} delivered to Stories in the span, scale {recording.Scale}"));
        output.WriteLine("| function | trigger | invocations | Σ duration s | longest ms |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var function in recording.Invocations.GroupBy(i => (i.Function, i.Trigger)).OrderByDescending(g => g.Count()))
        {
            output.WriteLine(Invariant($"| {function.Key.Function} | {function.Key.Trigger} | {function.Count()} | {function.Sum(i => i.Duration.TotalSeconds):0.000} | {function.Max(i => i.Duration.TotalMilliseconds):0} |"));
        }

        output.WriteLine(Invariant($"| all | | {recording.Invocations.Count} | {recording.Invocations.Sum(i => i.Duration.TotalSeconds):0.000} | active (union) {ActiveSeconds(recording.Invocations):0.000} s |"));
        foreach (var service in run.Storage.GroupBy(r => r.Service).OrderBy(g => g.Key))
        {
            var operations = service.GroupBy(r => r.Operation).OrderByDescending(g => g.Count()).Select(g => Invariant($"{g.Key} {g.Count()}"));
            output.WriteLine(Invariant($"storage {service.Key}: {service.Count()} ({service.Count() / run.Window.Span.TotalSeconds:0.00}/s): {string.Join(", ", operations)}"));
        }

        var byType = run.Telemetry.GroupBy(i => (i.FromHost ? "host " : "worker ") + i.BaseType).OrderByDescending(g => g.Sum(i => i.Bytes))
            .Select(g => Invariant($"{g.Key} {g.Count()} items {g.Sum(i => i.Bytes)} B"));
        output.WriteLine(Invariant($"telemetry: {recording.TelemetryBytes} B in {run.Telemetry.Count} items: {string.Join(", ", byType)}"));
        var categories = run.Telemetry.GroupBy(i => i.LogCategory ?? i.Name ?? i.BaseType).OrderByDescending(g => g.Sum(i => i.Bytes)).Take(6)
            .Select(g => Invariant($"{g.Key} {g.Count()} items {g.Sum(i => i.Bytes)} B"));
        output.WriteLine(Invariant($"telemetry, largest categories: {string.Join(", ", categories)}"));
        output.WriteLine(Invariant($"peak memory (host + worker VmHWM): {recording.PeakMemoryMiB} MiB; invocations clipped: {run.BegunBefore} begun before the span, {run.RunningPast} running past its end"));
        var bursts = BurstActivity.BusySpans(run, triggers);
        if (bursts.Count > 0)
        {
            output.WriteLine(Invariant($"bursts: busy spans {string.Join(", ", bursts.Select(b => b.Busy.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)))} s; overlapping the next: {bursts.Count(b => b.OverlapsNext)}"));
        }

        output.WriteLine();
    }

    public static void WriteTable(TextWriter output, IEnumerable<(TenantRun Run, Costs.Recording Recording)> runs)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("| tenant | span | events | webhook calls | scale | invocations | Σ duration s | active s | queue ops | table tx | blob writes | blob reads | telemetry B | peak MiB |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (run, r) in runs)
        {
            output.WriteLine(Invariant($"| {r.Tenant} | {r.Span} | {r.Events} | {run.WebhookCalls} | {r.Scale} | {r.Invocations.Count} | {r.Invocations.Sum(i => i.Duration.TotalSeconds):0.0} | {ActiveSeconds(r.Invocations):0.0} | {r.Storage.QueueClass2} | {r.Storage.TableTransactions} | {r.Storage.BlobWrites} | {r.Storage.BlobReads} | {r.TelemetryBytes} | {r.PeakMemoryMiB} |"));
        }
    }

    /// <summary>The union of the invocations' intervals: time with at least one execution running, what Flex Consumption bills.</summary>
    public static double ActiveSeconds(IEnumerable<Invocation> invocations)
    {
        double total = 0;
        DateTimeOffset? start = null, end = null;
        foreach (var invocation in invocations.OrderBy(i => i.Start))
        {
            var invocationEnd = invocation.End;
            if (end is null || invocation.Start > end)
            {
                total += end is null ? 0 : (end.Value - start!.Value).TotalSeconds;
                (start, end) = (invocation.Start, invocationEnd);
            }
            else if (invocationEnd > end)
            {
                end = invocationEnd;
            }
        }

        return total + (end is null ? 0 : (end.Value - start!.Value).TotalSeconds);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
