using System.Globalization;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// Flex Consumption's instance sizes under the real host (<c>func start</c>), each as its CPU share: a cgroup CFS quota
/// on the host and its worker (<see cref="CpuQuota"/>). Per size and round: the webhook's answer time for 4,000-event
/// arrays (cold and warm) against Segment's 5 s, the instance's peak resident memory while ingesting and while draining
/// a backlog with Stories answering in about 80 ms, and delivery's events/s, billed time and CPU per 100 events.
/// Sizes alternate order every round. A benchmark: it prints figures, runs only when asked, and is skipped where the
/// cgroup cannot be written (docs/costs/instance-size.md has the command and the results).
/// </summary>
[Explicit("A benchmark: run it with --filter FullyQualifiedName~InstanceSizeBenchmark (docs/costs/instance-size.md)")]
[Category("HostBenchmark")]
[NonParallelizable]
public class InstanceSizeBenchmark
{
    // Typical cores per size: https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#instance-memory
    private static readonly InstanceSize Small = new(512, 0.25);
    private static readonly InstanceSize Default = new(2048, 1);
    private static readonly InstanceSize Large = new(4096, 2);

    private static readonly Dictionary<string, string?> AsDeployed = [];

    // GC settings an app setting can carry: Azure passes app settings to host and worker as environment variables, and so
    // does the harness, so each applies to both processes. Server or workstation GC is no choice under these quotas: with
    // one core or less the runtime runs workstation GC whatever it is asked (the rows print what it chose).
    private static readonly InstanceVariant[] GcVariants =
    [
        new(Small, "as deployed", AsDeployed),
        new(Small, "GCConserveMemory=7", new Dictionary<string, string?> { ["DOTNET_GCConserveMemory"] = "7" }),
        new(Small, "GCgen0MaxBudget=6 MiB", new Dictionary<string, string?> { ["DOTNET_GCgen0MaxBudget"] = "0x600000" }),
        new(Small, "GCHeapHardLimit=160 MiB", new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "0xA000000" }),
    ];

    private static int Rounds(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("BENCH_ROUNDS"), CultureInfo.InvariantCulture, out int rounds) ? rounds : fallback;

    [Test]
    [CancelAfter(5_400_000)]
    public async Task InstanceSizes_UnderTheirCpuShare(CancellationToken cancellationToken)
    {
        // BENCH_SIZES=all adds 4096 MB: 2 cores is the whole of this machine, so it is no quota here.
        InstanceSize[] sizes = Environment.GetEnvironmentVariable("BENCH_SIZES") == "all" ? [Small, Default, Large] : [Small, Default];
        var variants = sizes.Select(size => new InstanceVariant(size, size.ToString(), AsDeployed)).ToList();
        var runs = await RunAsync(variants, Rounds(3), cancellationToken);
        InstanceReport.PrintSummary(runs, baseline: variants.Single(v => v.Size == Default));
    }

    [Test]
    [CancelAfter(5_400_000)]
    public async Task GcSettings_UnderThe512MbShare(CancellationToken cancellationToken)
    {
        // BENCH_GC=GCConserveMemory runs the deployed settings and the variants whose name contains it.
        string? only = Environment.GetEnvironmentVariable("BENCH_GC");
        var variants = GcVariants.Where(v => v.Settings == AsDeployed || only is null || v.Name.Contains(only, StringComparison.Ordinal)).ToList();
        var runs = await RunAsync(variants, Rounds(2), cancellationToken);
        InstanceReport.PrintSummary(runs, baseline: variants[0]);
    }

    private static async Task<List<InstanceRun>> RunAsync(List<InstanceVariant> variants, int rounds, CancellationToken cancellationToken)
    {
        using var quota = CpuQuota.CreateOrSkip("stories-instance", variants[0].Size.Cores);
        await using var capture = new TelemetryCapture();
        var settings = new Dictionary<string, string?>
        {
            ["Segment__SharedSecret"] = SampleEvents.SharedSecret,
            ["AzureFunctionsJobHost__logging__logLevel__Function"] = null, // host.json's levels, as deployed
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = capture.ConnectionString, // telemetry as deployed; also times invocations
            ["AzureFunctionsJobHost__logging__applicationInsights__samplingSettings__isEnabled"] = "false", // every invocation counted
        };
        await using var cluster = await HostCluster.StartAsync(1, settings, cpuQuota: quota, cancellationToken: cancellationToken);
        await HostStorage.CreateDeclaredQueuesAsync(cluster.StorageConnectionString, cancellationToken);
        cluster.Stories.FailAll(StoriesReply.Delay(TimeSpan.FromMilliseconds(80)));
        var instance = new InstanceUnderQuota(cluster, quota, capture, new Dictionary<string, string?>(cluster[0].Settings));

        TestContext.Out.WriteLine($"{Environment.ProcessorCount} cores; quota group {quota.Directory}; {rounds} rounds of {string.Join(", ", variants)}");
        InstanceReport.PrintHeader();
        var runs = new List<InstanceRun>();
        for (int round = 0; round < rounds; round++)
        {
            // Every other round in reverse: a drift in the machine's load then falls on every variant alike.
            foreach (var variant in round % 2 == 0 ? variants : Enumerable.Reverse(variants))
            {
                string load = LoadAverage();
                var ingest = await instance.IngestAsync(variant, cancellationToken);
                var drain = await instance.DrainAsync(variant, cancellationToken);
                var run = new InstanceRun(variant, round, ingest, drain, $"{load} → {LoadAverage()}");
                InstanceReport.PrintRow(run);
                runs.Add(run);
            }
        }

        return runs;
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
