namespace StoriesFunctions.Tests.Support;

/// <summary>
/// <see cref="Azurite"/> behind one <see cref="FaultProxy"/> per endpoint, so a test can cut all of the app's storage,
/// or only its tables, while its own clients keep talking to Azurite directly and watch.
/// </summary>
public sealed class StorageFaultProxy : IAsyncDisposable
{
    private StorageFaultProxy(FaultProxy blob, FaultProxy queue, FaultProxy table)
    {
        (Blob, Queue, Table) = (blob, queue, table);
        ConnectionString = Azurite.BuildConnectionString(blob.Port, queue.Port, table.Port);
    }

    public FaultProxy Blob { get; }

    public FaultProxy Queue { get; }

    public FaultProxy Table { get; }

    /// <summary>The emulator's connection string with the proxies' ports: give it to the app, not to the test's clients.</summary>
    public string ConnectionString { get; }

    private IEnumerable<FaultProxy> All => [Blob, Queue, Table];

    public static StorageFaultProxy Start(Azurite azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        return new StorageFaultProxy(FaultProxy.Start(azurite.BlobPort), FaultProxy.Start(azurite.QueuePort), FaultProxy.Start(azurite.TablePort));
    }

    /// <summary>Cuts blob, queue and table at once.</summary>
    public void CutAll()
    {
        foreach (var proxy in All)
        {
            proxy.Cut();
        }
    }

    public void RestoreAll()
    {
        foreach (var proxy in All)
        {
            proxy.Restore();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in All)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
    }
}
