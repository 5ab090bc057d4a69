namespace StoriesFunctions.Budget;

/// <content>
/// A span opens with one call. Calls spent so far are invisible to us when another client uses the key, or when Stories'
/// window is longer than assumed (the limit's window is not stated); a whole burst sent into such a window would be
/// answered 429 call by call. Stories' answer to the opening call says how many calls its window still takes
/// (<c>X-RateLimit-Remaining</c>): the rest of the burst keeps to that.
/// </content>
public static partial class BudgetLedger
{
    /// <summary>How long the rest of a span waits for the answer to its opening call before it goes without it.</summary>
    public static readonly TimeSpan OpeningPatience = TimeSpan.FromSeconds(2);

    /// <summary>How often a waiting invocation asks again whether the opening call was answered: one row write each.</summary>
    public static readonly TimeSpan OpeningRecheck = TimeSpan.FromMilliseconds(100);

    private enum SpanOpening
    {
        /// <summary>The span is open: calls go as far as it has room.</summary>
        Open,

        /// <summary>The last opening call no longer counts (or a pause has ended since it): this call opens a span.</summary>
        Opens,

        /// <summary>The opening call has not been answered yet: ask again shortly.</summary>
        Unanswered,
    }

    /// <summary>
    /// Stories answered the call that opened the span at <paramref name="openedAt"/>: the rest of the burst may go, and
    /// whatever its window holds beyond our own calls (<paramref name="remaining"/> of <paramref name="limit"/> left) is
    /// counted as if sent now. An answer to an earlier opening changes nothing.
    /// </summary>
    public static BudgetState Opened(BudgetState state, DateTimeOffset openedAt, int? remaining, int? limit, BudgetRate rate, DateTimeOffset now)
    {
        if (!IsOpening(state, openedAt))
        {
            return state;
        }

        var answered = state with { OpeningAnswered = true };
        return remaining is { } left ? Counted(answered, (limit ?? rate.Limit) - left, rate, now) : answered;
    }

    /// <summary>
    /// The call that was to open the span at <paramref name="openedAt"/> went unanswered or was never sent (its event was
    /// delivered already, or held by another copy): the next grant opens the span again.
    /// </summary>
    public static BudgetState NotOpened(BudgetState state, DateTimeOffset openedAt, BudgetRate rate) =>
        IsOpening(state, openedAt) ? state with { OpeningAt = openedAt - rate.Span } : state;

    /// <summary>
    /// Stories counts <paramref name="counted"/> calls in its window. When that is more than we count over the last span,
    /// its window holds calls we do not know of: another client's, or ours from before a span ago if its window is longer
    /// than ours. Not knowing when it ends, all it counts is taken as sent now: until a span from now the burst keeps to
    /// what Stories said is left.
    /// </summary>
    public static BudgetState Counted(BudgetState state, int counted, BudgetRate rate, DateTimeOffset now) =>
        counted <= state.Granted.CallsAfter(now - rate.Span)
            ? state
            : state with { Granted = state.Granted.Add(Latest(now, state.Granted.Latest), counted, rate.Span) };

    /// <summary>Whether the span that opened at <paramref name="openedAt"/> still waits for its answer (within a millisecond: the table may keep times no finer).</summary>
    private static bool IsOpening(BudgetState state, DateTimeOffset openedAt) =>
        !state.OpeningAnswered && (state.OpeningAt - openedAt).Duration() <= TimeSpan.FromMilliseconds(1);

    private static SpanOpening Opening(BudgetState state, DateTimeOffset at, BudgetRate rate)
    {
        // A span opens with the first grant after the last opening stopped counting, or after a pause that came since.
        var pausedSince = state.OpeningAt < state.PausedUntil && at >= state.PausedUntil;
        if (at >= state.OpeningAt + rate.Span || pausedSince)
        {
            return SpanOpening.Opens;
        }

        var unanswered = rate.Bursts && !state.OpeningAnswered && at < state.OpeningAt + OpeningPatience;
        return unanswered ? SpanOpening.Unanswered : SpanOpening.Open;
    }

    /// <summary>
    /// A new span opens at <paramref name="at"/>, and the rounds of reservations are anchored to it: a round is a span, so
    /// the messages waiting for the next round come back when this span's calls stop counting. A span of bursts opens
    /// with this event's calls alone; a paced one goes on at its pace.
    /// </summary>
    private static (BudgetState, BudgetGrant) Open(BudgetState state, BudgetAsk ask, int calls, int kept, DateTimeOffset at, BudgetRate rate)
    {
        var rolled = Roll(state, rate, at);
        var opened = rolled with { OpeningAt = at, OpeningAnswered = !rate.Bursts, Round = rolled.HasReservations ? at : rolled.Round };
        if (!rate.Bursts)
        {
            return Go(opened, ask, calls, kept, at, rate);
        }

        var held = ask.Scheduled ? Math.Max(0, opened.Held - calls) : opened.Held;
        return (opened with { Granted = opened.Granted.Add(at, calls, rate.Span), Held = held }, new BudgetGrant.Go(at, calls, at, Opens: true));
    }
}
