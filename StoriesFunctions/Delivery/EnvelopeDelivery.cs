using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Delivers the events of one queue message one by one, each to its own outcome. A permanent failure becomes a
/// dead letter at once; events that failed transiently (and, once Stories looks down, those not yet tried) go back
/// to the queue together as a new envelope with a growing delay, and this message completes, so delivered events
/// are never sent again. After the last attempt they become dead letters instead. Every write happens before the message completes: if one fails,
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

    /// <summary>
    /// Transient failures in a row after which Stories is taken to be down and the rest of the message is not tried
    /// in this attempt: one event that keeps failing does not hold back the others, and an outage is not hammered.
    /// </summary>
    public const int TransientFailuresBeforeBackingOff = 2;

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
        var retry = new List<EnvelopeEvent>();
        DeliveryOutcome? lastTransient = null;
        var inARow = 0;
        for (var i = 0; i < envelope.Events.Count; i++)
        {
            var item = envelope.Events[i];
            if (inARow >= TransientFailuresBeforeBackingOff)
            {
                retry.Add(item);
                continue;
            }

            if (i > 0 && time.GetElapsedTime(started) > options.Value.InvocationBudget)
            {
                Log.BudgetSpent(logger, queueMessageId, envelope.Events.Count - i);
                await SendAsync(envelope.Events.Skip(i), envelope.Attempt, firstAttemptAt, null, cancellationToken).ConfigureAwait(false);
                break;
            }

            var outcome = await delivery.DeliverAsync(item, cancellationToken).ConfigureAwait(false);
            if (outcome.Result == DeliveryResult.Transient)
            {
                inARow++;
                retry.Add(item);
                lastTransient = Longest(lastTransient, outcome);
            }
            else
            {
                inARow = 0;
                await ConcludeAsync(item, outcome, envelope.Attempt, firstAttemptAt, cancellationToken).ConfigureAwait(false);
            }
        }

        if (lastTransient is not null)
        {
            await RetryLaterAsync(envelope, retry, lastTransient, firstAttemptAt, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Of two transient outcomes, the one whose <c>Retry-After</c> asks for the longer wait.</summary>
    private static DeliveryOutcome Longest(DeliveryOutcome? previous, DeliveryOutcome current) =>
        previous?.Response?.RetryAfter > (current.Response?.RetryAfter ?? TimeSpan.Zero) ? previous : current;

    /// <summary>An event's final outcome in this attempt: counted and logged, or dead-lettered.</summary>
    private async Task ConcludeAsync(EnvelopeEvent item, DeliveryOutcome outcome, int attempt, DateTimeOffset firstAttemptAt, CancellationToken cancellationToken)
    {
        switch (outcome.Result)
        {
            case DeliveryResult.Delivered:
                Delivered(item, outcome, attempt);
                break;
            case DeliveryResult.AlreadyDelivered:
                metrics.Duplicates.Add(1);
                Log.DuplicateSkipped(logger, item.MessageId, outcome.Type);
                break;
            default:
                await DeadLetterAsync(item, outcome, outcome.Reason, attempt, firstAttemptAt, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private void Delivered(EnvelopeEvent item, DeliveryOutcome outcome, int attempt)
    {
        var latency = time.GetUtcNow() - item.ReceivedAt;
        metrics.Delivered.Add(1, new KeyValuePair<string, object?>("type", outcome.Type));
        metrics.Latency.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("type", outcome.Type));
        Log.EventDelivered(logger, item.MessageId, outcome.Type, outcome.StatusCode ?? 0, attempt, (long)latency.TotalMilliseconds);
    }

    private async Task RetryLaterAsync(Envelope envelope, List<EnvelopeEvent> retry, DeliveryOutcome outcome, DateTimeOffset firstAttemptAt, CancellationToken cancellationToken)
    {
        if (envelope.Attempt >= schedule.MaxAttempts)
        {
            var reason = $"retries exhausted after {envelope.Attempt} attempts: {outcome.Reason}";
            foreach (var item in retry)
            {
                await DeadLetterAsync(item, outcome, reason, envelope.Attempt, firstAttemptAt, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var retryAfter = outcome.Response?.RetryAfter is { } wait && wait > MaxQueueDelay ? MaxQueueDelay : outcome.Response?.RetryAfter;
        var delay = schedule.DelayAfter(envelope.Attempt, retryAfter, Random.Shared.NextDouble());
        await SendAsync(retry, envelope.Attempt + 1, firstAttemptAt, delay, cancellationToken).ConfigureAwait(false);
        metrics.Retried.Add(retry.Count);
        foreach (var item in retry)
        {
            Log.RetryScheduled(logger, item.MessageId, EventDelivery.EventTypeOf(item), envelope.Attempt, outcome.Reason, delay);
        }
    }

    private Task SendAsync(IEnumerable<EnvelopeEvent> events, int attempt, DateTimeOffset firstAttemptAt, TimeSpan? delay, CancellationToken cancellationToken)
    {
        var packer = new EnvelopePacker(attempt, firstAttemptAt);
        foreach (var item in events)
        {
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
