using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Benchmarks.Load;

/// <summary>
/// A private Azurite (always our own, on free 127.0.0.1 ports: an emulator a developer or a test run shares would
/// mix its messages with ours) and the Stories stand-in. Dispose stops both.
/// </summary>
internal sealed class LocalServices : IAsyncDisposable
{
    // The development-storage account and key are public and identical in every emulator.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly AzuriteProcess _azurite;

    private LocalServices(AzuriteProcess azurite, int[] ports, StoriesStandIn stories)
    {
        _azurite = azurite;
        Stories = stories;
        StorageConnectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{ports[0]}/{AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{ports[1]}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{ports[2]}/{AccountName};");
    }

    public string StorageConnectionString { get; }

    public StoriesStandIn Stories { get; }

    public static async Task<LocalServices> StartAsync()
    {
        var ports = FreePorts(3);
        var azurite = await AzuriteProcess.StartAsync(ports[0], ports[1], ports[2]);
        try
        {
            return new LocalServices(azurite, ports, await StoriesStandIn.StartAsync());
        }
        catch
        {
            azurite.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stories.DisposeAsync();
        _azurite.Dispose();
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }
}
