namespace StoriesFunctions.Tests.Costs;

/// <summary>The compute lines of a month's bill, by plan.</summary>
internal static class ComputeLines
{
    public static IEnumerable<BillLine> For(Usage month, Deployment deployment, Prices prices) => deployment.Plan switch
    {
        HostingPlan.FlexConsumption => Flex(month, deployment, prices),
        HostingPlan.WindowsConsumption => Consumption(month.OnDemand, prices),
    };

    private static IEnumerable<BillLine> Flex(Usage month, Deployment deployment, Prices prices)
    {
        var gb = deployment.InstanceMemoryMB / 1_024m;
        yield return BillLine.Metered("On-demand execution time", Periods(month.OnDemand, "periods", gb), month.OnDemand.GbSeconds, "GB-s",
            prices.FlexFreeGbSeconds, prices.FlexOnDemandPerGbSecond);
        yield return BillLine.Metered("On-demand executions", null, month.OnDemand.Executions, "executions",
            prices.FlexFreeExecutions, prices.FlexOnDemandPerMillionExecutions, 1_000_000);
        var instances = deployment.AlwaysReady.Instances;
        if (instances == 0)
        {
            yield break;
        }

        yield return BillLine.Metered("Always-ready baseline",
            $"{instances} instances × {Figures.Quantity(BillingMonth.Seconds)} s × {Figures.Quantity(gb)} GB",
            instances * BillingMonth.Seconds * gb, "GB-s", 0, prices.FlexAlwaysReadyBaselinePerGbSecond);
        yield return BillLine.Metered("Always-ready execution time", Periods(month.AlwaysReady, "periods", gb), month.AlwaysReady.GbSeconds, "GB-s",
            0, prices.FlexAlwaysReadyPerGbSecond);
        yield return BillLine.Metered("Always-ready executions", null, month.AlwaysReady.Executions, "executions",
            0, prices.FlexAlwaysReadyPerMillionExecutions, 1_000_000);
    }

    private static IEnumerable<BillLine> Consumption(Metered metered, Prices prices)
    {
        var gb = metered.BillableSeconds == 0 ? 0 : metered.GbSeconds / metered.BillableSeconds;
        yield return BillLine.Metered("Execution time", Periods(metered, "executions", gb), metered.GbSeconds, "GB-s",
            prices.ConsumptionFreeGbSeconds, prices.ConsumptionPerGbSecond);
        yield return BillLine.Metered("Executions", null, metered.Executions, "executions",
            prices.ConsumptionFreeExecutions, prices.ConsumptionPerMillionExecutions, 1_000_000);
    }

    /// <summary>"1,000,000 periods × 1.0 s × 0.5 GB": the count, the mean billable length, the memory.</summary>
    private static string Periods(Metered metered, string what, decimal gb)
    {
        var mean = metered.Periods == 0 ? 0 : metered.BillableSeconds / metered.Periods;
        return $"{Figures.Quantity(metered.Periods)} {what} × {Figures.Seconds(mean)} s × {Figures.Quantity(gb)} GB";
    }
}
