namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// The recorded span, [<see cref="Start"/>, <see cref="End"/>): it starts on a whole minute, after the host has
/// started and settled, so that the per-minute metrics the telemetry pre-aggregates fall wholly inside or outside it.
/// </summary>
internal sealed record RecordingWindow(DateTimeOffset Start, TimeSpan Span)
{
    public DateTimeOffset End => Start + Span;

    public bool Contains(DateTimeOffset time) => time >= Start && time < End;

    /// <summary>The first whole minute at or after <paramref name="earliest"/>.</summary>
    public static RecordingWindow FromMinuteAfter(DateTimeOffset earliest, TimeSpan span)
    {
        long minutes = (long)Math.Ceiling(earliest.ToUnixTimeMilliseconds() / 60_000.0);
        return new RecordingWindow(DateTimeOffset.FromUnixTimeMilliseconds(minutes * 60_000), span);
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
