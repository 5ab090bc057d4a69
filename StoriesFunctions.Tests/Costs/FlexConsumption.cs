namespace StoriesFunctions.Tests.Costs;

/// <summary>
/// Flex Consumption's period arithmetic. https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#billing :
/// "The minimum billable execution period for both execution modes is 1,000 ms. Past that, the billable activity period
/// is rounded up to the nearest 100 ms." The meter is memory × time at the instance's size, not what the process uses:
/// https://learn.microsoft.com/azure/azure-functions/monitor-functions-reference : "all execution units are calculated
/// by multiplying the fixed instance memory size, such as 512 MB or 2,048 MB, by total execution times, in milliseconds."
/// </summary>
public static class FlexConsumption
{
    public static readonly TimeSpan MinimumPeriod = TimeSpan.FromMilliseconds(1_000);

    public static readonly TimeSpan PeriodRounding = TimeSpan.FromMilliseconds(100);

    /// <summary>"Currently, Flex Consumption offers these instance size options": 512, 2048 (the default) and 4096 MB.</summary>
    public static IReadOnlyList<int> InstanceMemorySizesMB { get; } = [512, 2048, 4096];

    public static TimeSpan BillablePeriod(TimeSpan activity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(activity, TimeSpan.Zero);
        var steps = (activity.Ticks + PeriodRounding.Ticks - 1) / PeriodRounding.Ticks;
        var rounded = TimeSpan.FromTicks(steps * PeriodRounding.Ticks);
        return rounded < MinimumPeriod ? MinimumPeriod : rounded;
    }

    public static int CheckedInstanceMemory(int memoryMB) =>
        InstanceMemorySizesMB.Contains(memoryMB)
            ? memoryMB
            : throw new ArgumentOutOfRangeException(nameof(memoryMB), memoryMB, "Flex Consumption instances have 512, 2048 or 4096 MB.");

    /// <summary>Meters invocations: their activity periods on on-demand instances, and on always-ready ones apart.</summary>
    public static Usage Meter(IReadOnlyCollection<Invocation> invocations, int memoryMB, AlwaysReady alwaysReady)
    {
        CheckedInstanceMemory(memoryMB);
        var ready = alwaysReady.InstancesAmong(invocations);
        var periods = ActivityPeriods.Of(invocations);

        Metered On(bool alwaysReadyInstances)
        {
            var billable = periods.Where(p => ready.Contains(p.Instance) == alwaysReadyInstances)
                .Select(p => BillablePeriod(p.Length)).ToList();
            var executions = invocations.Count(i => ready.Contains(ScaleGroups.InstanceOf(i)) == alwaysReadyInstances);
            return new Metered(
                billable.Count,
                billable.Sum(b => (decimal)b.Ticks) / TimeSpan.TicksPerSecond,
                billable.Sum(b => Metered.GbSecondsOf(b, memoryMB)),
                executions);
        }

        return Usage.Zero with { OnDemand = On(false), AlwaysReady = On(true) };
    }
}
