namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// The resident memory of one instance, the processes of a <see cref="CpuQuota"/> group (the host and its worker), over
/// one host lifetime: the kernel's per-process peaks (<c>VmHWM</c>) and the largest sum of <c>VmRSS</c> seen every 50 ms.
/// The sum of the peaks is the figure to hold against the instance's memory: it is never below the true peak of the sum,
/// and the sampled sum says how far above it may be. Both count twice the file pages that host and worker both map (the
/// .NET runtime's files), which a memory cgroup charges once; <see cref="MemoryPeak.SharedFiles"/> says how much that is,
/// and <see cref="MemoryPeak.AtStart"/> what the instance held when it began serving.
/// </summary>
internal sealed class InstanceMemory : IAsyncDisposable
{
    private readonly CpuQuota group;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task sampling;
    private readonly long atStart;
    private long sampledPeak;

    private InstanceMemory(CpuQuota group)
    {
        this.group = group;
        atStart = ResidentSum();
        sampling = Task.Run(SampleAsync);
    }

    /// <summary>Starts sampling the group's processes; start it once the host is running.</summary>
    public static InstanceMemory Watch(CpuQuota group) => new(group);

    /// <summary>The processes in the group now (the host and its worker).</summary>
    public static IReadOnlyList<WorkerProcess> Processes(CpuQuota group) => group.Processes().Select(pid => new WorkerProcess(pid)).ToList();

    /// <summary>Host and worker together, and the worker alone, as peaked so far.</summary>
    public MemoryPeak Peak()
    {
        var processes = Processes(group);
        long worker = processes.Where(p => !Read(() => p.IsHost, true)).Sum(p => Read(() => p.PeakResidentBytes, 0L));
        long all = processes.Sum(p => Read(() => p.PeakResidentBytes, 0L));
        return new MemoryPeak(all, worker, Interlocked.Read(ref sampledPeak), atStart, SharedFiles(processes));
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await sampling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped between two samples.
        }

        stopping.Dispose();
    }

    /// <summary>Per file mapped by more than one process, the resident bytes beyond the largest mapping: what a sum counts twice.</summary>
    private static long SharedFiles(IReadOnlyList<WorkerProcess> processes)
    {
        var maps = processes.Select(p => Read(p.ResidentByFile, [])).ToList();
        return maps.SelectMany(m => m.Keys).Distinct(StringComparer.Ordinal)
            .Select(file => maps.Select(m => m.GetValueOrDefault(file)).ToList())
            .Sum(bytes => bytes.Sum() - bytes.Max());
    }

    private long ResidentSum() => Processes(group).Sum(p => Read(() => p.ResidentBytes, 0L));

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        do
        {
            long sum = ResidentSum();
            if (sum > Interlocked.Read(ref sampledPeak))
            {
                Interlocked.Exchange(ref sampledPeak, sum);
            }
        }
        while (await timer.WaitForNextTickAsync(stopping.Token).ConfigureAwait(false));
    }

    // A process that ended between listing and reading (a worker the host restarts) counts as nothing.
    private static T Read<T>(Func<T> read, T gone)
    {
        try
        {
            return read();
        }
        catch (IOException)
        {
            return gone;
        }
    }
}

/// <summary>
/// Resident memory of one host lifetime, bytes: host and worker (sum of their peaks), the worker alone, the largest
/// sampled sum, the sum when the lifetime began serving, and the file pages both map (counted twice in the sums), read at the end.
/// </summary>
internal sealed record MemoryPeak(long HostAndWorker, long Worker, long SampledSum, long AtStart, long SharedFiles);
