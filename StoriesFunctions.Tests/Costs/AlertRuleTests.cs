using System.Xml;

namespace StoriesFunctions.Tests.Costs;

public class AlertRuleTests
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
    public async Task DeployedAlerts_AreTheRulesInfraDeploys()
    {
        var snapshot = await Infra.DeploymentSnapshot.SharedAsync();
        var rules = snapshot.OfType("Microsoft.Insights/scheduledQueryRules").Select(r => (AlertKind.LogSearch, r))
            .Concat(snapshot.OfType("Microsoft.Insights/metricAlerts").Select(r => (AlertKind.Metric, r)))
            .Select(d => (d.Item1, XmlConvert.ToTimeSpan((string)d.r["properties"]!["evaluationFrequency"]!)))
            .OrderBy(d => d.Item1).ThenBy(d => d.Item2)
            .ToList();

        Assert.That(rules, Is.EqualTo(DeployedAlerts.Rules.Select(r => (r.Kind, r.Frequency)).OrderBy(d => d.Kind).ThenBy(d => d.Frequency).ToList()));
    }
}
