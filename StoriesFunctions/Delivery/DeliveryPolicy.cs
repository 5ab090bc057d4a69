using StoriesFunctions.Budget;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Delivery;

/// <summary>
/// The one place that decides each event's fate from the facts of its attempt. No I/O; time and chance are passed in,
/// so the rules read and test as a table.
/// </summary>
public static class DeliveryPolicy
{
    /// <summary>The longest a queue message can stay invisible; a longer delay would make the write fail.</summary>
    public static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    /// <param name="outcome">What happened to the event in this attempt.</param>
    /// <param name="item">The event: its attempt (1-based), when its retries began, how often storage stalled it.</param>
    /// <param name="schedule">The retry schedule.</param>
    /// <param name="now">The current time.</param>
    /// <param name="random">A number in [0, 1) for the schedule's jitter: one per message, so its events share their delays.</param>
    public static DeliveryVerdict Decide(DeliveryOutcome outcome, EnvelopeEvent item, RetrySchedule schedule, DateTimeOffset now, double random)
    {
        var attempt = item.Attempt;
        return outcome.Result switch
        {
            DeliveryResult.Delivered or DeliveryResult.AlreadyDelivered => new DeliveryVerdict.Done(),

            // Most likely the other copy finishes in moments; at worst its holder died and the lease must run out.
            DeliveryResult.ClaimHeld => Defer(ClaimWait(outcome.HeldUntil, schedule, now), attempt, outcome.Reason, DeferKind.ClaimHeld),
            DeliveryResult.WaitingOnUser => Defer(Until(outcome.HeldUntil, now, TimeSpan.FromSeconds(1)), attempt, outcome.Reason, DeferKind.BehindUser),
            DeliveryResult.Transient when attempt >= schedule.MaxAttempts =>
                new DeliveryVerdict.DeadLetter($"retries exhausted after {attempt} attempts: {outcome.Reason}"),
            DeliveryResult.Transient when schedule.IsPastWindow(item.FirstAttemptAt, now) =>
                new DeliveryVerdict.DeadLetter($"retries exhausted after {attempt} attempts, the retry window having run out while it waited behind its user: {outcome.Reason}"),
            DeliveryResult.Transient => Defer(schedule.DelayAfter(attempt, outcome.Response?.RetryAfter, random), attempt + 1, outcome.Reason, DeferKind.Retry),
            DeliveryResult.Permanent => new DeliveryVerdict.DeadLetter(outcome.Reason),
            DeliveryResult.ConfigurationOutage => Defer(schedule.MaxDelay, attempt, outcome.Reason, DeferKind.Refused),

            // Waiting for budget, for Stories' pause, for our storage or for a fresh invocation is never the event's
            // failure: none uses an attempt, so no backlog and no outage of ours ends in dead letters.
            DeliveryResult.WaitingForBudget => Defer(Until(outcome.HeldUntil - BudgetLedger.WakeEarly, now, TimeSpan.Zero), attempt, outcome.Reason, DeferKind.Budget),
            DeliveryResult.Throttled => Defer(Min(Until(outcome.HeldUntil, now, TimeSpan.FromSeconds(1)), schedule.MaxDelay), attempt, outcome.Reason, DeferKind.Throttled),
            DeliveryResult.StorageDown => Defer(RetrySchedule.StorageDelay(item.Stalls, random), attempt, outcome.Reason, DeferKind.StorageDown),
            DeliveryResult.Interrupted => Defer(TimeSpan.Zero, attempt, outcome.Reason, DeferKind.HandedOver),
            DeliveryResult.Erased => new DeliveryVerdict.Skip(outcome.Reason),
        };
    }

    private static DeliveryVerdict.Defer Defer(TimeSpan delay, int nextAttempt, string reason, DeferKind kind) =>
        new(Min(delay, MaxQueueDelay), nextAttempt, reason, kind);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Until(DateTimeOffset? until, DateTimeOffset now, TimeSpan least) =>
        (until ?? now) - now is var wait && wait > least ? wait : least;

    private static TimeSpan ClaimWait(DateTimeOffset? heldUntil, RetrySchedule schedule, DateTimeOffset now)
    {
        var untilExpiry = (heldUntil ?? now) - now;
        var wait = untilExpiry < schedule.BaseDelay(1) ? untilExpiry : schedule.BaseDelay(1);
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }
}
