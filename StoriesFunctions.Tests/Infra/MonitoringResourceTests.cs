using System.Text.Json.Nodes;
using NUnit.Framework;
using StoriesFunctions.Functions;

namespace StoriesFunctions.Tests.Infra;

/// <summary>Telemetry that only Entra-authenticated clients can send, and the alerts that e-mail an operator.</summary>
[TestFixture]
public sealed class MonitoringResourceTests
{
    private DeploymentSnapshot snapshot = null!;

    [OneTimeSetUp]
    public async Task LoadSnapshotAsync() => snapshot = await DeploymentSnapshot.SharedAsync();

    [Test]
    public void ApplicationInsights_Ingestion_IsWorkspaceBasedAndEntraOnly()
    {
        var insights = snapshot.Single("Microsoft.Insights/components")["properties"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((bool?)insights["DisableLocalAuth"], Is.True);
            Assert.That((string?)insights["WorkspaceResourceId"], Is.EqualTo(snapshot.ResourceId("Microsoft.OperationalInsights/workspaces")));
        }
    }

    private JsonNode Rule(string namePrefix) =>
        snapshot.OfType("Microsoft.Insights/metricAlerts").Single(r => ((string)r["name"]!).StartsWith(namePrefix, StringComparison.Ordinal))["properties"]!;

    [TestCase("alert-dead-letters-", "storiesfunctions.events.dead_lettered", "Total", 0, "PT15M")]
    [TestCase("alert-stories-key-refused-", "storiesfunctions.delivery.refused", "Total", 0, "PT15M")]
    [TestCase("alert-backlog-age-", "storiesfunctions.backlog.oldest_age", "Maximum", 3600, "PT30M")]
    public void Alert_Rule_WatchesTheAppsOwnMetricEveryFiveMinutes(string namePrefix, string metric, string aggregation, int threshold, string window)
    {
        var rule = Rule(namePrefix);
        var criterion = rule["criteria"]!["allOf"]!.AsArray().Single()!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)rule["scopes"]![0], Is.EqualTo(snapshot.ResourceId("Microsoft.Insights/components")));
            Assert.That((string?)rule["criteria"]!["odata.type"], Is.EqualTo("Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"));
            Assert.That((string?)criterion["metricNamespace"], Is.EqualTo("azure.applicationinsights"), "custom metrics the SDK sends with GetMetric");
            Assert.That((string?)criterion["metricName"], Is.EqualTo(metric));
            Assert.That((string?)criterion["timeAggregation"], Is.EqualTo(aggregation));
            Assert.That((string?)criterion["operator"], Is.EqualTo("GreaterThan"));
            Assert.That((int?)criterion["threshold"], Is.EqualTo(threshold));
            Assert.That((bool?)criterion["skipMetricValidation"], Is.True, "a custom metric exists only once the app first sends it: a fresh deployment must not fail");
            Assert.That((string?)rule["windowSize"], Is.EqualTo(window));
            Assert.That((string?)rule["evaluationFrequency"], Is.EqualTo("PT5M"));
            Assert.That((bool?)rule["enabled"], Is.True);
            Assert.That((bool?)rule["autoMitigate"], Is.True, "one e-mail per incident, not one per evaluation");
            Assert.That((string?)rule["actions"]![0]!["actionGroupId"], Is.EqualTo(snapshot.ResourceId("Microsoft.Insights/actionGroups")));
        }
    }

    [Test]
    public void Alerts_NoneIsALogSearchRule()
    {
        Assert.That(snapshot.OfType("Microsoft.Insights/scheduledQueryRules"), Is.Empty, "a log search rule run every 5 minutes costs about 15 times a metric rule (docs/costs/model.md)");
    }

    [Test]
    public void BacklogAgeAlert_Window_HoldsTwoReadingsOfTheTimer()
    {
        var window = System.Xml.XmlConvert.ToTimeSpan((string)Rule("alert-backlog-age-")["windowSize"]!);
        var minutesField = BacklogFunction.Schedule.Split(' ')[1];
        var cadence = TimeSpan.FromMinutes(int.Parse(minutesField.Replace("*/", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(window, Is.GreaterThanOrEqualTo(2 * cadence), "a window with fewer readings than two lets one missed run hide a stuck backlog");
    }

    private JsonNode Workbook() => JsonNode.Parse((string)snapshot.Single("Microsoft.Insights/workbooks")["properties"]!["serializedData"]!)!;

    [TestCase("events", "storiesfunctions.events.received", "storiesfunctions.events.delivered", "storiesfunctions.events.retried", "storiesfunctions.events.dead_lettered")]
    [TestCase("stories-latency", "storiesfunctions.stories.latency_bucket", "0.5 * total", "0.99 * total")]
    [TestCase("stories-throttled", "storiesfunctions.stories.calls", "customDimensions.status) == \"429\"")]
    [TestCase("backlog", "storiesfunctions.backlog.oldest_age")]
    [TestCase("dead-letters-by-reason", "storiesfunctions.events.dead_lettered", "customDimensions.reason")]
    public void Workbook_Chart_QueriesItsTelemetry(string chart, params string[] fragments)
    {
        var item = Workbook()["items"]!.AsArray().Single(i => (string?)i!["name"] == chart)!;
        var query = (string?)item["content"]!["query"];

        using (Assert.EnterMultipleScope())
        {
            foreach (var fragment in fragments)
            {
                Assert.That(query, Does.Contain(fragment));
            }

            Assert.That(chart == "dead-letters-by-reason" || query!.Contains("bin(timestamp, 1m)", StringComparison.Ordinal), Is.True, "per minute");
            Assert.That(query, Does.Not.Contain("dependencies"), "dependency tracking is off: charts read the app's metrics");
        }
    }

    [Test]
    public void Workbook_IsSharedOnTheApplicationInsightsComponent()
    {
        var workbook = snapshot.Single("Microsoft.Insights/workbooks");

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)workbook["kind"], Is.EqualTo("shared"));
            Assert.That((string?)workbook["properties"]!["sourceId"], Is.EqualTo(snapshot.ResourceId("Microsoft.Insights/components")));
            Assert.That((string?)Workbook()["fallbackResourceIds"]![0], Is.EqualTo(snapshot.ResourceId("Microsoft.Insights/components")));
        }
    }

    [Test]
    public void ActionGroup_EmailReceiver_IsTheAlertEmailParameter()
    {
        var group = snapshot.Single("Microsoft.Insights/actionGroups")["properties"]!;

        Assert.That((string?)group["emailReceivers"]![0]!["emailAddress"], Is.EqualTo(DeploymentSnapshot.Environment["ALERT_EMAIL"]));
    }
}
