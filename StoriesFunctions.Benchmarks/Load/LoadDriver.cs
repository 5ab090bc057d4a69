using System.Diagnostics;

namespace StoriesFunctions.Benchmarks.Load;

/// <summary>
/// The load mode: starts a private Azurite and the Stories stand-in, measures figures 2-4 against their lower bounds
/// and prints the table. Every loop is bounded; everything talks to 127.0.0.1 only.
/// </summary>
internal static class LoadDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        using var azureLog = Environment.GetEnvironmentVariable("BENCH_AZURE_LOG") is null
            ? null
            : Azure.Core.Diagnostics.AzureEventSourceListener.CreateConsoleLogger(System.Diagnostics.Tracing.EventLevel.Warning);
        var table = new ResultTable();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"load driver: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}{(quick ? ", quick mode" : string.Empty)}");
        Console.WriteLine("starting Azurite (npx) and the Stories stand-in on 127.0.0.1 ...");
        await using var services = await LocalServices.StartAsync();
        await using var app = await AppUnderTest.StartAsync(services);

        if (!args.Contains("--delivery-only"))
        {
            GC.Collect();
            process.Refresh();
            var idle = process.WorkingSet64;
            await BatchIngest.RunAsync(app, quick ? 3 : 20, table);
            process.Refresh();
            Console.WriteLine($"process peak working set after batch ingest: {process.PeakWorkingSet64 / 1048576.0:0} MiB, idle before it {idle / 1048576.0:0} MiB");
            await IngestLatency.RunAsync(app, quick ? 100 : 500, table);
        }

        await DeliveryThroughput.RunAsync(app, services, quick ? 400 : 2000, quick ? 2 : args.Contains("--delivery-only") ? 8 : 5, table);
        table.Print();
        return 0;
    }
}
