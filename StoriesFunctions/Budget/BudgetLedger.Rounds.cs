namespace StoriesFunctions.Budget;

/// <content>
/// Reservations for messages waiting in the queue, in rounds one span apart from <see cref="BudgetState.Round"/>. A
/// message that must wait takes calls at the back: the round of its first call is when it comes back. When a round
/// begins, the calls reserved in it are held from newcomers until it ends; calls held and not taken by then are
/// forgotten (their message did not come back), so a lost message blocks no one for long.
/// </content>
public static partial class BudgetLedger
{
    /// <summary>Stories refused a call until <paramref name="until"/>: no instance sends before then, nor waits past <see cref="MaxPause"/>.</summary>
    public static BudgetState Pause(BudgetState state, DateTimeOffset until, BudgetRate rate, DateTimeOffset now)
    {
        until = until - now > MaxPause ? now + MaxPause : until;
        if (until <= state.PausedUntil)
        {
            return state;
        }

        // The rounds wait too: the next begins when the pause ends.
        var round = state.HasReservations && state.Round + rate.Span < until ? until - rate.Span : state.Round;
        return state with { PausedUntil = until, Round = round };
    }

    /// <summary>Stories stated its limit: remembered for every instance.</summary>
    public static BudgetState Learn(BudgetState state, int limit) =>
        limit < 1 || state.LearnedLimit == limit ? state : state with { LearnedLimit = limit };

    /// <summary>The rounds that ended by <paramref name="now"/>: what they held is forgotten, and the next round's calls are held.</summary>
    internal static BudgetState Roll(BudgetState state, BudgetRate rate, DateTimeOffset now)
    {
        if (!state.HasReservations || now < state.Round + rate.Span)
        {
            return state;
        }

        var rounds = (long)Math.Floor((now - state.Round) / rate.Span);
        var skipped = (int)Math.Min(state.Queued, (rounds - 1) * rate.Burst);
        var held = Math.Min(rate.Burst, state.Queued - skipped);
        return state with { Round = state.Round + (rate.Span * rounds), Held = held, Queued = state.Queued - skipped - held };
    }

    /// <summary>
    /// When the reserved call at <paramref name="position"/> (counted from the next round) is due: when its round begins
    /// in a burst; in a paced span, at its own slot of the round, one <see cref="BudgetRate.Interval"/> after the last.
    /// </summary>
    private static DateTimeOffset Due(BudgetState state, int position, BudgetRate rate) => rate.Bursts
        ? state.Round + (rate.Span * (1 + (position / rate.Burst)))
        : state.Round + rate.Span + (rate.Interval * position);

    /// <summary>Calls for this event and the rest of its message, at the back of the rounds: it comes back when the first is due.</summary>
    private static (BudgetState, BudgetGrant) Reserve(BudgetState state, BudgetAsk ask, BudgetRate rate, DateTimeOffset now)
    {
        var reserve = Math.Max(ask.Reserve, 1);
        if (!state.HasReservations)
        {
            // The rounds follow the span in force; with none, the next begins when there is room for as much of the
            // message as a round takes.
            var first = state.Granted.EarliestRoom(Math.Min(reserve, rate.Burst), rate.Burst, rate.Span, Latest(now, state.PausedUntil));
            state = state with { Round = state.OpeningAt + rate.Span > now ? state.OpeningAt : first - rate.Span };
        }

        var queued = state.Queued + reserve;
        var (comes, goes) = (Due(state, state.Queued, rate), Due(state, queued - 1, rate));
        var marks = state.Marks.Add(goes, ask.OldestReceivedAt, now, rate.Window);
        return (state with { Queued = queued, Marks = marks }, new BudgetGrant.Wait(Capped(Latest(comes, state.PausedUntil), now), Reserved: true));
    }
}
