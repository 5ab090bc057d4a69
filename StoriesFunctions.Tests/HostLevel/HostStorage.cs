using Azure.Data.Tables;
using Azure.Storage.Queues;
using StoriesFunctions.Delivery;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// The app's storage in the emulator every test shares. The host's queue names are fixed (<c>segment-events</c>,
/// <c>segment-events-poison</c>), so host-level tests cannot use unique queues as the in-process tests do: each
/// starts from empty queues and no tables instead.
/// </summary>
public static class HostStorage
{
    /// <summary>
    /// Creates the app's queues if missing and empties every queue (the host's <c>*-poison-poison</c> ones too, which
    /// a test may count), and deletes every table (delivery records, dead letters).
    /// </summary>
    public static async Task ResetAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var queues = new QueueServiceClient(connectionString);
        foreach (string name in new[] { QueueNames.Events, QueueNames.Poison })
        {
            await queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await foreach (var queue in queues.GetQueuesAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await queues.GetQueueClient(queue.Name).ClearMessagesAsync(cancellationToken).ConfigureAwait(false);
        }

        var tables = new TableServiceClient(connectionString);
        var names = new List<string>();
        await foreach (var table in tables.QueryAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            names.Add(table.Name);
        }

        foreach (string name in names)
        {
            await tables.DeleteTableAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every queue infra/ declares, as a deployment has them: the host polls every queue a trigger names, and a missing
    /// one costs a 404 and a warning per poll, which a deployed app never pays (and which eats a small CPU share).
    /// </summary>
    public static async Task CreateDeclaredQueuesAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var queues = new QueueServiceClient(connectionString);
        foreach (string name in new[] { QueueNames.Events, QueueNames.Poison, QueueNames.PoisonOfPoison, QueueNames.Jobs, QueueNames.JobsPoison, QueueNames.Erasures, QueueNames.ErasuresPoison })
        {
            await queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
