namespace StoriesFunctions.Budget;

/// <summary>What an event asks of the budget: its calls now, and what its message needs if it must wait.</summary>
/// <param name="Calls">Stories calls this event makes (2 for an identify with Sync Users).</param>
/// <param name="Reserve">Calls of this event and the rest of its message: reserved if it must wait.</param>
/// <param name="Scheduled">The message already waited for calls reserved for it: it goes now, ahead of newer ones.</param>
/// <param name="OldestReceivedAt">When the oldest of those events was received, for the backlog's age.</param>
/// <param name="Unused">Calls granted to this message at <paramref name="UnusedAt"/> that it will not send: taken back.</param>
/// <param name="UnusedAt">When those calls were granted.</param>
/// <param name="Ahead">
/// Calls of this event and of the next ones its message expects to start while calls granted now stay valid: granted at
/// once as far as the span has room (at least <paramref name="Calls"/>).
/// </param>
public readonly record struct BudgetAsk(int Calls, int Reserve, bool Scheduled, DateTimeOffset OldestReceivedAt, int Unused = 0, DateTimeOffset UnusedAt = default, int Ahead = 0);

/// <summary>The budget's answer: go, or wait (in-process when short, in the queue when its calls are reserved later).</summary>
public abstract record BudgetGrant
{
    private BudgetGrant()
    {
    }

    /// <summary>
    /// Send this event's calls from <paramref name="At"/>, each further one <paramref name="Spacing"/> after the one
    /// before (zero in a burst); <paramref name="Calls"/> is what the message may send in all, for events that start by
    /// <paramref name="Until"/>. <paramref name="Opens"/>: the first call opens a span, and its answer must be reported
    /// (<see cref="StoriesBudget.ReportOpeningAsync"/>) before the rest of the burst goes.
    /// </summary>
    public sealed record Go(DateTimeOffset At, int Calls, DateTimeOffset Until, bool Opens = false, TimeSpan Spacing = default) : BudgetGrant;

    /// <summary>
    /// Ask again at <paramref name="Until"/>. Within <see cref="BudgetLedger.MaxWait"/> the invocation waits and asks again
    /// (as a scheduled message when <paramref name="Reserved"/>); beyond it the message waits in the queue.
    /// <paramref name="Reserved"/>: calls for the rest of the message were reserved from then by this answer.
    /// </summary>
    public sealed record Wait(DateTimeOffset Until, bool Reserved = false) : BudgetGrant;
}
