using System.Globalization;
using System.Text;

namespace StoriesFunctions.Budget;

/// <summary>
/// The calls granted over the last span, as the budget's row keeps them: groups of calls granted at one time, oldest
/// first, never later than the newest (grants are handed out in time order). A group counts until a span after its
/// time. To stay a few hundred bytes, groups close together are merged into the later one: a call counted later than it
/// was granted expires later, which errs only on the safe side.
/// </summary>
public sealed class GrantLog
{
    /// <summary>Enough for a burst written by many instances, and for light traffic spread over a minute.</summary>
    public const int MaxGroups = 32;

    public static readonly GrantLog None = new([]);

    private readonly (DateTimeOffset At, int Calls)[] _groups;

    private GrantLog((DateTimeOffset At, int Calls)[] groups) => _groups = groups;

    public int Groups => _groups.Length;

    /// <summary>The time of the newest grant, or <see cref="DateTimeOffset.MinValue"/>.</summary>
    public DateTimeOffset Latest => _groups.Length == 0 ? DateTimeOffset.MinValue : _groups[^1].At;

    /// <summary>Calls granted after <paramref name="since"/>: those still counting at <c>since + span</c>.</summary>
    public int CallsAfter(DateTimeOffset since) => _groups.Where(g => g.At > since).Sum(g => g.Calls);

    /// <summary>
    /// The earliest time from <paramref name="from"/> (and not before the newest grant) at which <paramref name="calls"/>
    /// more fit under <paramref name="burst"/> in any <paramref name="span"/>: when enough of the oldest groups expired.
    /// <see cref="DateTimeOffset.MaxValue"/> when they never fit (more than a burst).
    /// </summary>
    public DateTimeOffset EarliestRoom(int calls, int burst, TimeSpan span, DateTimeOffset from)
    {
        var at = from > Latest ? from : Latest;
        var excess = CallsAfter(at - span) + calls - burst;
        foreach (var (time, count) in _groups.Where(g => g.At > at - span))
        {
            if (excess <= 0)
            {
                break;
            }

            (at, excess) = (time + span, excess - count);
        }

        return excess <= 0 ? at : DateTimeOffset.MaxValue;
    }

    /// <summary>Adds <paramref name="calls"/> granted at <paramref name="at"/>, forgetting groups that stopped counting before it.</summary>
    public GrantLog Add(DateTimeOffset at, int calls, TimeSpan span)
    {
        var groups = _groups.Where(g => g.At > at - span).ToList();
        // Grants a few milliseconds apart (one per instance's write) are one group; a span's opening call and the burst
        // that follows its answer are not, or the next span would open a round trip late.
        var close = span / 4096;
        if (groups.Count > 0 && at - groups[^1].At <= close)
        {
            groups[^1] = (at > groups[^1].At ? at : groups[^1].At, groups[^1].Calls + calls);
        }
        else
        {
            groups.Add((at > Latest ? at : Latest, calls));
        }

        while (groups.Count > MaxGroups)
        {
            // Merge the two groups closest together, the earlier into the later: the log stays spread over the span.
            var i = Enumerable.Range(0, groups.Count - 1).MinBy(i => groups[i + 1].At - groups[i].At);
            groups[i + 1] = (groups[i + 1].At, groups[i].Calls + groups[i + 1].Calls);
            groups.RemoveAt(i);
        }

        return new GrantLog([.. groups]);
    }

    /// <summary>
    /// Takes back up to <paramref name="calls"/> granted at <paramref name="at"/> and never sent. They are in the first
    /// group from <paramref name="at"/> on, merged or not; only groups up to <paramref name="within"/> later are
    /// touched, so that nothing is taken from grants made after that group was forgotten.
    /// </summary>
    public GrantLog Remove(DateTimeOffset at, int calls, TimeSpan within)
    {
        var groups = _groups.ToList();
        for (var i = 0; i < groups.Count && calls > 0; i++)
        {
            if (groups[i].At >= at && groups[i].At <= at + within)
            {
                var taken = Math.Min(calls, groups[i].Calls);
                (groups[i], calls) = ((groups[i].At, groups[i].Calls - taken), calls - taken);
            }
        }

        return new GrantLog([.. groups.Where(g => g.Calls > 0)]);
    }

    /// <summary>Only the grants after <paramref name="since"/>: Stories said its window of the earlier ones is ending.</summary>
    public GrantLog After(DateTimeOffset since) => new([.. _groups.Where(g => g.At > since)]);

    /// <summary>Unix milliseconds, <c>at:calls</c> pairs separated by <c>;</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (at, calls) in _groups)
        {
            // Rounded up: a grant remembered a little late expires a little late, never early.
            var ms = at.ToUnixTimeMilliseconds() + (at.UtcTicks % TimeSpan.TicksPerMillisecond == 0 ? 0 : 1);
            text.Append(CultureInfo.InvariantCulture, $"{(text.Length > 0 ? ";" : string.Empty)}{ms}:{calls}");
        }

        return text.ToString();
    }

    public static GrantLog Parse(string? text)
    {
        var groups = new List<(DateTimeOffset, int)>();
        foreach (var pair in (text ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(':');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var at)
                && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var calls) && calls > 0)
            {
                groups.Add((DateTimeOffset.FromUnixTimeMilliseconds(at), calls));
            }
        }

        return groups.Count == 0 ? None : new GrantLog([.. groups.OrderBy(g => g.Item1)]);
    }
}
