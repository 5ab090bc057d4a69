using System.Diagnostics;
using System.Globalization;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// Ingest latency under the real host (<c>func start</c>), against a bare enqueue function in the same host and worker
/// (<c>StoriesFunctions/Baseline/BareEnqueueFunction.cs</c>: read the body, cut it into envelope-sized pieces, write them; nothing else).
/// Cold: the first request of a freshly started host, with the worker's resident memory before it and at its peak.
/// Warm: alternating pairs, single 1 KB events and 4,000-event arrays. A benchmark, not a test: it prints figures,
/// asserts only that everything was queued, and runs only when asked (docs/performance.md has the command).
/// </summary>
[Explicit("A benchmark: run it with --filter Category=HostBenchmark (docs/performance.md)")]
[Category("HostBenchmark")]
[NonParallelizable]
public class IngestUnderHostBenchmark
{
    private const int SinglePairs = 300;
    private const int BatchPairs = 20;
    private const int ColdRounds = 2;

    [Test]
    [CancelAfter(1_200_000)]
    public async Task Ingest_AgainstBareEnqueueInTheSameHost(CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Segment__SharedSecret"] = SampleEvents.SharedSecret,
            ["AzureWebJobs.DeliverEvents.Disabled"] = "true", // ingest alone: nothing else competes for the 2 cores
            ["AzureFunctionsJobHost__logging__logLevel__Function"] = null, // host.json's levels, as deployed
        };
        await using var cluster = await HostCluster.StartAsync(1, settings, withBaseline: true, cancellationToken: cancellationToken);
        var host = cluster[0];
        string app = await AppBuild.OutputWithBaselineAsync(cancellationToken);
        var bare = new Azure.Storage.Queues.QueueClient(cluster.StorageConnectionString, "bare-enqueue");
        var single = SampleEvents.SingleBody("host-single", 0);
        var batch = SampleEvents.ArrayBody("host-batch", SampleEvents.BatchSize);
        var endpoints = new[] { ("webhook", "api/segment"), ("bare enqueue", "api/bare-enqueue") };

        TestContext.Out.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");
        TestContext.Out.WriteLine("| first request after start | endpoint | latency | worker resident before | worker peak | peak − before | body |");
        TestContext.Out.WriteLine("|---|---|---|---|---|---|---|");
        for (int round = 0; round < ColdRounds; round++)
        {
            foreach (var (body, size) in new[] { (single, "1 KB event"), (batch, "4,000 events") })
            {
                foreach (var (name, path) in round % 2 == 0 ? endpoints : endpoints.Reverse())
                {
                    await host.RestartAsync(cancellationToken: cancellationToken);
                    var worker = await WaitForWorkerAsync(app, cancellationToken);
                    long before = worker.ResidentBytes;
                    double ms = await PostAsync(host, path, body, cancellationToken);
                    long peak = worker.PeakResidentBytes;
                    TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {size} | {name} | {ms:0} ms | {Mib(before)} | {Mib(peak)} | {Mib(peak - before)} ({(peak - before) / (double)body.Length:0.0}× body) | {body.Length / 1024.0:0.0} KiB |"));
                }
            }
        }

        await cluster.Events.ClearMessagesAsync(cancellationToken);
        await bare.ClearMessagesAsync(cancellationToken);
        await OversizeAsync(host, app, cancellationToken);
        var singles = new PairedRuns();
        var batches = new PairedRuns();
        for (int i = 0; i < 30; i++)
        {
            await PostAsync(host, "api/segment", SampleEvents.SingleBody("warm", i), cancellationToken);
            await PostAsync(host, "api/bare-enqueue", single, cancellationToken);
        }

        for (int i = 0; i < SinglePairs; i++)
        {
            var body = SampleEvents.SingleBody("pairs", i);
            await MeasurePairAsync(host, singles, body, single, appFirst: i % 2 == 0, cancellationToken);
        }

