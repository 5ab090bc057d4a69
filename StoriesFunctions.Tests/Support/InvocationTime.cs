namespace StoriesFunctions.Tests.Support;

/// <summary>
/// How long delivery invocations kept instances busy, as Flex Consumption bills it: an instance is billed for every
/// period in which at least one execution runs (the union of its invocations' intervals), each period for at least 1 s
/// and rounded up to 100 ms. <see cref="Summed"/> adds the invocations' own durations, for comparison: concurrent
/// invocations share the instance's time.
/// </summary>
public sealed record InvocationTime(int Invocations, TimeSpan Busy, TimeSpan Billed, TimeSpan Summed, TimeSpan Longest)
{
    private static readonly TimeSpan MinimumBilled = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BillingStep = TimeSpan.FromMilliseconds(100);

    public static InvocationTime Of(IEnumerable<(int Instance, DateTimeOffset Start, DateTimeOffset End)> invocations)
    {
        var all = invocations.ToList();
        var (busy, billed) = (TimeSpan.Zero, TimeSpan.Zero);
        foreach (var instance in all.GroupBy(i => i.Instance))
        {
            foreach (var period in Periods(instance.Select(i => (i.Start, i.End))))
            {
                busy += period;
                var steps = Math.Ceiling(period / BillingStep);
                billed += period < MinimumBilled ? MinimumBilled : BillingStep * steps;
            }
        }

        var durations = all.Select(i => i.End - i.Start).ToList();
        return new InvocationTime(all.Count, busy, billed, durations.Aggregate(TimeSpan.Zero, (a, b) => a + b), durations.DefaultIfEmpty().Max());
    }

    /// <summary>The lengths of the union of the intervals: the instance's activity periods.</summary>
    private static IEnumerable<TimeSpan> Periods(IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> intervals)
    {
        DateTimeOffset? start = null, end = null;
        foreach (var (from, to) in intervals.OrderBy(i => i.Start))
        {
            if (end is { } open && from <= open)
            {
                end = to > open ? to : open;
                continue;
            }

            if (start is { } began && end is { } ended)
            {
                yield return ended - began;
            }

            (start, end) = (from, to);
        }

        if (start is { } last && end is { } lastEnd)
        {
            yield return lastEnd - last;
        }
    }

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Invocations} invocations, instances busy {Busy.TotalSeconds:0.0} s (billed {Billed.TotalSeconds:0.0} s), invocations summed {Summed.TotalSeconds:0.0} s, longest {Longest.TotalSeconds:0.0} s");
}
