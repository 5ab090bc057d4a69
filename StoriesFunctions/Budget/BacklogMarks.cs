using System.Globalization;
using System.Text;

namespace StoriesFunctions.Budget;

/// <summary>
/// When the events waiting for budget were received, kept coarse enough to live in the budget's row: each mark says
/// "messages whose slots end by <c>Until</c> hold events received as early as <c>Oldest</c>". Marks whose slots have
/// passed are dropped, so the oldest mark left is the oldest event still waiting for its slot.
/// </summary>
public sealed class BacklogMarks
{
    /// <summary>Enough for a week of backlog at one mark per few hours, or an hour at one per 100 s: a few KB.</summary>
    public const int MaxMarks = 48;

    public static readonly BacklogMarks None = new([]);

    private readonly (DateTimeOffset Until, DateTimeOffset Oldest)[] _marks;

    private BacklogMarks((DateTimeOffset Until, DateTimeOffset Oldest)[] marks) => _marks = marks;

    public int Count => _marks.Length;

    /// <summary>Records a message that waits for slots up to <paramref name="until"/>, whose oldest event came at <paramref name="oldest"/>.</summary>
    public BacklogMarks Add(DateTimeOffset until, DateTimeOffset oldest, DateTimeOffset now, TimeSpan spacing)
    {
        var marks = _marks.Where(m => m.Until >= now).ToList();
        if (marks.Count > 0 && until - marks[^1].Until < spacing && until >= marks[^1].Until)
        {
            var last = marks[^1];
            marks[^1] = (until, oldest < last.Oldest ? oldest : last.Oldest);
        }
        else
        {
            marks.Add((until, oldest));
            marks.Sort((a, b) => a.Until.CompareTo(b.Until));
        }

        while (marks.Count > MaxMarks)
        {
            // Merge the two marks closest together: the list stays spread over the whole backlog.
            var at = Enumerable.Range(0, marks.Count - 1).MinBy(i => marks[i + 1].Until - marks[i].Until);
            marks[at] = (marks[at + 1].Until, marks[at].Oldest < marks[at + 1].Oldest ? marks[at].Oldest : marks[at + 1].Oldest);
            marks.RemoveAt(at + 1);
        }

        return new BacklogMarks([.. marks]);
    }

    /// <summary>The receipt time of the oldest event still waiting for its slot; null when none waits.</summary>
    public DateTimeOffset? OldestWaiting(DateTimeOffset now)
    {
        DateTimeOffset? oldest = null;
        foreach (var (until, received) in _marks)
        {
            if (until >= now && (oldest is null || received < oldest))
            {
                oldest = received;
            }
        }

        return oldest;
    }

    /// <summary>Unix milliseconds, <c>until:oldest</c> pairs separated by <c>;</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (until, oldest) in _marks)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(text.Length > 0 ? ";" : string.Empty)}{until.ToUnixTimeMilliseconds()}:{oldest.ToUnixTimeMilliseconds()}");
        }

        return text.ToString();
    }

    public static BacklogMarks Parse(string? text)
    {
        var marks = new List<(DateTimeOffset, DateTimeOffset)>();
        foreach (var pair in (text ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(':');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var until)
                && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var oldest))
            {
                marks.Add((DateTimeOffset.FromUnixTimeMilliseconds(until), DateTimeOffset.FromUnixTimeMilliseconds(oldest)));
            }
        }

        return marks.Count == 0 ? None : new BacklogMarks([.. marks]);
    }
}