        for (int i = -2; i < BatchPairs; i++)
        {
            var body = SampleEvents.ArrayBody($"batch{i + 2}", SampleEvents.BatchSize);
            var scratch = i < 0 ? new PairedRuns() : batches; // the first two pairs warm up
            await MeasurePairAsync(host, scratch, body, batch, appFirst: i % 2 == 0, cancellationToken);
            await cluster.Events.ClearMessagesAsync(cancellationToken);
            await bare.ClearMessagesAsync(cancellationToken);
        }

        TestContext.Out.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
        TestContext.Out.WriteLine("| warm figure | webhook p50 | p99 | bare enqueue p50 | p99 | ratios |");
        TestContext.Out.WriteLine("|---|---|---|---|---|---|");
        Print("1 KB event", singles);
        Print("4,000-event array (4.3 MiB)", batches);
    }

    /// <summary>
    /// A 48 MiB body, over Segment__MaxBodyBytes (8 MiB) and under the host's own limit (100 MB): how long until the 413,
    /// and how much the worker grew to give it. A worker that refuses from Content-Length before reading grows little;
    /// one that is handed the whole body first grows by the body.
    /// </summary>
    private static async Task OversizeAsync(FunctionsHost host, string app, CancellationToken cancellationToken)
    {
        var body = new byte[48 * 1024 * 1024];
        Array.Fill(body, (byte)' ');
        for (int i = 0; i < 2; i++)
        {
            var worker = await WaitForWorkerAsync(app, cancellationToken);
            long before = worker.PeakResidentBytes;
            var clock = Stopwatch.StartNew();
            string outcome;
            try
            {
                using var response = await host.PostAsync("api/segment", body, cancellationToken: cancellationToken);
                outcome = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException e)
            {
                outcome = $"connection closed ({e.HttpRequestError})";
            }

            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"oversize 48 MiB body: {outcome} after {clock.Elapsed.TotalMilliseconds:0} ms; worker peak {Mib(before)} → {Mib(worker.PeakResidentBytes)}"));
        }
    }

    private static async Task MeasurePairAsync(FunctionsHost host, PairedRuns runs, byte[] appBody, byte[] bareBody, bool appFirst, CancellationToken cancellationToken)
    {
        double app, bare;
        if (appFirst)
        {
            app = await PostAsync(host, "api/segment", appBody, cancellationToken);
            bare = await PostAsync(host, "api/bare-enqueue", bareBody, cancellationToken);
        }
        else
        {
            bare = await PostAsync(host, "api/bare-enqueue", bareBody, cancellationToken);
            app = await PostAsync(host, "api/segment", appBody, cancellationToken);
        }

        runs.Add(app, bare);
    }

    /// <summary>One signed POST, timed from sending to the whole answer read; fails unless the body was queued.</summary>
    private static async Task<double> PostAsync(FunctionsHost host, string path, byte[] body, CancellationToken cancellationToken)
    {
        string signature = SampleEvents.Sign(body);
        var clock = Stopwatch.StartNew();
        using var response = await host.PostAsync(path, body, signature, cancellationToken);
        string answer = await response.Content.ReadAsStringAsync(cancellationToken);
        double ms = clock.Elapsed.TotalMilliseconds;
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{path}: {answer}");
        return ms;
    }

    private static async Task<WorkerProcess> WaitForWorkerAsync(string app, CancellationToken cancellationToken)
    {
        for (int i = 0; i < 100; i++)
        {
            if (WorkerProcess.Find(app) is { } worker)
            {
                return worker;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException($"No worker process of {app} found.");
    }

    private static void Print(string figure, PairedRuns runs) =>
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {figure} | {PairedRuns.Percentile(runs.Measured, 50):0.0} ms | {PairedRuns.Percentile(runs.Measured, 99):0.0} ms | "
            + $"{PairedRuns.Percentile(runs.Bound, 50):0.0} ms | {PairedRuns.Percentile(runs.Bound, 99):0.0} ms | {runs.Describe()} |"));

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");
}
