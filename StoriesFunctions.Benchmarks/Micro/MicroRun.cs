using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StoriesFunctions.Benchmarks.Micro;

/// <summary>Runs <see cref="IngestBenchmarks"/> and prints figure 1 against its targets.</summary>
internal static class MicroRun
{
    private const double CpuTarget = 3.0;
    private const double AllocationTarget = 2.0;

    public static int Run(string[] args)
    {
        // Without a filter BenchmarkSwitcher asks interactively; this run must stop by itself.
        string[] withFilter = args.Contains("--filter") ? args : [.. args, "--filter", "*"];
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroRun).Assembly).Run(withFilter).ToList();
        var table = new ResultTable();
        var arrayEventBytes = (double)SampleEvents.ArrayBody("micro", SampleEvents.BatchSize).Length / SampleEvents.BatchSize;
        foreach (var summary in summaries)
        {
            Add(table, summary, IngestBenchmarks.Single, IngestBenchmarks.SingleEventBytes);
            Add(table, summary, IngestBenchmarks.Array, arrayEventBytes);
        }

        table.Print();
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }

    private static void Add(ResultTable table, Summary summary, string category, double eventBytes)
    {
        var reports = summary.Reports.Where(r => r.BenchmarkCase.Descriptor.Categories.Contains(category) && r.ResultStatistics is not null).ToList();
        var parse = reports.Find(r => r.BenchmarkCase.Descriptor.Baseline);
        var ingest = reports.Find(r => !r.BenchmarkCase.Descriptor.Baseline);
        if (parse is null || ingest is null)
        {
            return;
        }

        var parseNs = parse.ResultStatistics!.Mean;
        var ingestNs = ingest.ResultStatistics!.Mean;
        table.Add($"ingest CPU, {category}", $"{ingestNs / 1000:0.00} µs", $"{parseNs / 1000:0.00} µs (parse)", ingestNs / parseNs, "≤ 3×", ingestNs / parseNs <= CpuTarget);

        var allocated = ingest.GcStats.GetBytesAllocatedPerOperation(ingest.BenchmarkCase) ?? 0;
        var parseAllocated = parse.GcStats.GetBytesAllocatedPerOperation(parse.BenchmarkCase) ?? 0;
        table.Add(
            $"ingest allocations, {category}",
            $"{allocated:0} B",
            $"{eventBytes:0} B (event; parse {parseAllocated:0} B)",
            allocated / eventBytes,
            "≤ 2× event",
            allocated / eventBytes <= AllocationTarget);
    }
}
