using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Queues;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// N instances of the app under the real host (scale-out as Azure does it: competing consumers of one queue) on one
/// shared Azurite, with emptied queues and tables, and one <see cref="StoriesStandIn"/>. Disposing stops every host,
/// then the stand-in.
/// </summary>
public sealed class HostCluster : IAsyncDisposable
{
    public const string ApiKey = "test-key";

    private readonly List<FunctionsHost> hosts = [];
    private readonly StorageFaultProxy? storageProxy;
    private int disposed;

    private HostCluster(Azurite azurite, StoriesStandIn stories, StorageFaultProxy? storageProxy)
    {
        StorageConnectionString = azurite.ConnectionString;
        Stories = stories;
        this.storageProxy = storageProxy;
        Events = azurite.HostQueueClient(QueueNames.Events);
        Poison = azurite.HostQueueClient(QueueNames.Poison);
    }

    public IReadOnlyList<FunctionsHost> Hosts => hosts;

    public FunctionsHost this[int index] => hosts[index];

    public StoriesStandIn Stories { get; }

    /// <summary>Azurite itself, for the test's own clients: never behind the <see cref="StorageProxy"/>.</summary>
    public string StorageConnectionString { get; }

    /// <summary>The proxies the hosts reach storage through, for cutting it; only when started with <c>throughFaultProxy</c>.</summary>
    public StorageFaultProxy StorageProxy =>
        storageProxy ?? throw new InvalidOperationException("This cluster's hosts talk to Azurite directly: start it with throughFaultProxy: true.");

    /// <summary><c>segment-events</c>, read in the host's encoding.</summary>
    public QueueClient Events { get; }

    /// <summary><c>segment-events-poison</c>, read in the host's encoding.</summary>
    public QueueClient Poison { get; }

    /// <summary>
    /// The settings every instance gets: shared storage, the stand-in, and retry delays short enough for tests.
    /// </summary>
    public static Dictionary<string, string?> CommonSettings(string storageConnectionString, Uri storiesBaseUrl) => new()
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
        ["AzureWebJobsStorage"] = storageConnectionString,
        ["Stories__ApiKey"] = ApiKey,
        ["Stories__BaseUrl"] = storiesBaseUrl.AbsoluteUri,
        ["Stories__QuickRetryDelay"] = "00:00:00.100",
        ["Stories__RateLimit"] = "100000/1s",
        ["Segment__AllowUnsignedCalls"] = "true",
        ["Erasure__HashKey"] = "test-erasure-hash-key-0123456789abcdef",
        ["Operators__LocalDevelopment"] = "true",

        // host.json keeps the host's per-invocation lines (and the worker's Information lines it relays) to warnings,
        // for the telemetry bill; the tests read some of those lines in the host's output.
        ["AzureFunctionsJobHost__logging__logLevel__Function"] = "Information",
        ["Delivery__InitialRetryDelay"] = "00:00:01",
        ["Delivery__MaxRetryDelay"] = "00:00:03",
    };

    /// <summary>
    /// Resets the app's storage, then starts <paramref name="instances"/> hosts in parallel with
    /// <see cref="CommonSettings"/>, <paramref name="settings"/> over them, and <paramref name="instanceSettings"/>
    /// (given the instance index) over those; a null value removes a setting. <paramref name="withBaseline"/> serves the
    /// app built with the benchmark's bare enqueue function. <paramref name="throughFaultProxy"/> puts a
    /// <see cref="StorageFaultProxy"/> between the hosts and Azurite (see <see cref="StorageProxy"/>). <paramref name="cpuQuota"/>
    /// runs every host in that CPU group. Skips the test when <c>func</c> is missing.
    /// </summary>
    public static async Task<HostCluster> StartAsync(
        int instances = 2,
        IReadOnlyDictionary<string, string?>? settings = null,
        Func<int, IReadOnlyDictionary<string, string?>?>? instanceSettings = null,
        bool withBaseline = false,
        bool throughFaultProxy = false,
        CpuQuota? cpuQuota = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        FuncCli.RequireOrSkip();
        string app = await (withBaseline ? AppBuild.OutputWithBaselineAsync(cancellationToken) : AppBuild.OutputAsync(cancellationToken)).ConfigureAwait(false);
        var azurite = await Azurite.EnsureStartedAsync().ConfigureAwait(false);
        await HostStorage.ResetAsync(azurite.ConnectionString, cancellationToken).ConfigureAwait(false);

        var proxy = throughFaultProxy ? StorageFaultProxy.Start(azurite) : null;
        var cluster = new HostCluster(azurite, await StoriesStandIn.StartAsync().ConfigureAwait(false), proxy);
        int[] ports = FreePorts.Take(instances);
        var starting = Enumerable.Range(0, instances)
            .Select(i => FunctionsHost.StartAsync(app, cluster.SettingsFor(i, settings, instanceSettings), ports[i], cpuQuota, cancellationToken))
            .ToList();
        try
        {
            await Task.WhenAll(starting).ConfigureAwait(false);
        }
        catch
        {
            // Instances that did start must stop too; the first failure carries the failing host's output.
            cluster.hosts.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        cluster.hosts.AddRange(starting.Select(t => t.Result));
        foreach (var host in cluster.hosts)
        {
            TestContext.Out.WriteLine($"{host}: Running after {host.StartupTime.TotalSeconds:0.0} s");
        }

        return cluster;
    }

    /// <summary>
    /// Waits until <c>segment-events</c> holds no message at all, visible or not: every invocation has finished and
    /// nothing is scheduled for a retry. Throws <see cref="TimeoutException"/> with the count still there.
    /// </summary>
    public async Task WaitUntilEventsQueueEmptyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var properties = await Events.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            int count = properties.Value.ApproximateMessagesCount;
            if (count == 0)
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{QueueNames.Events} still held {count} message(s) after {timeout}."));
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await Task.WhenAll(hosts.Select(h => h.DisposeAsync().AsTask())).ConfigureAwait(false);
        await Stories.DisposeAsync().ConfigureAwait(false);
        if (storageProxy is not null)
        {
            await storageProxy.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var host in hosts)
        {
            host.Output.SaveForTest(string.Create(CultureInfo.InvariantCulture, $"host-{host.Port}"));
        }
    }

    private Dictionary<string, string?> SettingsFor(
        int instance, IReadOnlyDictionary<string, string?>? settings, Func<int, IReadOnlyDictionary<string, string?>?>? instanceSettings)
    {
        var merged = CommonSettings(storageProxy?.ConnectionString ?? StorageConnectionString, Stories.BaseUrl);
        var overrides = new[] { settings, instanceSettings?.Invoke(instance) };
        foreach (var (name, value) in overrides.SelectMany(o => o ?? Enumerable.Empty<KeyValuePair<string, string?>>()))
        {
            merged[name] = value;
        }

        return merged;
    }
}
