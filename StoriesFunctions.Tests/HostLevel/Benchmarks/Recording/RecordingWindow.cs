namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// The recorded span, [<see cref="Start"/>, <see cref="End"/>), a whole number of minutes. It starts half a second before
/// a whole minute, after the host has started and settled: each per-minute metric the telemetry pre-aggregates (stamped
/// at its minute's start) then falls wholly inside or outside it, and so does each run of a timer due on the minute,
/// which fires a few milliseconds either side of it.
/// </summary>
internal sealed record RecordingWindow(DateTimeOffset Start, TimeSpan Span)
{
    public DateTimeOffset End => Start + Span;

    public bool Contains(DateTimeOffset time) => time >= Start && time < End;

    private static readonly TimeSpan BeforeTheMinute = TimeSpan.FromMilliseconds(500);

    /// <summary>The span that starts half a second before the first whole minute after <paramref name="earliest"/>.</summary>
    public static RecordingWindow FromMinuteAfter(DateTimeOffset earliest, TimeSpan span)
    {
        long minutes = (long)Math.Ceiling((earliest + BeforeTheMinute).ToUnixTimeMilliseconds() / 60_000.0);
        return new RecordingWindow(DateTimeOffset.FromUnixTimeMilliseconds(minutes * 60_000) - BeforeTheMinute, span);
    }

    public static async Task DelayUntilAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        var wait = time - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
    }
}
