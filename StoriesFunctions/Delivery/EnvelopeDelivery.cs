using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Delivers the events of one queue message in order: asks <see cref="DeliveryPolicy"/> for each event's fate and
/// carries it out. Deferred events go back to the queue as new envelopes and this message completes, so delivered
/// events are never sent again. Every write happens before the message completes: if one fails, the invocation fails
/// and the host redelivers the message (claims keep that safe).
/// </summary>
public sealed class EnvelopeDelivery(
    EventDelivery delivery,
    EventQueue queue,
    DeadLetters deadLetters,
    RetrySchedule schedule,
    IOptions<DeliveryOptions> options,
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
        var (order, outage, later) = (new UserOrder(), new DeliveryOutage(), new RetryEnvelopes());
        var (tried, handedOver) = (0, false);
        for (var i = 0; i < envelope.Events.Count; i++)
        {
            var item = envelope.Events[i];
            var first = item with { FirstAttemptAt = item.FirstAttemptAt ?? time.GetUtcNow() };
            if (order.IsHeld(first, out var behind))
            {
                later.Add(first, first.Attempt, behind, tried: true);
            }
            else if (outage.Refused is not null || outage.BackingOff is { } || (tried > 0 && time.GetElapsedTime(started) > options.Value.InvocationBudget))
            {
                // Not tried in this attempt: uses none. A spent budget hands the rest to a fresh message at once.
                if (outage.Refused is null && outage.BackingOff is null && !handedOver)
                {
                    handedOver = true;
                    Log.BudgetSpent(logger, queueMessageId, envelope.Events.Count - i);
                }

                var wait = outage.BackingOff ?? TimeSpan.Zero;
                later.Add(first, first.Attempt, wait, tried: false);
                order.Hold(first, wait);
            }
            else
            {
                tried++;
                var outcome = await delivery.DeliverAsync(first, cancellationToken).ConfigureAwait(false);
                var verdict = DeliveryPolicy.Decide(outcome, first.Attempt, schedule, time.GetUtcNow(), random);
                outage.Observe(outcome, verdict);
                await ApplyAsync(first, outcome, verdict, order, later, cancellationToken).ConfigureAwait(false);
            }
        }

        await SendLaterAsync(queueMessageId, later, outage.Refused, cancellationToken).ConfigureAwait(false);
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
                later.Add(item, defer.NextAttempt, defer.Delay, tried: true);
                order.Hold(item, defer.Delay);
                if (defer.NextAttempt > item.Attempt)
                {
                    metrics.Retried.Add(1);
                    Log.RetryScheduled(logger, item.MessageId, outcome.Type, item.Attempt, defer.Reason, defer.Delay);
                }
                else
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
        Log.EventDelivered(logger, item.MessageId, outcome.Type, outcome.StatusCode ?? 0, item.Attempt, (long)latency.TotalMilliseconds);
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

        foreach (var (delay, envelopes) in later.Pack(refused?.Delay))
        {
            await queue.SendAsync(envelopes, delay, cancellationToken).ConfigureAwait(false);
        }
    }
}
