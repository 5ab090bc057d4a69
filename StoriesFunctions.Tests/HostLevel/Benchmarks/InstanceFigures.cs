using System.Globalization;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>A Flex Consumption instance size: its memory, which the bill multiplies by time, and its typical CPU share.</summary>
internal sealed record InstanceSize(int MemoryMB, double Cores)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{MemoryMB} MB ({Cores:0.##} core)");
}

/// <summary>An instance size with settings over the deployed ones (e.g. a GC setting), and a name for the tables.</summary>
internal sealed record InstanceVariant(InstanceSize Size, string Name, IReadOnlyDictionary<string, string?> Settings)
{
    public override string ToString() => Name;
}

/// <summary>
/// One webhook call: from sending to the whole answer read, its status, and the CPU host and worker spent meanwhile.
/// The app answers 503 when the queue write would pass 4 s (Segment then retries), so a fast answer can still be a
/// refusal. CPU ÷ the quota's cores is the least the answer can take under that quota, whatever else runs on the machine.
/// </summary>
internal sealed record WebhookCall(double Ms, int Status, double CpuMs)
{
    public bool Accepted => Status == 200;

    public override string ToString() => Accepted
        ? Ms.ToString("0", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Ms:0} ({Status})");
}

/// <summary>
/// The webhook's lifetime: from <c>func start</c> to <c>Running</c>, the first 4,000-event call after it, the warm calls
/// after two more, the instance's memory peaks, how often the quota held it back, and the cores it got during the calls
/// (<paramref name="CoresUsed"/>: host and worker CPU ÷ wall time; below the quota when the machine was busy).
/// </summary>
internal sealed record IngestFigures(
    TimeSpan Start, WebhookCall Cold, IReadOnlyList<WebhookCall> Warm, MemoryPeak Memory, CpuThrottling Throttling, double CoresUsed, string HostGc, string WorkerGc)
{
    public double WarmMedianMs => Support.PairedRuns.Median(Warm.Select(c => c.Ms));

    public double WarmWorstMs => Warm.Max(c => c.Ms);

    public double WarmCpuMedianMs => Support.PairedRuns.Median(Warm.Select(c => c.CpuMs));

    /// <summary>Share of the warm calls answered 200 (all events queued).</summary>
    public double WarmAccepted => Warm.Count(c => c.Accepted) / (double)Warm.Count;
}

/// <summary>
/// The delivery's lifetime: a backlog of <paramref name="Events"/> in <paramref name="Messages"/> queue messages drained
/// from Stories' first call to its last acceptance (<paramref name="Drain"/>), the time with at least one invocation
/// running (<paramref name="Active"/>: what Flex Consumption bills), host and worker CPU from <c>Running</c> until the
/// queue is empty and the cores that makes (<paramref name="CoresUsed"/>), memory peaks and throttling.
/// </summary>
internal sealed record DrainFigures(
    TimeSpan Start, int Events, int Messages, TimeSpan Drain, TimeSpan Active, TimeSpan Cpu, double CoresUsed, MemoryPeak Memory, CpuThrottling Throttling)
{
    public double EventsPerSecond => Events / Drain.TotalSeconds;

    /// <summary>Billed time per 100 events: the active time divided by hundreds of events.</summary>
    public double ActiveSecondsPer100 => Active.TotalSeconds / (Events / 100.0);

    public double CpuSecondsPer100 => Cpu.TotalSeconds / (Events / 100.0);
}

/// <summary>One variant measured once: both lifetimes, and the load average around them (other work on the machine).</summary>
internal sealed record InstanceRun(InstanceVariant Variant, int Round, IngestFigures Ingest, DrainFigures Drain, string Load);
