using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>Telemetry that only Entra-authenticated clients can send, and the e-mail when events are dead-lettered.</summary>
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

    private JsonNode Rule(string displayName) =>
        snapshot.OfType("Microsoft.Insights/scheduledQueryRules").Single(r => (string?)r["properties"]!["displayName"] == displayName)["properties"]!;

    [TestCase("Segment events dead-lettered", "traces | where message has \"dead-lettered\"")]
    [TestCase("Stories refuses the API key", "traces | where message has \"Stories refused the configuration\"")]
    [TestCase("Segment events waiting too long", "customMetrics | where name == \"storiesfunctions.backlog.oldest_age\" | where valueMax > 3600")]
    public void Alert_Rule_CountsItsTracesEveryFiveMinutes(string displayName, string query)
    {
        var rule = Rule(displayName);
        var criterion = rule["criteria"]!["allOf"]![0]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)rule["scopes"]![0], Is.EqualTo(snapshot.ResourceId("Microsoft.Insights/components")));
            Assert.That((string?)criterion["query"], Is.EqualTo(query));
            Assert.That((string?)criterion["timeAggregation"], Is.EqualTo("Count"));
            Assert.That((string?)criterion["operator"], Is.EqualTo("GreaterThan"));
            Assert.That((int?)criterion["threshold"], Is.Zero);
            Assert.That((string?)rule["windowSize"], Is.EqualTo("PT15M"));
            Assert.That((string?)rule["evaluationFrequency"], Is.EqualTo("PT5M"));
            Assert.That((bool?)rule["enabled"], Is.True);
            Assert.That((bool?)rule["autoMitigate"], Is.True, "one e-mail per incident, not one per evaluation");
            Assert.That((string?)rule["actions"]!["actionGroups"]![0], Is.EqualTo(snapshot.ResourceId("Microsoft.Insights/actionGroups")));
        }
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
