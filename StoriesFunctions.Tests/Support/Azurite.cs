using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Queues;
using NUnit.Framework.Internal;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// The Azure Storage emulators of the test run: one shared by the in-process integration tests, and one for each lane
/// with storage of its own (the host-level tests, which empty every queue and delete every table before each cluster
/// starts; see <see cref="LaneAttribute"/>). The first caller of the shared one either adopts an Azurite already
/// listening on the default ports (10000-10002, e.g. one a developer keeps running) or starts its own on free ports; a
/// lane's always starts on free ports. The assembly-level <c>TestRunFixture</c> stops what was started.
/// </summary>
public sealed class Azurite
{
    // The development-storage account and key are public and identical in every emulator.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // The emulator shared by tests outside lanes with storage of their own, which adopts one a developer keeps running;
    // and one per lane with storage of its own (see LaneAttribute), on free ports.
    private static readonly Slot Shared = new(adoptDefaultPorts: true);
    private static readonly ConcurrentDictionary<Type, Slot> Lanes = new();

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

    /// <summary>
    /// The emulator of the calling test's lane when that lane has storage of its own (<see cref="LaneAttribute.OwnStorage"/>),
    /// else the shared one: started (or adopted) once per test run; safe to call from any test.
    /// </summary>
    public static Task<Azurite> EnsureStartedAsync()
    {
        var lane = LaneAttribute.WithOwnStorage(TestExecutionContext.CurrentContext.CurrentTest);
        return (lane is null ? Shared : Lanes.GetOrAdd(lane, _ => new Slot(adoptDefaultPorts: false))).EnsureStartedAsync();
    }

    /// <summary>Stops the emulators this run started; an adopted one is left running.</summary>
    public static async Task StopAsync()
    {
        await Shared.StopAsync().ConfigureAwait(false);
        foreach (var lane in Lanes.Values)
        {
            await lane.StopAsync().ConfigureAwait(false);
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

    /// <summary>One emulator, started by its first caller; a failed start fails every later caller at once instead of each
    /// waiting out the time-out again.</summary>
    private sealed class Slot(bool adoptDefaultPorts)
    {
        private readonly Lock gate = new();
        private Task<Azurite>? starting;

        public Task<Azurite> EnsureStartedAsync()
        {
            lock (gate)
            {
                return starting ??= StartAsync();
            }
        }

        public async Task StopAsync()
        {
            Task<Azurite>? started;
            lock (gate)
            {
                (started, starting) = (starting, null);
            }

            if (started is not null)
            {
                try
                {
                    (await started.ConfigureAwait(false)).process?.Dispose();
                }
                catch (InvalidOperationException)
                {
                    // It never started: nothing to stop.
                }
            }
        }

        private async Task<Azurite> StartAsync()
        {
            if (adoptDefaultPorts && await AzuriteProcess.AllAcceptAsync([10000, 10001, 10002]).ConfigureAwait(false))
            {
                return new Azurite(10000, 10001, 10002, process: null);
            }

            int[] ports = FreePorts.Take(3);
            AzuriteProcess started = await AzuriteProcess.StartAsync(ports[0], ports[1], ports[2]).ConfigureAwait(false);
            return new Azurite(ports[0], ports[1], ports[2], started);
        }
    }
}
