using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.DeadLetters;

/// <summary>
/// Writes dead letters: the app's own (a permanent failure, retries exhausted, an unreadable message), and those the
/// host moved to <c>segment-events-poison</c> after <c>maxDequeueCount</c> failed invocations, which are adopted into the
/// same never-expiring store, so that every dead letter is listed, replayable and alerted on alike.
/// </summary>
public sealed class DeadLetterIntake(
    DeadLetterStore store, DeliveryClaims claims, Erasure.ErasedUsers erased, ForwarderMetrics metrics, TimeProvider time, ILogger<DeadLetterIntake> logger)
{
    /// <summary>Writes the event's dead letter, unless its user was erased: then nothing of it is kept, and it counts as skipped.</summary>
    public async Task AddAsync(EnvelopeEvent item, string type, string reason, DeliveryOutcome? outcome, CancellationToken cancellationToken)
    {
        if (await erased.IsErasedAsync(item.UserId, cancellationToken).ConfigureAwait(false))
        {
            metrics.Skipped.Add(1, new KeyValuePair<string, object?>("reason", Erasure.ErasureReasons.UserErased));
            Log.ErasedEventSkipped(logger, item.MessageId, type);
            return;
        }

        var letter = new DeadLetter(
            item.MessageId, type, reason, outcome?.StatusCode, outcome?.Response?.Excerpt, item.Attempt, item.ReceivedAt,
            item.FirstAttemptAt ?? time.GetUtcNow(), time.GetUtcNow(), item.UserId);
        await store.AddAsync(letter, JsonMarshal.GetRawUtf8Value(item.Event).ToArray(), cancellationToken).ConfigureAwait(false);
        var kind = outcome?.Result == DeliveryResult.Transient ? "retries exhausted" : outcome is null ? "host moved" : "permanent";
        metrics.DeadLettered.Add(1, new KeyValuePair<string, object?>("reason", kind));
        Log.DeadLettered(logger, item.MessageId, type, item.Attempt, reason, outcome?.StatusCode);
    }

    /// <summary>A queue message that is no envelope: kept as it is, with no messageId, for an operator to look at.</summary>
    public async Task AddUnreadableAsync(string queueMessageId, BinaryData body, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var letter = new DeadLetter(null, "unknown", DeadLetter.UnreadableReason, null, null, 0, now, now, now, null);
        await store.AddAsync(letter, body.ToMemory(), cancellationToken).ConfigureAwait(false);
        metrics.DeadLettered.Add(1, new KeyValuePair<string, object?>("reason", "unreadable"));
        Log.UnreadableMessage(logger, queueMessageId);
    }

    /// <summary>
    /// Adopts one message of the poison queue: an envelope the host moved (each event not yet delivered becomes a dead
    /// letter with the reason "the invocation failed N times"; one whose claim says Stories has it is skipped, so a
    /// replay cannot post it again), a dead letter the previous version wrote there, or anything else as unreadable.
    /// Idempotent: a dead letter is one row per <c>messageId</c>, so adopting a message twice writes the same rows.
    /// Throws when storage fails; <see cref="Functions.PoisonFunction"/> then defers the message.
    /// </summary>
    public async Task AdoptAsync(string queueMessageId, BinaryData body, int hostMaxDequeueCount, CancellationToken cancellationToken)
    {
        using (var envelope = Envelope.TryParse(body))
        {
            if (envelope is not null)
            {
                var reason = DeadLetter.HostMovedReason(hostMaxDequeueCount);
                foreach (var item in envelope.Events)
                {
                    if (!await claims.IsDeliveredAsync(item.MessageId, cancellationToken).ConfigureAwait(false))
                    {
                        await AddAsync(item, EventDelivery.EventTypeOf(item), reason, null, cancellationToken).ConfigureAwait(false);
                    }
                }

                return;
            }
        }

        using var document = TryParse(body);
        if (document is not null && DeadLetter.TryReadLegacy(document.RootElement, out var evt) is { } legacy)
        {
            var item = new EnvelopeEvent(legacy.MessageId ?? string.Empty, legacy.ReceivedAt, evt, legacy.Attempts, legacy.FirstAttemptAt);
            if (!await erased.IsErasedAsync(item.UserId, cancellationToken).ConfigureAwait(false))
            {
                await store.AddAsync(legacy with { UserId = item.UserId }, JsonMarshal.GetRawUtf8Value(evt).ToArray(), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await AddUnreadableAsync(queueMessageId, body, cancellationToken).ConfigureAwait(false);
    }

    private static JsonDocument? TryParse(BinaryData body)
    {
        try
        {
            return JsonDocument.Parse(body.ToMemory(), Envelope.ParseOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
