using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Delivery;

/// <summary>What <c>GET /api/dead-letters</c> shows of one dead letter: no traits or other personal data.</summary>
public sealed record DeadLetterSummary(string? MessageId, string Type, string Reason, int? StatusCode, DateTimeOffset? FailedAt);

/// <summary>
/// Reads and replays <c>segment-events-poison</c>. It holds our dead letters, and also envelopes the host moved
/// there itself after <c>maxDequeueCount</c> failed invocations (a crash loop): both are listed and replayed.
/// </summary>
public sealed class DeadLetters(EventQueue queue, ILogger<DeadLetters> logger)
{
    /// <summary>The queue service returns at most 32 messages per peek or receive.</summary>
    public const int MaxPerCall = 32;

    public const string HostMovedReason = "moved to poison by the host after repeated failed invocations";
    public const string UnreadableReason = "unreadable message (not written by this app)";

    /// <summary>The approximate number of poison messages, and the first <paramref name="max"/> (at most 32) dead letters.</summary>
    public async Task<(int Count, IReadOnlyList<DeadLetterSummary> First)> ListAsync(int max, CancellationToken cancellationToken)
    {
        await queue.EnsureCreatedAsync().ConfigureAwait(false);
        var properties = await queue.Poison.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        var summaries = new List<DeadLetterSummary>();
        if (max > 0)
        {
            var peeked = await queue.Poison.PeekMessagesAsync(Math.Min(max, MaxPerCall), cancellationToken).ConfigureAwait(false);
            foreach (var message in peeked.Value)
            {
                summaries.AddRange(Summarise(message.Body, message.InsertedOn));
            }
        }

        return (properties.Value.ApproximateMessagesCount, summaries.Take(Math.Max(max, 0)).ToList());
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> dead letters back to <c>segment-events</c> with a fresh attempt count and
    /// returns how many events moved. Each is queued before its dead letter is deleted, so a failure part-way
    /// leaves a copy rather than a gap (de-duplication absorbs the copy). Unreadable messages stay where they are.
    /// </summary>
    public async Task<int> ReplayAsync(int max, CancellationToken cancellationToken)
    {
        await queue.EnsureCreatedAsync().ConfigureAwait(false);
        var properties = await queue.Poison.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        var budget = Math.Min(max, properties.Value.ApproximateMessagesCount); // never chase letters dead-lettered again meanwhile
        var (events, messages) = (0, 0);
        while (messages < budget)
        {
            var received = await queue.Poison.ReceiveMessagesAsync(Math.Min(budget - messages, MaxPerCall), TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            if (received.Value.Length == 0)
            {
                break;
            }

            foreach (var message in received.Value)
            {
                messages++;
                events += await ReplayOneAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }

        Log.Replayed(logger, events, messages);
        return events;
    }

    private async Task<int> ReplayOneAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var packer = new EnvelopePacker();
        if (!Repack(message.Body, packer))
        {
            // Leave it for an operator; visible again at once.
            await queue.Poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken).ConfigureAwait(false);
            return 0;
        }

        await queue.SendAsync(packer.Complete(), null, cancellationToken).ConfigureAwait(false);
        await queue.Poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        return packer.EventCount;
    }

    private static bool Repack(BinaryData body, EnvelopePacker packer)
    {
        using var envelope = Envelope.TryParse(body);
        if (envelope is not null)
        {
            foreach (var item in envelope.Events)
            {
                packer.Add(item.MessageId, item.ReceivedAt, item.Event);
            }

            return true;
        }

        using var document = TryParse(body);
        if (document is not null && DeadLetter.TryRead(document.RootElement, out var evt) is { } deadLetter)
        {
            packer.Add(deadLetter.MessageId, deadLetter.ReceivedAt, evt);
            return true;
        }

        return false;
    }

    internal static IEnumerable<DeadLetterSummary> Summarise(BinaryData body, DateTimeOffset? insertedOn)
    {
        using var envelope = Envelope.TryParse(body);
        if (envelope is not null)
        {
            return envelope.Events
                .Select(item => new DeadLetterSummary(item.MessageId, EventDelivery.EventTypeOf(item), HostMovedReason, null, insertedOn))
                .ToList();
        }

        using var document = TryParse(body);
        return document is not null && DeadLetter.TryRead(document.RootElement, out _) is { } d
            ? [new DeadLetterSummary(d.MessageId, d.Type, d.Reason, d.StatusCode, d.FailedAt)]
            : [new DeadLetterSummary(null, "unknown", UnreadableReason, null, insertedOn)];
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
