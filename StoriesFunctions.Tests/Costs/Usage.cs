namespace StoriesFunctions.Tests.Costs;

/// <summary>Everything a tenant uses that Azure meters, before prices: what a month's bill is computed from.</summary>
/// <param name="OnDemand">Compute on on-demand instances (Flex Consumption), or all compute (Consumption).</param>
/// <param name="AlwaysReady">Compute on Flex Consumption's always-ready instances while they execute (not their baseline,
/// which the deployment fixes: see <see cref="MonthlyBill"/>).</param>
/// <param name="TelemetryBytes">Bytes sent to Application Insights (the workspace's ingestion).</param>
public sealed record Usage(Metered OnDemand, Metered AlwaysReady, StorageOperations Storage, decimal TelemetryBytes)
{
    public static Usage Zero { get; } = new(Metered.Zero, Metered.Zero, StorageOperations.None, 0);

    public static Usage operator +(Usage a, Usage b) =>
        new(a.OnDemand + b.OnDemand, a.AlwaysReady + b.AlwaysReady, a.Storage + b.Storage, a.TelemetryBytes + b.TelemetryBytes);

    public Usage Scaled(decimal factor) =>
        new(OnDemand.Scaled(factor), AlwaysReady.Scaled(factor), Storage.Scaled(factor), TelemetryBytes * factor);
}
