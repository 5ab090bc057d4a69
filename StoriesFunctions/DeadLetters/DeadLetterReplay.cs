using System.Text.Json;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Storage;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.DeadLetters;

/// <summary>
/// Sends dead letters back to <c>segment-events</c> with a fresh attempt count. Each is queued before its row is deleted,
/// so a failure part-way leaves a copy rather than a gap; a copy, or an event delivered meanwhile, is not posted twice
/// (its claim says it is done). Unreadable dead letters stay where they are.
/// </summary>
public sealed class DeadLetterReplay(DeadLetterStore store, EventQueue queue, ILogger<DeadLetterReplay> logger)
{
    /// <summary>
    /// Replays these dead letters (read with their events). Done: queued and its row deleted (or already gone). Skipped:
    /// unreadable, or written again since it was read (its newer failure stays listed; the copy queued is not posted
    /// twice).
    /// </summary>
    public async Task<(int Done, int Skipped)> ReplayAsync(IReadOnlyList<StoredDeadLetter> items, CancellationToken cancellationToken)
    {
        var replayable = items.Where(d => !string.IsNullOrEmpty(d.Letter.MessageId)).ToList();
        if (replayable.Count == 0)
        {
            return (0, items.Count);
        }

        var packer = new EnvelopePacker();
        foreach (var stored in replayable)
        {
            using var evt = JsonDocument.Parse(stored.Body, Envelope.ParseOptions);
            packer.Add(stored.Letter.MessageId!, stored.Letter.ReceivedAt, evt.RootElement);
        }

        await queue.SendAsync(packer.Complete(), null, cancellationToken).ConfigureAwait(false);
        var (done, _) = await DeleteAllAsync(replayable, cancellationToken).ConfigureAwait(false);
        Log.Replayed(logger, done);
        return (done, items.Count - done);
    }

    /// <summary>
    /// Deletes these dead letters, events and all: nothing of them is kept anywhere after this. Done: deleted (or already
    /// gone). Skipped: written again since it was read, so it is a newer failure the operator has not seen.
    /// </summary>
    public async Task<(int Done, int Skipped)> PurgeAsync(IReadOnlyList<StoredDeadLetter> items, CancellationToken cancellationToken)
    {
        var (done, changed) = await DeleteAllAsync(items, cancellationToken).ConfigureAwait(false);
        if (done > 0)
        {
            Log.Purged(logger, done);
        }

        return (done, changed);
    }

    private async Task<(int Done, int Changed)> DeleteAllAsync(IReadOnlyList<StoredDeadLetter> items, CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var stored in items)
        {
            changed += await store.DeleteAsync(stored, cancellationToken).ConfigureAwait(false) switch
            {
                DeadLetterDeletion.Deleted or DeadLetterDeletion.AlreadyGone => 0,
                DeadLetterDeletion.Changed => 1,
            };
        }

        return (items.Count - changed, changed);
    }
}
