using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Telemetry;
using StoriesFunctions.DeadLetters;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Carries out each verdict: counts and logs a delivery, puts a deferred event (with its next attempt) among those
/// going back to the queue, writes a dead letter. A dead letter that cannot be written is not lost: the event waits
/// like any other stalled by our storage, and its fate is decided again when it comes back.
/// </summary>
public sealed class VerdictActions(DeadLetterIntake deadLetters, RetrySchedule schedule, ForwarderMetrics metrics, IOptions<TelemetryOptions> telemetry, TimeProvider time, ILogger<VerdictActions> logger)
{
    private const int MaxStalls = 99;

    /// <summary>
    /// An event that was not tried, as it goes back: a stall of our storage counts; a wait behind its user's failing
    /// event opens its retry window (<see cref="RetrySchedule.Window"/>), so the user's events share one.
    /// </summary>
    public EnvelopeEvent Waiting(EnvelopeEvent item, Gate.Wait wait) => wait.Kind switch
    {
        DeferKind.StorageDown => item with { Stalls = Math.Min(item.Stalls + 1, MaxStalls) },
        DeferKind.BehindUser when wait.Behind == DeferKind.Retry => item with { FirstAttemptAt = item.FirstAttemptAt ?? time.GetUtcNow() },
        DeferKind.BehindUser or DeferKind.Retry or DeferKind.ClaimHeld or DeferKind.Budget or DeferKind.Throttled
            or DeferKind.HandedOver or DeferKind.StoriesDown or DeferKind.Refused => item,
    };

    /// <summary>Carries out <paramref name="verdict"/>; returns what was finally done (a dead letter may turn into a wait).</summary>
    internal async Task<(DeliveryOutcome Outcome, DeliveryVerdict Verdict)> ApplyAsync(
        EnvelopeEvent item, DeliveryOutcome outcome, DeliveryVerdict verdict, RetryEnvelopes later, double random)
    {
        switch (verdict)
        {
            case DeliveryVerdict.Done:
                Delivered(item, outcome);
                break;
            case DeliveryVerdict.Defer defer:
                Deferred(item, outcome, defer, later);
                break;
            case DeliveryVerdict.DeadLetter dead:
                try
                {
                    // Not the invocation's token: Stories has answered; what it said must be kept even on shutdown.
                    await deadLetters.AddAsync(item, outcome.Type, dead.Reason, outcome, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex.IsStorageFailure(CancellationToken.None))
                {
                    // Decided where every fate is decided: a failure of our storage, which uses no attempt.
                    var stalled = DeliveryOutcome.StorageFailed(outcome.Type, ex);
                    var wait = DeliveryPolicy.Decide(stalled, item, schedule, time.GetUtcNow(), random);
                    Deferred(item, stalled, (DeliveryVerdict.Defer)wait, later);
                    return (stalled, wait);
                }

                break;
            case DeliveryVerdict.Skip skip:
                metrics.Skipped.Add(1, new KeyValuePair<string, object?>("reason", skip.Reason));
                Log.ErasedEventSkipped(logger, item.MessageId, outcome.Type);
                break;
            default:
                throw new System.Diagnostics.UnreachableException($"A verdict nobody carries out: {verdict}");
        }

        return (outcome, verdict);
    }

    /// <summary>One line for the message's events that wait together, when the whole message stopped.</summary>
    internal void Stopped(string queueMessageId, (TimeSpan Delay, DeferKind Kind, string Reason)? stopped, RetryEnvelopes later)
    {
        switch (stopped)
        {
            case { Kind: DeferKind.Refused } refused:
                metrics.Refused.Add(1);
                Log.ConfigurationRefused(logger, queueMessageId, refused.Reason, later.Count, refused.Delay);
                break;
            case { Kind: DeferKind.Budget } when later.Scheduled is { Events: > 0 } waiting:
                metrics.WaitedForBudget.Add(waiting.Events);
                Log.WaitingForBudget(logger, queueMessageId, waiting.Events, waiting.Delay);
                break;
            case { Kind: DeferKind.StorageDown } stalled:
                Log.StorageUnavailable(logger, queueMessageId, later.Count, stalled.Delay, stalled.Reason);
                break;
            case { Kind: DeferKind.HandedOver }:
                Log.BudgetSpent(logger, queueMessageId, later.Count);
                break;
            default:
                break;
        }
    }

    private void Deferred(EnvelopeEvent item, DeliveryOutcome outcome, DeliveryVerdict.Defer defer, RetryEnvelopes later)
    {
        // Past its turn (CallOrder) it need not ask again; still waiting for it, it keeps the event it waits for.
        var next = item with
        {
            Attempt = defer.NextAttempt,
            Stalls = defer.Kind == DeferKind.StorageDown ? Math.Min(item.Stalls + 1, MaxStalls) : 0,
            After = outcome.Result is DeliveryResult.WaitingOnUser or DeliveryResult.StorageDown or DeliveryResult.Interrupted ? item.After : null,
        };
        later.Add(next, defer.Delay, tried: true, defer.Kind);
        if (defer.Kind == DeferKind.Retry)
        {
            metrics.Retried.Add(1);
            Log.RetryScheduled(logger, item.MessageId, outcome.Type, item.Attempt, defer.Reason, defer.Delay);
        }
        else if (defer.Kind == DeferKind.ClaimHeld)
        {
            Log.ClaimHeld(logger, item.MessageId, outcome.Type, defer.Delay);
        }
    }

    private void Delivered(EnvelopeEvent item, DeliveryOutcome outcome)
    {
        if (outcome.Result == DeliveryResult.AlreadyDelivered)
        {
            metrics.Duplicates.Add(1);
            Log.DuplicateSkipped(logger, item.MessageId, outcome.Type);
            return;
        }

        var latency = time.GetUtcNow() - item.ReceivedAt;
        metrics.Delivered.Add(1, new KeyValuePair<string, object?>("type", outcome.Type));
        metrics.Latency.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("type", outcome.Type));
        Log.EventDelivered(logger, telemetry.Value.SuccessLevel, item.MessageId, outcome.Type, outcome.StatusCode ?? 0, item.Attempt, (long)latency.TotalMilliseconds);
    }
}
