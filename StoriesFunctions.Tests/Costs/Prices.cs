namespace StoriesFunctions.Tests.Costs;

/// <summary>
/// Every price and free grant the model uses: USD, pay-as-you-go list prices, East US, as published in 2025, the
/// figures docs/performance.md assumes. Each says where it comes from; "not in the stored docs" means the search of
/// Microsoft's stored pages (2025 copies) did not show the figure, because the pricing pages fill their prices in with
/// script ("$-" in the stored copy). Check https://azure.microsoft.com/pricing/ for a region before relying on a total.
/// </summary>
public sealed record Prices
{
    public static Prices ListUsd2025 { get; } = new();

    public string AsOf { get; init; } = "2025 list prices, USD, East US, pay-as-you-go";

    /// <summary>$0.000026 per GB-s. https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs works its
    /// example with it: "Assuming an on-demand execution rate of $0.000026 GB-s (without any free grants applied)".</summary>
    public decimal FlexOnDemandPerGbSecond { get; init; } = 0.000026m;

    /// <summary>$0.40 per million. Same page: "Assuming an on-demand rate of `$0.40` per million executions".</summary>
    public decimal FlexOnDemandPerMillionExecutions { get; init; } = 0.40m;

    /// <summary>100,000 GB-s a month per subscription, on-demand only. The docs say "minus a free grant of GB-s per month"
    /// without the number; the number is the pricing page's (not in the stored docs; secondary sources agree).</summary>
    public decimal FlexFreeGbSeconds { get; init; } = 100_000m;

    /// <summary>250,000 executions a month per subscription, on-demand only; as <see cref="FlexFreeGbSeconds"/>.</summary>
    public decimal FlexFreeExecutions { get; init; } = 250_000m;

    /// <summary>Always ready, baseline (every GB-s an always-ready instance is assigned). Not in the stored docs; the
    /// figure is an assumption near the EUR list price seen second-hand (€0.0000038). No free grant applies.</summary>
    public decimal FlexAlwaysReadyBaselinePerGbSecond { get; init; } = 0.000004m;

    /// <summary>Always ready, execution time. Not in the stored docs; an assumption near €0.0000149 seen second-hand.</summary>
    public decimal FlexAlwaysReadyPerGbSecond { get; init; } = 0.000016m;

    /// <summary>Always ready, executions. Not in the stored docs; assumed equal to on demand.</summary>
    public decimal FlexAlwaysReadyPerMillionExecutions { get; init; } = 0.40m;

    /// <summary>Consumption (Y1) execution time, $0.000016 per GB-s: not in the stored Microsoft pages (the pricing page's
    /// stored copy shows "$-"); second-hand sources agree.</summary>
    public decimal ConsumptionPerGbSecond { get; init; } = 0.000016m;

    /// <summary>Consumption (Y1) executions, $0.20 per million; as <see cref="ConsumptionPerGbSecond"/>.</summary>
    public decimal ConsumptionPerMillionExecutions { get; init; } = 0.20m;

    /// <summary>https://azure.microsoft.com/pricing/details/functions/ : "Consumption plan pricing includes a monthly free
    /// grant of 1 million requests and 400,000 GB-s of resource consumption per month per subscription in pay-as-you-go
    /// pricing across all function apps in that subscription."</summary>
    public decimal ConsumptionFreeGbSeconds { get; init; } = 400_000m;

    /// <summary>1 million executions a month; as <see cref="ConsumptionFreeGbSeconds"/>.</summary>
    public decimal ConsumptionFreeExecutions { get; init; } = 1_000_000m;

    /// <summary>Queue Storage message operations (put, get, delete, peek), $0.004 per 10,000: docs/performance.md's
    /// "Prices assumed" (GPv2, LRS). Not in the stored docs, nor which class each operation is billed in.</summary>
    public decimal QueueClass2Per10K { get; init; } = 0.004m;

    /// <summary>Table Storage transactions, $0.00036 per 10,000: docs/performance.md. Not in the stored docs.</summary>
    public decimal TableTransactionsPer10K { get; init; } = 0.00036m;

    /// <summary>Blob (hot, LRS) write operations, $0.05 per 10,000: an assumption, not in the stored docs nor in
    /// docs/performance.md. Recordings so far count no blob operations.</summary>
    public decimal BlobWritesPer10K { get; init; } = 0.05m;

    /// <summary>Blob (hot, LRS) read operations, $0.004 per 10,000: an assumption, as <see cref="BlobWritesPer10K"/>.</summary>
    public decimal BlobReadsPer10K { get; init; } = 0.004m;

    /// <summary>Analytics logs ingestion (workspace-based Application Insights), $2.30 per GB: docs/performance.md; not in
    /// the stored docs. https://learn.microsoft.com/azure/azure-monitor/logs/cost-logs : "Azure Monitor Logs bills for the
    /// amount of data you send to a Log Analytics workspace in GB (10^9 bytes)."</summary>
    public decimal LogIngestionPerGb { get; init; } = 2.30m;

    /// <summary>https://learn.microsoft.com/azure-stack/hci/manage/monitor-hci-single-23h2 : "Azure Monitor has
    /// pay-as-you-go pricing, and the first 5 GB per billing account per month is free."</summary>
    public decimal LogFreeGb { get; init; } = 5m;

    /// <summary>Log search alert rule, per month, by evaluation frequency: 1 minute $3.00, 5 minutes $1.50, 10 minutes
    /// $1.00, 15 minutes or more $0.50. https://learn.microsoft.com/azure/azure-monitor/fundamentals/cost-usage : "Alerts
    /// are charged based on the type and number of signals used by the alert rule, its frequency, and the type of
    /// notification used in response." The figures are not in the stored docs.</summary>
    public IReadOnlyList<(TimeSpan EvaluatedAtLeastEvery, decimal MonthlyUsd)> LogSearchAlertMonthly { get; init; } =
    [
        (TimeSpan.FromMinutes(15), 0.50m),
        (TimeSpan.FromMinutes(10), 1.00m),
        (TimeSpan.FromMinutes(5), 1.50m),
        (TimeSpan.FromMinutes(1), 3.00m),
    ];

    /// <summary>Metric alert rule, $0.10 per monitored time series per month. Not in the stored docs.</summary>
    public decimal MetricAlertPerTimeSeries { get; init; } = 0.10m;
}
