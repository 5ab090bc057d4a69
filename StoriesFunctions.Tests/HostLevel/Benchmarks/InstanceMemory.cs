namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// The resident memory of one instance, the processes of a <see cref="CpuQuota"/> group (the host and its worker), over
/// one host lifetime: the kernel's per-process peaks (<c>VmHWM</c>) and the largest sum of <c>VmRSS</c> seen every 50 ms.
/// The sum of the peaks is the figure to hold against the instance's memory: it is never below the true peak of the sum,
/// and the sampled sum says how far above it may be.
/// </summary>
internal sealed class InstanceMemory : IAsyncDisposable
{
    private readonly CpuQuota group;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task sampling;
    private long sampledPeak;

    private InstanceMemory(CpuQuota group)
    {
        this.group = group;
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
        return new MemoryPeak(processes.Sum(p => Read(() => p.PeakResidentBytes, 0L)), worker, Interlocked.Read(ref sampledPeak));
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

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        do
        {
            long sum = Processes(group).Sum(p => Read(() => p.ResidentBytes, 0L));
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

/// <summary>Peak resident memory of one host lifetime, bytes: host and worker (sum of their peaks), the worker alone, and the largest sampled sum.</summary>
internal sealed record MemoryPeak(long HostAndWorker, long Worker, long SampledSum);
