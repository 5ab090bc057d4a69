using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Delivers the events of one queue message one by one, each to its own outcome. A permanent failure becomes a
/// dead letter at once; at the first transient failure the events not yet delivered go back to the queue as a new
/// envelope with a growing delay, and this message completes, so delivered events are never sent again. After the
/// last attempt they become dead letters instead. Every write happens before the message completes: if one fails,
/// the invocation fails and the host redelivers the message (de-duplication keeps that safe).
/// </summary>
public sealed class EnvelopeDelivery(
    EventDelivery delivery,
    EventQueue queue,
    RetrySchedule schedule,
    IOptions<DeliveryOptions> options,
    ForwarderMetrics metrics,
    TimeProvider time,
    ILogger<EnvelopeDelivery> logger)
{
    private static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7);

    public async Task DeliverAsync(string queueMessageId, BinaryData body, CancellationToken cancellationToken)
    {
        using var envelope = Envelope.TryParse(body);
        if (envelope is null)
        {
            Log.UnreadableMessage(logger, queueMessageId);
            await queue.SendDeadLetterAsync(body, cancellationToken).ConfigureAwait(false);
            return;
        }

        var started = time.GetTimestamp();
        var firstAttemptAt = envelope.FirstAttemptAt ?? time.GetUtcNow();
        for (var i = 0; i < envelope.Events.Count; i++)
        {
            if (i > 0 && time.GetElapsedTime(started) > options.Value.InvocationBudget)
            {
                Log.BudgetSpent(logger, queueMessageId, envelope.Events.Count - i);
                await SendAsync(envelope, i, envelope.Attempt, firstAttemptAt, null, cancellationToken).ConfigureAwait(false);
                return;
            }

            var item = envelope.Events[i];
            var outcome = await delivery.DeliverAsync(item, cancellationToken).ConfigureAwait(false);
            switch (outcome.Result)
            {
                case DeliveryResult.Delivered:
                    Delivered(item, outcome, envelope.Attempt);
                    break;
                case DeliveryResult.AlreadyDelivered:
                    metrics.Duplicates.Add(1);
                    Log.DuplicateSkipped(logger, item.MessageId, outcome.Type);
                    break;
                case DeliveryResult.Permanent:
                    await DeadLetterAsync(item, outcome, outcome.Reason, envelope.Attempt, firstAttemptAt, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await RetryLaterAsync(envelope, i, outcome, firstAttemptAt, cancellationToken).ConfigureAwait(false);
                    return;
            }
        }
    }

    private void Delivered(EnvelopeEvent item, DeliveryOutcome outcome, int attempt)
    {
        var latency = time.GetUtcNow() - item.ReceivedAt;
        metrics.Delivered.Add(1, new KeyValuePair<string, object?>("type", outcome.Type));
        metrics.Latency.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("type", outcome.Type));
        Log.EventDelivered(logger, item.MessageId, outcome.Type, outcome.StatusCode ?? 0, attempt, (long)latency.TotalMilliseconds);
    }

    private async Task RetryLaterAsync(Envelope envelope, int from, DeliveryOutcome outcome, DateTimeOffset firstAttemptAt, CancellationToken cancellationToken)
    {
        if (envelope.Attempt >= schedule.MaxAttempts)
        {
            var reason = $"retries exhausted after {envelope.Attempt} attempts: {outcome.Reason}";
            for (var i = from; i < envelope.Events.Count; i++)
            {
                await DeadLetterAsync(envelope.Events[i], outcome, reason, envelope.Attempt, firstAttemptAt, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var retryAfter = outcome.Response?.RetryAfter is { } wait && wait > MaxQueueDelay ? MaxQueueDelay : outcome.Response?.RetryAfter;
        var delay = schedule.DelayAfter(envelope.Attempt, retryAfter, Random.Shared.NextDouble());
        await SendAsync(envelope, from, envelope.Attempt + 1, firstAttemptAt, delay, cancellationToken).ConfigureAwait(false);
        metrics.Retried.Add(envelope.Events.Count - from);
        for (var i = from; i < envelope.Events.Count; i++)
        {
            Log.RetryScheduled(logger, envelope.Events[i].MessageId, EventDelivery.EventTypeOf(envelope.Events[i]), envelope.Attempt, outcome.Reason, delay);
        }
    }

    private Task SendAsync(Envelope envelope, int from, int attempt, DateTimeOffset firstAttemptAt, TimeSpan? delay, CancellationToken cancellationToken)
    {
        var packer = new EnvelopePacker(attempt, firstAttemptAt);
        for (var i = from; i < envelope.Events.Count; i++)
        {
            var item = envelope.Events[i];
            packer.Add(item.MessageId, item.ReceivedAt, item.Event);
        }

        return queue.SendAsync(packer.Complete(), delay, cancellationToken);
    }

    private async Task DeadLetterAsync(EnvelopeEvent item, DeliveryOutcome outcome, string reason, int attempts, DateTimeOffset firstAttemptAt, CancellationToken cancellationToken)
    {
        var type = EventDelivery.EventTypeOf(item);
        var deadLetter = new DeadLetter(
            item.MessageId, type, reason, outcome.StatusCode, outcome.Response?.Excerpt, attempts, item.ReceivedAt, firstAttemptAt, time.GetUtcNow());
        await queue.SendDeadLetterAsync(deadLetter.ToMessage(item.Event), cancellationToken).ConfigureAwait(false);
        metrics.DeadLettered.Add(1, new KeyValuePair<string, object?>("reason", outcome.Result == DeliveryResult.Permanent ? "permanent" : "retries exhausted"));
        Log.DeadLettered(logger, item.MessageId, type, attempts, reason, outcome.StatusCode);
    }
}
