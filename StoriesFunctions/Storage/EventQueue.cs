using Azure.Storage.Queues;

namespace StoriesFunctions.Storage;

/// <summary>
/// Writes envelopes to <c>segment-events</c>, in the host's base64 encoding, never expiring: the queue's default
/// time-to-live of 7 days would silently drop a backlog or a long wait. Creates the queues once per process (Azurite
/// and fresh accounts start empty).
/// </summary>
public sealed class EventQueue(QueueServiceClient service)
{
    /// <summary>Parallel writes per call: enough to hide round-trips, few enough not to flood a 2-core instance.</summary>
    public const int MaxParallelWrites = 8;

    /// <summary>-1 is the queue service's "infinite time-to-live".</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private Task? _created;

    public QueueClient Events { get; } = service.GetQueueClient(QueueNames.Events);

    public QueueClient Poison { get; } = service.GetQueueClient(QueueNames.Poison);

    public async Task SendAsync(IReadOnlyList<BinaryData> envelopes, TimeSpan? delay, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync().ConfigureAwait(false);
        if (envelopes.Count == 1)
        {
            await Events.SendMessageAsync(envelopes[0], delay, NeverExpires, cancellationToken).ConfigureAwait(false);
            return;
        }

        await Parallel.ForEachAsync(
            envelopes,
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelWrites, CancellationToken = cancellationToken },
            async (envelope, ct) => await Events.SendMessageAsync(envelope, delay, NeverExpires, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Puts a poison message back for a later adoption, never expiring.</summary>
    public async Task SendToPoisonAsync(BinaryData body, TimeSpan delay, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync().ConfigureAwait(false);
        await Poison.SendMessageAsync(body, delay, NeverExpires, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the queues once; a failed attempt (storage down) is tried again on the next call.</summary>
    public Task EnsureCreatedAsync()
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            created = _created = CreateAsync(service);
        }

        return created;
    }

    private static async Task CreateAsync(QueueServiceClient service)
    {
        await service.GetQueueClient(QueueNames.Events).CreateIfNotExistsAsync().ConfigureAwait(false);
        await service.GetQueueClient(QueueNames.Poison).CreateIfNotExistsAsync().ConfigureAwait(false);
    }
}
