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
    private const int PageSize = 100;

    /// <summary>Replays up to <paramref name="max"/> dead letters; returns how many events went back to the queue.</summary>
    public async Task<int> ReplayAsync(int max, CancellationToken cancellationToken)
    {
        var (events, next) = (0, (string?)null);
        do
        {
            (var page, next) = await store.ListAsync(Math.Min(PageSize, max - events), next, withBody: true, cancellationToken).ConfigureAwait(false);
            var replayable = page.Where(d => !string.IsNullOrEmpty(d.Letter.MessageId)).ToList();
            if (replayable.Count == 0)
            {
                continue;
            }

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

            events += replayable.Count;
        }
        while (next is not null && events < max);

        Log.Replayed(logger, events);
        return events;
    }
}
