namespace StoriesFunctions.Budget;

/// <summary>
/// The budget's arithmetic, with no I/O: the same code decides in every instance, in the tests and in the 40-instance
/// simulation. A call goes at once while the sliding span has room (<see cref="GrantLog"/>, <see cref="BudgetRate"/>),
/// together with the rest of its message's calls as far as the room goes. When the span is full, the message goes back
/// to the queue with its calls reserved in the next rounds with room, and comes back once, when its round begins; an
/// invocation waits in-process only for waits shorter than a queue round trip (<see cref="MaxWait"/>). Messages whose
/// round has come go first; newcomers leave a round's reserved calls to them and join the back while others wait.
/// <para>
/// A short span is paced instead (<see cref="BudgetRate.Bursts"/>): one call every <see cref="BudgetRate.Interval"/>,
/// waited for in-process up to <see cref="PacedMaxWait"/>, with the same log, reservations and pauses.
/// </para>
/// <para>
/// A span of a long window opens with one call: the rest of the burst goes once Stories' answer to it showed how much of
/// its window is left (<see cref="Opened"/>), so that a burst never runs into a window that someone else, or a window
/// longer than assumed, has already filled. A 429 pauses every instance until its <c>Retry-After</c>, at most
/// <see cref="MaxPause"/>. A changed limit applies at the next ask: the log and the reservations are counts of calls,
/// and the rounds are re-cut at the new burst and span.
/// </para>
/// </summary>
public static partial class BudgetLedger
{
    /// <summary>
    /// How much sooner than its round a waiting message becomes visible again: a busy listener polls every 2 s or sooner
    /// (an idle one backs off to host.json's <c>maxPollingInterval</c>), and a message already in hand waits out the rest
    /// in-process.
    /// </summary>
    public static readonly TimeSpan WakeEarly = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longest in-process wait. A wait sent to the queue instead still costs up to <see cref="WakeEarly"/> in-process on
    /// the way back (the message shows early and its invocation waits out the rest), plus a queue write, a get and a
    /// delete: a shorter wait is cheaper where it is.
    /// </summary>
    public static readonly TimeSpan MaxWait = WakeEarly;

    /// <summary>
    /// Longest in-process wait for a slot of a paced (short) span, as before bursts. There the deployment sends at the
    /// pace whenever anything waits, so a wait overlaps other invocations' work and costs little billed time; and slots
    /// up to 5 s ahead keep enough messages in hand to fill the pace when each event takes long.
    /// </summary>
    public static readonly TimeSpan PacedMaxWait = TimeSpan.FromSeconds(5);

    /// <summary>A queue message can be hidden for at most 7 days; a longer schedule asks again when it comes back.</summary>
    public static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    /// <summary>
    /// Longest pause a 429 can impose. Laravel's <c>Retry-After</c> is at most its window (a minute by default); a far
    /// longer one is a bogus header, and would stop every instance. Past this, a limit that really holds costs one more
    /// 429, whose pause starts again.
    /// </summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(15);

    /// <summary>How long a message waits, reserving nothing, while the limit is only assumed: the first answer states it.</summary>
    public static readonly TimeSpan GuessedLimitWait = TimeSpan.FromSeconds(5);

    public static (BudgetState State, BudgetGrant Grant) Ask(BudgetState asked, BudgetAsk ask, BudgetRate rate, DateTimeOffset now)
    {
        var state = Roll(TakeBack(asked, ask, rate), rate, now);
        var calls = Math.Clamp(ask.Calls, 1, rate.Burst);
        if (ask.Scheduled || state.Queued == 0)
        {
            // A newcomer leaves the calls held in this round to the messages they are held for.
            var kept = ask.Scheduled ? 0 : state.Held;
            var at = state.Granted.EarliestRoom(calls + kept, rate.Burst, rate.Span, Latest(now, state.PausedUntil));
            at = rate.Bursts ? at : Latest(at, state.NextSlot);
            var opening = Opening(state, at, rate);
            if (at <= now + MaxWaitFor(rate) || opening == SpanOpening.Unanswered)
            {
                return opening switch
                {
                    SpanOpening.Opens => Open(state, ask, calls, kept, at, rate),
                    SpanOpening.Unanswered => (state, new BudgetGrant.Wait(Earliest(Latest(now, state.OpeningAt) + OpeningRecheck, now + MaxWait))),
                    SpanOpening.Open => Go(state, ask, calls, kept, at, rate),
                };
            }

            if (ask.Scheduled)
            {
                // Its calls were reserved when it first waited: it asks again, ahead of newcomers, when there is room if
                // that opens a span or comes with a span's opening burst (or the span is paced), else when the next span
                // opens: not each time a call of a burst frees.
                var withOpening = opening == SpanOpening.Opens || at < state.OpeningAt + OpeningPatience;
                var next = !rate.Bursts || withOpening ? at : Latest(at, state.OpeningAt + rate.Span);
                return (state, new BudgetGrant.Wait(Capped(next, now)));
            }
        }

        if (rate.IsAssumed)
        {
            // No promise far ahead on a guessed limit: the first answer from Stories states it.
            return (asked, new BudgetGrant.Wait(now + GuessedLimitWait));
        }

        return Reserve(state, ask, rate, now);
    }

    /// <summary>The longest in-process wait: <see cref="MaxWait"/> where calls burst, <see cref="PacedMaxWait"/> where they are paced.</summary>
    public static TimeSpan MaxWaitFor(BudgetRate rate) => rate.Bursts ? MaxWait : PacedMaxWait;

    /// <summary>
    /// This event's calls, and in a burst the calls its message asked ahead as far as the span has room at
    /// <paramref name="at"/>; in a paced span, this event's calls in their slots.
    /// </summary>
    private static (BudgetState, BudgetGrant) Go(BudgetState state, BudgetAsk ask, int calls, int kept, DateTimeOffset at, BudgetRate rate)
    {
        if (!rate.Bursts)
        {
            var paced = state with { Granted = state.Granted.Add(at, calls, rate.Span), NextSlot = at + (rate.Interval * calls), Held = ask.Scheduled ? Math.Max(0, state.Held - calls) : state.Held };
            return (paced, new BudgetGrant.Go(at, calls, at, Spacing: rate.Interval));
        }

        var room = rate.Burst - kept - state.Granted.CallsAfter(at - rate.Span);
        var granted = Math.Clamp(ask.Ahead, calls, Math.Max(calls, room));
        var held = ask.Scheduled ? Math.Max(0, state.Held - granted) : state.Held;
        return (state with { Granted = state.Granted.Add(at, granted, rate.Span), Held = held }, new BudgetGrant.Go(at, granted, at + rate.Credit));
    }

    /// <summary>Calls a message was granted and will not send (its credit ran out): no longer counted.</summary>
    private static BudgetState TakeBack(BudgetState state, BudgetAsk ask, BudgetRate rate) =>
        ask.Unused <= 0 ? state : state with { Granted = state.Granted.Remove(ask.UnusedAt, ask.Unused, rate.Credit) };

    private static DateTimeOffset Capped(DateTimeOffset at, DateTimeOffset now) => at - now > MaxQueueDelay ? now + MaxQueueDelay : at;

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
