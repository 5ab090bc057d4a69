namespace StoriesFunctions.Budget;

/// <summary>What an event asks of the budget: slots for its calls now, and what its message needs if it must wait.</summary>
/// <param name="Calls">Stories calls this event makes (2 for an identify with Sync Users).</param>
/// <param name="Reserve">Calls of this event and the rest of its message: reserved on the schedule if it must wait.</param>
/// <param name="Scheduled">The message already waited for slots reserved for it: it goes now, ahead of newer ones.</param>
/// <param name="OldestReceivedAt">When the oldest of those events was received, for the backlog's age.</param>
public readonly record struct BudgetAsk(int Calls, int Reserve, bool Scheduled, DateTimeOffset OldestReceivedAt);

/// <summary>The budget's answer: send now-ish, or wait in the queue until slots reserved for the message come up.</summary>
public abstract record BudgetGrant
{
    private BudgetGrant()
    {
    }

    /// <summary>Send the first call at <paramref name="At"/> and each further one <paramref name="Interval"/> later.</summary>
    public sealed record Go(DateTimeOffset At, TimeSpan Interval) : BudgetGrant;

    /// <summary>Slots for the whole rest of the message are reserved from <paramref name="Until"/>: wait in the queue till then.</summary>
    public sealed record Wait(DateTimeOffset Until) : BudgetGrant;
}

/// <summary>
/// The budget's arithmetic, with no I/O: the same code decides in every instance, in the tests and in the 40-instance
/// simulation. A call may wait in-process only <see cref="MaxWait"/> for its slot; past that, the message goes back to
/// the queue with its slots reserved at the end of the schedule, so that it comes back once, when they are due, instead
/// of polling for budget. Newcomers join the back of a schedule that has not drained; messages whose slots are due go
/// first. A pause (429) moves every free slot past its end; it lasts at most <see cref="MaxPause"/>.
/// <para>
/// The schedule is planned at a pace (<see cref="BudgetState.PlannedInterval"/>). When the limit changes (learned from
/// Stories or set), the next ask re-plans it (<see cref="Replan"/>): calls already granted keep their slots, the next free
/// slot follows the last of them at the new pace, and the calls reserved for waiting messages are re-spaced at the new
/// pace from there, so newcomers join a schedule as long as the new pace makes it, and a message back for its slots
/// takes them at the new pace. A raised limit applies at once; a lowered one stretches what waits.
/// </para>
/// </summary>
public static class BudgetLedger
{
    /// <summary>Longest in-process wait for a slot: short against the 30 s visibility and the invocation budget.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How much sooner than its slots a waiting message becomes visible again: the host notices it up to
    /// <c>maxPollingInterval</c> (2 s in host.json) late, and a message already in hand waits out the rest in-process.
    /// </summary>
    public static readonly TimeSpan WakeEarly = TimeSpan.FromSeconds(2);

    /// <summary>A queue message can be hidden for at most 7 days; a longer schedule asks again when it comes back.</summary>
    public static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    /// <summary>
    /// Longest pause a 429 can impose. Laravel's <c>Retry-After</c> is at most its window (a minute by default); a far
    /// longer one is a bogus header, and would stop every instance. Past this, a limit that really holds costs one more
    /// 429, whose pause starts again.
    /// </summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(15);

    public static (BudgetState State, BudgetGrant Grant) Ask(BudgetState asked, BudgetAsk ask, BudgetRate rate, DateTimeOffset now)
    {
        var interval = rate.Interval;
        var state = Replan(asked, interval, now);
        var free = Latest(state.NextSlot, now, state.PausedUntil);
        var queuedAhead = !ask.Scheduled && state.ScheduledUntil > now + MaxWait;
        if (!queuedAhead && free <= now + MaxWait)
        {
            var next = free + (interval * Math.Max(ask.Calls, 1));
            var scheduled = ask.Scheduled ? state.ScheduledUntil : Latest(state.ScheduledUntil, next, next);
            return (state with { NextSlot = next, ScheduledUntil = scheduled }, new BudgetGrant.Go(free, interval));
        }

        if (rate.IsAssumed)
        {
            // No promise far ahead on a guessed limit: the first answer from Stories states it, within seconds.
            return (asked, new BudgetGrant.Wait(now + MaxWait));
        }

        var start = Latest(state.ScheduledUntil, free, free);
        var until = start + (interval * Math.Max(ask.Reserve, 1));
        var marks = state.Marks.Add(until, ask.OldestReceivedAt, now, rate.Window);
        var wakeAt = start - now > MaxQueueDelay ? now + MaxQueueDelay : start;
        return (state with { ScheduledUntil = until, Marks = marks }, new BudgetGrant.Wait(wakeAt));
    }

    /// <summary>Stories refused a call until <paramref name="until"/>: no instance sends before then, nor past <see cref="MaxPause"/>.</summary>
    public static BudgetState Pause(BudgetState state, DateTimeOffset until, DateTimeOffset now)
    {
        until = until - now > MaxPause ? now + MaxPause : until;
        return until <= state.PausedUntil ? state : state with { PausedUntil = until, NextSlot = Latest(state.NextSlot, until, until) };
    }

    /// <summary>
    /// The schedule re-spaced at a new pace (<paramref name="interval"/>) from <paramref name="now"/> on. The last call
    /// granted sits one old interval before <see cref="BudgetState.NextSlot"/> and keeps its slot: the next free one is a
    /// new interval after it, so the calls keep at least the new spacing. The calls reserved between there and
    /// <see cref="BudgetState.ScheduledUntil"/> are as many as before, spaced at the new pace. A pause is not shortened.
    /// </summary>
    public static BudgetState Replan(BudgetState state, TimeSpan interval, DateTimeOffset now)
    {
        var old = state.PlannedInterval;
        if (old == interval || old <= TimeSpan.Zero)
        {
            return old == interval ? state : state with { PlannedInterval = interval };
        }

        var next = state.NextSlot > now ? state.NextSlot - old + interval : state.NextSlot;
        var (from, to) = (Latest(state.NextSlot, now, state.PausedUntil), Latest(next, now, state.PausedUntil));
        var scheduled = state.ScheduledUntil > from ? to + ((state.ScheduledUntil - from) * (interval / old)) : state.ScheduledUntil;
        return state with { NextSlot = next, ScheduledUntil = scheduled, PlannedInterval = interval };
    }

    /// <summary>Stories stated its limit: remembered for every instance.</summary>
    public static BudgetState Learn(BudgetState state, int limit) =>
        limit < 1 || state.LearnedLimit == limit ? state : state with { LearnedLimit = limit };

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b, DateTimeOffset c)
    {
        var ab = a > b ? a : b;
        return ab > c ? ab : c;
    }
}
