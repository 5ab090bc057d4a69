namespace StoriesFunctions.Delivery;

/// <summary>
/// The one place that decides each event's fate from the facts of its attempt. No I/O; time and chance are passed in,
/// so the rules read and test as a table.
/// </summary>
public static class DeliveryPolicy
{
    /// <param name="outcome">What happened to the event in this attempt.</param>
    /// <param name="attempt">The attempt that just ran, 1-based.</param>
    /// <param name="schedule">The retry schedule.</param>
    /// <param name="now">The current time.</param>
    /// <param name="random">A number in [0, 1) for the schedule's jitter: one per message, so its events share their delays.</param>
    public static DeliveryVerdict Decide(DeliveryOutcome outcome, int attempt, RetrySchedule schedule, DateTimeOffset now, double random) =>
        outcome.Result switch
        {
            DeliveryResult.Delivered or DeliveryResult.AlreadyDelivered => new DeliveryVerdict.Done(),

            // Most likely the other copy finishes in moments; at worst its holder died and the lease must run out.
            DeliveryResult.ClaimHeld => new DeliveryVerdict.Defer(ClaimWait(outcome.HeldUntil, schedule, now), attempt, outcome.Reason),
            DeliveryResult.Transient when attempt >= schedule.MaxAttempts =>
                new DeliveryVerdict.DeadLetter($"retries exhausted after {attempt} attempts: {outcome.Reason}"),
            DeliveryResult.Transient => new DeliveryVerdict.Defer(schedule.DelayAfter(attempt, outcome.Response?.RetryAfter, random), attempt + 1, outcome.Reason),
            DeliveryResult.Permanent => new DeliveryVerdict.DeadLetter(outcome.Reason),
            DeliveryResult.ConfigurationOutage => new DeliveryVerdict.HoldMessage(schedule.MaxDelay, outcome.Reason),

            // Waiting for budget is not a failure: it never uses an attempt, so no backlog ends in dead letters.
            DeliveryResult.WaitingForBudget => new DeliveryVerdict.Defer(Until(outcome.HeldUntil - BudgetLedger.WakeEarly, now, TimeSpan.Zero), attempt, outcome.Reason, Scheduled: true),
            DeliveryResult.Throttled => new DeliveryVerdict.Defer(Until(outcome.HeldUntil, now, TimeSpan.FromSeconds(1)), attempt, outcome.Reason),
        };

    private static TimeSpan Until(DateTimeOffset? until, DateTimeOffset now, TimeSpan least) =>
        (until ?? now) - now is var wait && wait > least ? wait : least;

    private static TimeSpan ClaimWait(DateTimeOffset? heldUntil, RetrySchedule schedule, DateTimeOffset now)
    {
        var untilExpiry = (heldUntil ?? now) - now;
        var wait = untilExpiry < schedule.BaseDelay(1) ? untilExpiry : schedule.BaseDelay(1);
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }
}
