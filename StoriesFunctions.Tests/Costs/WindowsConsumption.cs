namespace StoriesFunctions.Tests.Costs;

/// <summary>
/// The Consumption plan (Windows, Y1): billed per execution, not per instance.
/// https://azure.microsoft.com/pricing/details/functions/ : "Observed resource consumption is calculated by multiplying
/// average memory size in gigabytes by the time in milliseconds it takes to execute the function. Memory used by a
/// function is measured by rounding up to the nearest 128 MB, up to the maximum memory size of 1,536 MB, with execution
/// time calculated by rounding up to the nearest 1 ms. The minimum execution time and memory for a single function
/// execution is 100 ms and 128 mb respectively." (the last sentences as quoted in the Functions - Compute meter notes,
/// https://learn.microsoft.com/azure-stack/operator/azure-stack-usage-related-faq ).
/// </summary>
/// <remarks>
/// The memory is the process's (host and worker together), sampled; "The calculation takes into account concurrency,
/// which is multiple concurrent function executions in the same process"
/// (https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs). This model bills each execution
/// at the recording's peak, so overlapping executions are an upper bound.
/// </remarks>
public static class WindowsConsumption
{
    public static readonly TimeSpan MinimumExecution = TimeSpan.FromMilliseconds(100);

    public const int MemoryStepMB = 128;

    public const int MaximumMemoryMB = 1_536;

    public static TimeSpan BillableExecution(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var milliseconds = (duration.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        var rounded = TimeSpan.FromMilliseconds(milliseconds);
        return rounded < MinimumExecution ? MinimumExecution : rounded;
    }

    public static int BilledMemoryMB(int usedMB)
    {
        var buckets = (Math.Max(usedMB, 1) + MemoryStepMB - 1) / MemoryStepMB;
        return Math.Min(buckets * MemoryStepMB, MaximumMemoryMB);
    }

    public static Usage Meter(IReadOnlyCollection<Invocation> invocations, int peakMemoryMiB)
    {
        var memoryMB = BilledMemoryMB(peakMemoryMiB);
        var billable = invocations.Select(i => BillableExecution(i.Duration)).ToList();
        var metered = new Metered(
            billable.Count,
            billable.Sum(b => (decimal)b.Ticks) / TimeSpan.TicksPerSecond,
            billable.Sum(b => Metered.GbSecondsOf(b, memoryMB)),
            billable.Count);
        return Usage.Zero with { OnDemand = metered };
    }
}
