using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Delivers the events of one queue message in order: asks the Stories budget for each event's slots, asks
/// <see cref="DeliveryPolicy"/> for each event's fate, and carries it out. Deferred events go back to the queue as new
/// envelopes and this message completes, so delivered events are never sent again. When the budget has no slot soon,
/// the rest of the message waits in the queue for slots reserved for it, using no attempt. Every write happens before
/// the message completes: if one fails, the invocation fails and the host redelivers the message (claims keep that safe).
/// </summary>
public sealed class EnvelopeDelivery(
    EventDelivery delivery,
    StoriesBudget budget,
    EventQueue queue,
    DeadLetters deadLetters,
    RetrySchedule schedule,
    IOptions<DeliveryOptions> options,
    IOptions<TelemetryOptions> telemetry,
    ForwarderMetrics metrics,
    TimeProvider time,
    ILogger<EnvelopeDelivery> logger)
{
    public async Task DeliverAsync(string queueMessageId, BinaryData body, CancellationToken cancellationToken)
    {
        using var envelope = Envelope.TryParse(body);
        if (envelope is null)
        {
            await deadLetters.AddUnreadableAsync(queueMessageId, body, cancellationToken).ConfigureAwait(false);
            return;
        }

        var started = time.GetTimestamp();
        var random = Random.Shared.NextDouble();
        var asks = new BudgetAsks(envelope, delivery);
        var (order, outage, later) = (new UserOrder(), new DeliveryOutage(), new RetryEnvelopes());
        var (tried, handedOver, waiting) = (0, false, (TimeSpan?)null);
        var tally = new MessageTally();
        for (var i = 0; i < envelope.Events.Count; i++)
        {
            var item = envelope.Events[i];
            var first = item with { FirstAttemptAt = item.FirstAttemptAt ?? time.GetUtcNow() };
            if (order.IsHeld(first, out var behind, out var behindScheduled))
            {
                later.Add(first, first.Attempt, behind, tried: true, behindScheduled);
            }
            else if (waiting is { } wait)
            {
                // The budget reserved slots for the rest of this message: it all comes back together, in order.
                later.Add(first, first.Attempt, wait, tried: false, scheduled: true);
                order.Hold(first, wait, scheduled: true);
            }
            else if (outage.Refused is not null || outage.BackingOff is { } || (tried > 0 && time.GetElapsedTime(started) > options.Value.InvocationBudget))
            {
                // Not tried in this attempt: uses none. A spent budget hands the rest to a fresh message at once.
                if (outage.Refused is null && outage.BackingOff is null && !handedOver)
                {
                    handedOver = true;
                    Log.BudgetSpent(logger, queueMessageId, envelope.Events.Count - i);
                }

                var backOff = outage.BackingOff ?? TimeSpan.Zero;
                later.Add(first, first.Attempt, backOff, tried: false);
                order.Hold(first, backOff);
            }
            else
            {
                tried++;
                var outcome = await TryAsync(first, asks.For(i), cancellationToken).ConfigureAwait(false);
                var verdict = DeliveryPolicy.Decide(outcome, first.Attempt, schedule, time.GetUtcNow(), random);
                outage.Observe(outcome, verdict);
                waiting = verdict is DeliveryVerdict.Defer { Scheduled: true } scheduled ? scheduled.Delay : null;
                tally.Count(outcome, verdict);
                await ApplyAsync(first, outcome, verdict, order, later, cancellationToken).ConfigureAwait(false);
            }
        }

        await SendLaterAsync(queueMessageId, later, outage.Refused, cancellationToken).ConfigureAwait(false);
        var level = tally.AllDelivered(envelope.Events.Count) ? telemetry.Value.SuccessLevel : LogLevel.Information;
        if (logger.IsEnabled(level))
        {
            var elapsedMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
            Log.MessageDelivered(logger, level, queueMessageId, envelope.Events.Count, tally.Delivered, tally.Duplicates, tally.Retried,
                later.Count - tally.Retried, tally.DeadLettered, elapsedMs);
        }
    }

    /// <summary>What became of a message's events, for its one summary line.</summary>
    private sealed class MessageTally
    {
        public int Delivered { get; private set; }

        public int Duplicates { get; private set; }

        public int Retried { get; private set; }

        public int DeadLettered { get; private set; }

        public bool AllDelivered(int events) => Delivered + Duplicates == events;

        public void Count(DeliveryOutcome outcome, DeliveryVerdict verdict)
        {
            switch (verdict)
            {
                case DeliveryVerdict.Done when outcome.Result == DeliveryResult.AlreadyDelivered:
                    Duplicates++;
                    break;
                case DeliveryVerdict.Done:
                    Delivered++;
                    break;
                case DeliveryVerdict.Defer when outcome.Result == DeliveryResult.Transient:
                    Retried++;
                    break;
                case DeliveryVerdict.DeadLetter:
                    DeadLettered++;
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Slots first, then the calls. After a 429 the event asks once more, ahead of newer messages.</summary>
    private async Task<DeliveryOutcome> TryAsync(EnvelopeEvent item, BudgetAsk ask, CancellationToken cancellationToken)
    {
        for (var round = 0; ; round++)
        {
            var grant = await budget.AskAsync(ask, cancellationToken).ConfigureAwait(false);
            if (grant is not BudgetGrant.Go slots)
            {
                return DeliveryOutcome.Waiting(EventDelivery.EventTypeOf(item), ((BudgetGrant.Wait)grant).Until);
            }

            var outcome = await delivery.DeliverAsync(item, slots, cancellationToken).ConfigureAwait(false);
            if (outcome.Result != DeliveryResult.Throttled)
            {
                return outcome;
            }

            metrics.Throttled.Add(1);
            Log.Throttled(logger, item.MessageId, outcome.HeldUntil ?? time.GetUtcNow());
            if (round > 0)
            {
                return outcome;
            }

            ask = ask with { Scheduled = true };
        }
    }
    private async Task ApplyAsync(EnvelopeEvent item, DeliveryOutcome outcome, DeliveryVerdict verdict, UserOrder order, RetryEnvelopes later, CancellationToken cancellationToken)
    {
        switch (verdict)
        {
            case DeliveryVerdict.Done when outcome.Result == DeliveryResult.AlreadyDelivered:
                metrics.Duplicates.Add(1);
                Log.DuplicateSkipped(logger, item.MessageId, outcome.Type);
                break;
            case DeliveryVerdict.Done:
                Delivered(item, outcome);
                break;
            case DeliveryVerdict.Defer defer:
                later.Add(item, defer.NextAttempt, defer.Delay, tried: true, defer.Scheduled);
                order.Hold(item, defer.Delay, defer.Scheduled);
                if (defer.NextAttempt > item.Attempt)
                {
                    metrics.Retried.Add(1);
                    Log.RetryScheduled(logger, item.MessageId, outcome.Type, item.Attempt, defer.Reason, defer.Delay);
                }
                else if (outcome.Result == DeliveryResult.ClaimHeld)
                {
                    Log.ClaimHeld(logger, item.MessageId, outcome.Type, defer.Delay);
                }

                break;
            case DeliveryVerdict.DeadLetter dead:
                await deadLetters.AddAsync(item, outcome.Type, dead.Reason, outcome, cancellationToken).ConfigureAwait(false);
                break;
            case DeliveryVerdict.HoldMessage:
                later.Add(item, item.Attempt, TimeSpan.Zero, tried: true);
                break;
        }
    }

    private void Delivered(EnvelopeEvent item, DeliveryOutcome outcome)
    {
        var latency = time.GetUtcNow() - item.ReceivedAt;
        metrics.Delivered.Add(1, new KeyValuePair<string, object?>("type", outcome.Type));
        metrics.Latency.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("type", outcome.Type));
        Log.EventDelivered(logger, telemetry.Value.SuccessLevel, item.MessageId, outcome.Type, outcome.StatusCode ?? 0, item.Attempt, (long)latency.TotalMilliseconds);
    }

    private async Task SendLaterAsync(string queueMessageId, RetryEnvelopes later, DeliveryVerdict.HoldMessage? refused, CancellationToken cancellationToken)
    {
        if (later.Count == 0)
        {
            return;
        }

        if (refused is not null)
        {
            metrics.Refused.Add(1);
            Log.ConfigurationRefused(logger, queueMessageId, refused.Reason, later.Count, refused.Delay);
        }
        else if (later.Scheduled is { Events: > 0 } waiting)
        {
            metrics.WaitedForBudget.Add(waiting.Events);
            Log.WaitingForBudget(logger, queueMessageId, waiting.Events, waiting.Delay);
        }

        foreach (var (delay, envelopes) in later.Pack(refused?.Delay))
        {
            await queue.SendAsync(envelopes, delay, cancellationToken).ConfigureAwait(false);
        }
    }
}
