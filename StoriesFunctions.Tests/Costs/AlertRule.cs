namespace StoriesFunctions.Tests.Costs;

/// <summary>An alert rule the deployment keeps: a fixed monthly item, whatever the traffic.</summary>
/// <param name="TimeSeries">For a metric alert, the time series it monitors (one per resource and dimension value).</param>
public sealed record AlertRule(string Name, AlertKind Kind, TimeSpan Frequency, int TimeSeries = 1)
{
    public decimal MonthlyUsd(Prices prices) => Kind switch
    {
        AlertKind.LogSearch => LogSearchMonthlyUsd(prices),
        AlertKind.Metric => TimeSeries * prices.MetricAlertPerTimeSeries,
    };

    /// <summary>The tier of the longest interval the rule's frequency reaches; more often than every tier, the dearest.</summary>
    private decimal LogSearchMonthlyUsd(Prices prices)
    {
        var tiers = prices.LogSearchAlertMonthly.OrderByDescending(t => t.EvaluatedAtLeastEvery).ToList();
        return tiers.Where(t => Frequency >= t.EvaluatedAtLeastEvery).DefaultIfEmpty(tiers[^1]).First().MonthlyUsd;
    }
}

public enum AlertKind
{
    /// <summary>A scheduled query rule (`Microsoft.Insights/scheduledQueryRules`).</summary>
    LogSearch,

    /// <summary>A metric alert rule (`Microsoft.Insights/metricAlerts`).</summary>
    Metric,
}

/// <summary>The alert rules infra/modules/monitoring.bicep declares (kept in step by <c>DeployedAlertsTests</c>).</summary>
public static class DeployedAlerts
{
    public static IReadOnlyList<AlertRule> Rules { get; } =
    [
        new("dead letters", AlertKind.Metric, TimeSpan.FromMinutes(5)),
        new("Stories key refused", AlertKind.Metric, TimeSpan.FromMinutes(5)),
        new("backlog age", AlertKind.Metric, TimeSpan.FromMinutes(5)),
    ];
}
