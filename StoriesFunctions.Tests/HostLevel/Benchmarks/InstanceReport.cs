using System.Globalization;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// Prints <see cref="InstanceRun"/>s: one row per run as it ends, then per figure each variant's median over the rounds
/// with its range, and its ratio to a baseline variant, paired by round (median and range of the per-round ratios).
/// </summary>
internal static class InstanceReport
{
    private static readonly (string Name, Func<InstanceRun, double> Value)[] Figures =
    [
        ("webhook: func start to Running, s", r => r.Ingest.Start.TotalSeconds),
        ("webhook: first 4,000-event call after start (cold), ms", r => r.Ingest.Cold.Ms),
        ("webhook: first call answered 200, %", r => r.Ingest.Cold.Accepted ? 100 : 0),
        ("webhook: 4,000-event call, warm median, ms", r => r.Ingest.WarmMedianMs),
        ("webhook: 4,000-event call, warm worst, ms", r => r.Ingest.WarmWorstMs),
        ("webhook: warm calls answered 200, %", r => r.Ingest.WarmAccepted * 100),
        ("webhook: host + worker CPU, cold call, ms", r => r.Ingest.Cold.CpuMs),
        ("webhook: host + worker CPU, warm call (median), ms", r => r.Ingest.WarmCpuMedianMs),
        ("webhook: warm CPU ÷ the quota's cores: the answer's floor, ms", r => r.Ingest.WarmCpuMedianMs / r.Variant.Size.Cores),
        ("webhook: host + worker peak RSS, MiB", r => Mib(r.Ingest.Memory.HostAndWorker)),
        ("webhook: worker peak RSS, MiB", r => Mib(r.Ingest.Memory.Worker)),
        ("webhook: host + worker RSS at Running, MiB", r => Mib(r.Ingest.Memory.AtStart)),
        ("webhook: file pages both map (counted twice above), MiB", r => Mib(r.Ingest.Memory.SharedFiles)),
        ("webhook: periods throttled, %", r => r.Ingest.Throttling.ThrottledShare * 100),
        ("webhook: cores used during the calls", r => r.Ingest.CoresUsed),
        ("delivery: func start to Running, s", r => r.Drain.Start.TotalSeconds),
        ("delivery: events/s", r => r.Drain.EventsPerSecond),
        ("delivery: active (billed) s per 100 events", r => r.Drain.ActiveSecondsPer100),
        ("delivery: host + worker CPU s per 100 events", r => r.Drain.CpuSecondsPer100),
        ("delivery: host + worker peak RSS, MiB", r => Mib(r.Drain.Memory.HostAndWorker)),
        ("delivery: worker peak RSS, MiB", r => Mib(r.Drain.Memory.Worker)),
        ("delivery: file pages both map (counted twice above), MiB", r => Mib(r.Drain.Memory.SharedFiles)),
        ("delivery: periods throttled, %", r => r.Drain.Throttling.ThrottledShare * 100),
        ("delivery: cores used while draining", r => r.Drain.CoresUsed),
    ];

    public static void PrintHeader()
    {
        TestContext.Out.WriteLine("| variant | round | start s | cold ms (status if not 200) | warm ms (7 calls); CPU ms cold, warm median | webhook peak RSS host+worker / worker / sampled sum MiB | throttled, cores used | GC host; worker "
            + "| delivery start s | events, messages | drain s | events/s | active s | CPU s | delivery peak RSS host+worker / worker / sampled sum MiB | throttled, cores used | load before → after |");
        TestContext.Out.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    }

    /// <summary>Prints the run's row, also to the progress stream at once: a full run takes most of an hour.</summary>
    public static void PrintRow(InstanceRun run)
    {
        var (i, d) = (run.Ingest, run.Drain);
        string row = string.Create(CultureInfo.InvariantCulture,
            $"| {run.Variant} | {run.Round} | {i.Start.TotalSeconds:0.0} | {i.Cold} | {string.Join(", ", i.Warm)}; CPU {i.Cold.CpuMs:0}, {i.WarmCpuMedianMs:0} "
            + $"| {Peaks(i.Memory)} | {i.Throttling.ThrottledShare:P0}, {i.CoresUsed:0.00} | {i.HostGc}; {i.WorkerGc} "
            + $"| {d.Start.TotalSeconds:0.0} | {d.Events}, {d.Messages} | {d.Drain.TotalSeconds:0.0} | {d.EventsPerSecond:0} | {d.Active.TotalSeconds:0.0} | {d.Cpu.TotalSeconds:0.0} "
            + $"| {Peaks(d.Memory)} | {d.Throttling.ThrottledShare:P0}, {d.CoresUsed:0.00} | {run.Load} |");
        TestContext.Out.WriteLine(row);
        TestContext.Progress.WriteLine(row);
    }

    /// <summary>Per figure: each variant's median (min–max) over rounds, and each variant ÷ <paramref name="baseline"/> paired by round.</summary>
    public static void PrintSummary(IReadOnlyList<InstanceRun> runs, InstanceVariant baseline)
    {
        var variants = runs.Select(r => r.Variant).Distinct().ToList();
        var others = variants.Where(v => v != baseline).ToList();
        TestContext.Out.WriteLine($"| figure | {string.Join(" | ", variants)} | {string.Join(" | ", others.Select(v => $"{v} ÷ {baseline}, paired by round"))} |");
        TestContext.Out.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---|", variants.Count + others.Count))}");
        foreach (var (name, value) in Figures)
        {
            var cells = variants.Select(v => Spread(runs.Where(r => r.Variant == v).Select(value).ToList(), ""));
            var ratios = others.Select(v => Spread(Ratios(runs, v, baseline, value), "×"));
            TestContext.Out.WriteLine($"| {name} | {string.Join(" | ", cells)} | {string.Join(" | ", ratios)} |");
        }
    }

    private static List<double> Ratios(IReadOnlyList<InstanceRun> runs, InstanceVariant variant, InstanceVariant baseline, Func<InstanceRun, double> value) =>
        runs.Where(r => r.Variant == variant)
            .Join(runs.Where(r => r.Variant == baseline), r => r.Round, r => r.Round, (v, b) => value(v) / value(b))
            .Where(double.IsFinite) // a baseline of 0 (e.g. never throttled) has no ratio
            .ToList();

    /// <summary>"412 (401–430)": the median and the range; a single value alone.</summary>
    private static string Spread(List<double> values, string unit) => values.Count switch
    {
        0 => "–",
        1 => Format(values[0], unit),
        _ => $"{Format(Median(values), unit)} ({Format(values.Min(), "")}–{Format(values.Max(), unit)})",
    };

    /// <summary>The middle value, or the mean of the two middle ones: with two rounds, nearest rank would show the lower.</summary>
    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Format(double value, string unit) =>
        (unit == "×" || Math.Abs(value) < 10 ? value.ToString("0.00", CultureInfo.InvariantCulture) : value.ToString("0", CultureInfo.InvariantCulture)) + unit;

    private static string Peaks(MemoryPeak peak) =>
        string.Create(CultureInfo.InvariantCulture, $"{Mib(peak.HostAndWorker):0} / {Mib(peak.Worker):0} / {Mib(peak.SampledSum):0} (at Running {Mib(peak.AtStart):0}, both map {Mib(peak.SharedFiles):0})");

    private static double Mib(long bytes) => bytes / 1048576.0;
}
