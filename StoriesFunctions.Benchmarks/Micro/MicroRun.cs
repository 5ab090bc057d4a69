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
        var ingest = reports.Find(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'') == "ingest");
        var writes = reports.Find(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'') == IngestBenchmarks.ReadyMadeWrites);
        if (parse is null || ingest is null)
        {
            return;
        }

        var parseNs = parse.ResultStatistics!.Mean;
        var ingestNs = ingest.ResultStatistics!.Mean;
        table.Add($"ingest CPU, {category}", $"{ingestNs / 1000:0.00} µs", $"{parseNs / 1000:0.00} µs (parse)", ingestNs / parseNs, "≤ 3× (parse alone)", ingestNs / parseNs <= CpuTarget);
        if (writes is not null)
        {
            // The least work any ingest does: parse the bytes and write the same envelopes through the same client.
            var writesNs = writes.ResultStatistics!.Mean;
            var floorNs = parseNs + writesNs;
            table.Add($"ingest CPU, {category}", $"{ingestNs / 1000:0.00} µs", $"{floorNs / 1000:0.00} µs (parse + ready-made writes)", ingestNs / floorNs, "≤ 1.3× (parse + writes)", ingestNs / floorNs <= 1.3);
            table.Add($"  of which before I/O, {category}", $"{(ingestNs - writesNs) / 1000:0.00} µs", $"{parseNs / 1000:0.00} µs (parse)", (ingestNs - writesNs) / parseNs, "≤ 3×", (ingestNs - writesNs) / parseNs <= CpuTarget);
            table.Add($"  of which SDK writes, {category}", $"{writesNs / 1000:0.00} µs", "—", null, "report", null);
        }

        var allocated = ingest.GcStats.GetBytesAllocatedPerOperation(ingest.BenchmarkCase) ?? 0;
        var parseAllocated = parse.GcStats.GetBytesAllocatedPerOperation(parse.BenchmarkCase) ?? 0;
        table.Add(
            $"ingest allocations, {category}",
            $"{allocated:0} B",
            $"{eventBytes:0} B (event; parse {parseAllocated:0} B)",
            allocated / eventBytes,
            "≤ 2× event",
            allocated / eventBytes <= AllocationTarget);
        if (writes is not null)
        {
            var writesAllocated = writes.GcStats.GetBytesAllocatedPerOperation(writes.BenchmarkCase) ?? 0;
            var floor = writesAllocated + parseAllocated;
            table.Add($"ingest allocations, {category}", $"{allocated:0} B", $"{floor:0} B (parse + ready-made writes)", allocated / floor, "report", null);
        }
    }
}
