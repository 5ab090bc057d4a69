namespace StoriesFunctions.Tests.Costs;

/// <summary>
/// Compute as a plan meters it: billed periods (Flex: activity periods; Consumption: executions), their billable
/// seconds after the plan's rounding, the GB-seconds those make at the billed memory, and the executions.
/// Decimal because a recording scaled to a month has fractional counts, and because money is summed from it.
/// </summary>
public sealed record Metered(decimal Periods, decimal BillableSeconds, decimal GbSeconds, decimal Executions)
{
    public static Metered Zero { get; } = new(0, 0, 0, 0);

    public static Metered operator +(Metered a, Metered b) =>
        new(a.Periods + b.Periods, a.BillableSeconds + b.BillableSeconds, a.GbSeconds + b.GbSeconds, a.Executions + b.Executions);

    public Metered Scaled(decimal factor) =>
        new(Periods * factor, BillableSeconds * factor, GbSeconds * factor, Executions * factor);

    /// <summary>
    /// MB-milliseconds ÷ 1,024,000, so 1 GB-s is 1,024 MB for one second. Both plans' meters are stated so:
    /// https://learn.microsoft.com/azure/azure-functions/monitor-functions-reference ("`OnDemandFunctionExecutionUnits /
    /// 1,024,000` is the On Demand Execution Time meter, in GB-seconds") and
    /// https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs ("measured in MB-milliseconds. To
    /// convert to GB-seconds, divide by 1024000").
    /// </summary>
    public static decimal GbSecondsOf(TimeSpan billable, int memoryMB) =>
        (decimal)billable.Ticks / TimeSpan.TicksPerMillisecond * memoryMB / 1_024_000m;
}
