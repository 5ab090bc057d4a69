using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// <see cref="Azurite"/> behind one <see cref="StorageCountingProxy"/> per endpoint: give the hosts
/// <see cref="ConnectionString"/>, and every storage request they make is counted; the recorder's own clients use
/// Azurite directly and are not.
/// </summary>
internal sealed class CountedStorage : IAsyncDisposable
{
    private readonly StorageCountingProxy[] proxies;

    private CountedStorage(StorageCountingProxy blob, StorageCountingProxy queue, StorageCountingProxy table)
    {
        proxies = [blob, queue, table];
        ConnectionString = Azurite.BuildConnectionString(blob.Port, queue.Port, table.Port);
    }

    public string ConnectionString { get; }

    /// <summary>Every request so far, of all three services, in time order.</summary>
    public IReadOnlyList<StorageRequest> Requests => proxies.SelectMany(p => p.Requests).OrderBy(r => r.At).ToList();

    public static CountedStorage Start(Azurite azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        return new CountedStorage(
            StorageCountingProxy.Start(StorageService.Blob, azurite.BlobPort),
            StorageCountingProxy.Start(StorageService.Queue, azurite.QueuePort),
            StorageCountingProxy.Start(StorageService.Table, azurite.TablePort));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in proxies)
        {
            await proxy.DisposeAsync();
        }
    }
}
