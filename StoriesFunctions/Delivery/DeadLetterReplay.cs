using System.Text.Json;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Sends dead letters back to <c>segment-events</c> with a fresh attempt count. Each is queued before its row is deleted,
/// so a failure part-way leaves a copy rather than a gap; a copy, or an event delivered meanwhile, is not posted twice
/// (its claim says it is done). Unreadable dead letters stay where they are.
/// </summary>
public sealed class DeadLetterReplay(DeadLetterStore store, EventQueue queue, ILogger<DeadLetterReplay> logger)
{
    /// <summary>Replays these dead letters (read with their events); returns how many went back, and how many stay (unreadable).</summary>
    public async Task<(int Replayed, int Skipped)> ReplayAsync(IReadOnlyList<StoredDeadLetter> items, CancellationToken cancellationToken)
    {
        var replayable = items.Where(d => !string.IsNullOrEmpty(d.Letter.MessageId)).ToList();
        if (replayable.Count > 0)
        {
            var packer = new EnvelopePacker();
            foreach (var stored in replayable)
            {
                using var evt = JsonDocument.Parse(stored.Body, Envelope.ParseOptions);
                packer.Add(stored.Letter.MessageId!, stored.Letter.ReceivedAt, evt.RootElement);
            }

            await queue.SendAsync(packer.Complete(), null, cancellationToken).ConfigureAwait(false);
            foreach (var stored in replayable)
            {
                await store.DeleteAsync(stored, cancellationToken).ConfigureAwait(false);
            }

            Log.Replayed(logger, replayable.Count);
        }

        return (replayable.Count, items.Count - replayable.Count);
    }

    /// <summary>Deletes these dead letters, events and all: nothing of them is kept anywhere after this.</summary>
    public async Task<int> PurgeAsync(IReadOnlyList<StoredDeadLetter> items, CancellationToken cancellationToken)
    {
        foreach (var stored in items)
        {
            await store.DeleteAsync(stored with { ETag = Azure.ETag.All }, cancellationToken).ConfigureAwait(false);
        }

        if (items.Count > 0)
        {
            Log.Purged(logger, items.Count);
        }

        return items.Count;
    }
}
