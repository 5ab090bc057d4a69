using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Queues;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// The Azure Storage emulator shared by every integration test in the run. The first caller of
/// <see cref="EnsureStartedAsync"/> either adopts an Azurite already listening on the default ports
/// (10000-10002, e.g. one a developer keeps running) or starts its own on free ports; the
/// assembly-level <c>TestRunFixture</c> stops what was started.
/// </summary>
public sealed class Azurite
{
    // The development-storage account and key are public and identical in every emulator.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Azurite? current;
    private static Exception? startFailure;

    private readonly AzuriteProcess? process;

    private Azurite(int blobPort, int queuePort, int tablePort, AzuriteProcess? process)
    {
        this.process = process;
        (BlobPort, QueuePort, TablePort) = (blobPort, queuePort, tablePort);
        ConnectionString = BuildConnectionString(blobPort, queuePort, tablePort);
    }

    /// <summary>Storage connection string with explicit 127.0.0.1 endpoints for blob, queue and table.</summary>
    public string ConnectionString { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>True when this run started Azurite itself rather than adopting a running one.</summary>
    public bool StartedByTests => process is not null;

    /// <summary>
    /// A connection string whose endpoints are a closed 127.0.0.1 port, for "storage is down" tests:
    /// every call fails fast with a refused connection.
    /// </summary>
    public static string UnreachableConnectionString
    {
        get
        {
            int closedPort = FreePorts.Take(1)[0];
            return BuildConnectionString(closedPort, closedPort, closedPort);
        }
    }

    /// <summary>Starts (or adopts) the emulator once per test run; safe to call from any test.</summary>
    public static async Task<Azurite> EnsureStartedAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (current is not null)
            {
                return current;
            }

            // One failed start fails every later caller at once instead of each waiting out the time-out.
            if (startFailure is not null)
            {
                throw new InvalidOperationException($"Azurite failed to start earlier in this test run: {startFailure.Message}", startFailure);
            }

            if (await AzuriteProcess.AllAcceptAsync([10000, 10001, 10002]).ConfigureAwait(false))
            {
                current = new Azurite(10000, 10001, 10002, process: null);
                return current;
            }

            int[] ports = FreePorts.Take(3);
            try
            {
                AzuriteProcess started = await AzuriteProcess.StartAsync(ports[0], ports[1], ports[2]).ConfigureAwait(false);
                current = new Azurite(ports[0], ports[1], ports[2], started);
                return current;
            }
            catch (Exception e)
            {
                startFailure = e;
                throw;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Stops the emulator if this run started it; an adopted one is left running.</summary>
    public static async Task StopAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            current?.process?.Dispose();
            current = null;
            startFailure = null;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// A valid queue name (3-63 chars, lowercase letters, digits, single hyphens) that starts with
    /// <paramref name="prefix"/> and is unique, so tests sharing the emulator never see each other's messages.
    /// </summary>
    public static string UniqueQueueName(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var cleaned = new string(prefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        while (cleaned.Contains("--", StringComparison.Ordinal))
        {
            cleaned = cleaned.Replace("--", "-", StringComparison.Ordinal);
        }

        cleaned = cleaned.Trim('-');
        cleaned = cleaned.Length > 30 ? cleaned[..30].TrimEnd('-') : cleaned;
        string suffix = Guid.NewGuid().ToString("N");
        return cleaned.Length == 0 ? "q" + suffix : cleaned + "-" + suffix;
    }

    /// <summary>
    /// A client for <paramref name="queueName"/> that encodes messages as the Functions queue trigger expects
    /// (Base64); the queue is not created.
    /// </summary>
    public QueueClient HostQueueClient(string queueName) =>
        new(ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>The emulator's connection string with other ports, e.g. a proxy's in front of it.</summary>
    public static string BuildConnectionString(int blobPort, int queuePort, int tablePort) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};");
}
