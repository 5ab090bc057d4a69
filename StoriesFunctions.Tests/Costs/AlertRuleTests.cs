using System.Text.RegularExpressions;
using System.Xml;
using StoriesFunctions.Tests.Infra;

namespace StoriesFunctions.Tests.Costs;

public partial class AlertRuleTests
{
    [TestCase(0.5, 3.00)]
    [TestCase(1, 3.00)]
    [TestCase(2, 3.00)]
    [TestCase(5, 1.50)]
    [TestCase(10, 1.00)]
    [TestCase(15, 0.50)]
    [TestCase(60, 0.50)]
    public void MonthlyUsd_LogSearchRule_IsPricedByHowOftenItRuns(double minutes, decimal usd) =>
        Assert.That(new AlertRule("rule", AlertKind.LogSearch, TimeSpan.FromMinutes(minutes)).MonthlyUsd(Prices.ListUsd2025), Is.EqualTo(usd));

    [Test]
    public void MonthlyUsd_MetricRule_IsPricedPerMonitoredTimeSeries() =>
        Assert.That(new AlertRule("rule", AlertKind.Metric, TimeSpan.FromMinutes(1), TimeSeries: 4).MonthlyUsd(Prices.ListUsd2025), Is.EqualTo(0.40m));

    [Test]
    public void DeployedAlerts_AreTheRulesMonitoringBicepDeclares()
    {
        var bicep = File.ReadAllText(Path.Combine(RepositoryLayout.Infra, "modules", "monitoring.bicep"));

        var declared = (
            LogSearch: ScheduledQueryRule().Count(bicep),
            Metric: MetricAlert().Count(bicep),
            Frequencies: EvaluationFrequency().Matches(bicep).Select(m => XmlConvert.ToTimeSpan(m.Groups[1].Value)).ToList());

        Assert.That((declared.LogSearch, declared.Metric, declared.Frequencies), Is.EqualTo((
            DeployedAlerts.Rules.Count(r => r.Kind == AlertKind.LogSearch),
            DeployedAlerts.Rules.Count(r => r.Kind == AlertKind.Metric),
            DeployedAlerts.Rules.Select(r => r.Frequency).ToList())));
    }

    [GeneratedRegex(@"'Microsoft\.Insights/scheduledQueryRules@")]
    private static partial Regex ScheduledQueryRule();

    [GeneratedRegex(@"'Microsoft\.Insights/metricAlerts@")]
    private static partial Regex MetricAlert();

    [GeneratedRegex(@"evaluationFrequency:\s*'([^']+)'")]
    private static partial Regex EvaluationFrequency();
}
