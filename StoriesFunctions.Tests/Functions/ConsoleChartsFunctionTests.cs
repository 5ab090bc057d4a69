using System.Text.Json;
using System.Xml.Linq;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Functions;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>The console's charts endpoint over real Azurite tables, at days far from the real clock: what the page inserts.</summary>
public class ConsoleChartsFunctionTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static async Task<(JsonDocument Json, Dictionary<string, XElement> Charts)> ShowAsync(DateTimeOffset now, params TableEntity[] rows)
    {
        var azurite = await Azurite.EnsureStartedAsync();
        var tables = new TableServiceClient(azurite.ConnectionString);
        var table = tables.GetTableClient(DeliveryStats.TableName);
        await table.CreateIfNotExistsAsync();
        foreach (var row in rows)
        {
            await table.UpsertEntityAsync(row, TableUpdateMode.Replace);
        }

        var function = new ConsoleChartsFunction(new DeliveryHistory(tables, new FakeTimeProvider(now)), LocalOperators());
        var request = new FakeHttpRequestData(new FakeFunctionContext(), "GET", new Uri("http://localhost:7071/api/console/charts"), null);
        var response = (FakeHttpResponseData)await function.Show(request, CancellationToken.None);
        var json = response.ReadJson();
        var charts = json.RootElement.GetProperty("charts").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => XElement.Parse(c.GetProperty("svg").GetString()!));
        return (json, charts);
    }

    /// <summary>Operator access as <c>func start</c> runs it: local development, no sign-in (the gate has tests of its own).</summary>
    private static StoriesFunctions.Operators.OperatorAccess LocalOperators()
    {
        var services = Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions.AddHttpClient(new Microsoft.Extensions.DependencyInjection.ServiceCollection());
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        return new StoriesFunctions.Operators.OperatorAccess(
            Microsoft.Extensions.Options.Options.Create(new StoriesFunctions.Operators.OperatorOptions { LocalDevelopment = true }),
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(),
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IHttpClientFactory>(provider),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<StoriesFunctions.Operators.OperatorAccess>.Instance);
    }

    private static TableEntity Row(DateTimeOffset minute, string instance, long received, long delivered, long retried, long deadLettered) =>
        new(DeliveryStats.Minute(minute), instance) { ["Received"] = received, ["Delivered"] = delivered, ["Retried"] = retried, ["DeadLettered"] = deadLettered };

    private static IEnumerable<string> Series(XElement svg) => svg.Descendants(Svg + "polyline").Select(p => p.Attribute("data-series")!.Value);

    [Test]
    public async Task Show_RowsOfTwoInstancesAndABacklogSample_ThreeChartsOfTheLastDayInFiveMinutePoints()
    {
        var now = new DateTimeOffset(2002, 5, 6, 10, 2, 30, TimeSpan.Zero);
        var backlog = new TableEntity(DeliveryStats.Minute(now.AddHours(-5)), DeliveryHistory.BacklogRowKey) { [DeliveryHistory.OldestAgeColumn] = 900.0, [DeliveryHistory.MessagesColumn] = 12L };

        var (json, charts) = await ShowAsync(now, Row(now.AddHours(-6), "instance-a", 40, 38, 5, 2), Row(now.AddHours(-6), "instance-b", 2, 2, 0, 0), backlog);

        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("from").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2002, 5, 5, 10, 5, 0, TimeSpan.Zero)));
            Assert.That(root.GetProperty("to").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2002, 5, 6, 10, 5, 0, TimeSpan.Zero)));
            Assert.That(root.GetProperty("bucketMinutes").GetInt32(), Is.EqualTo(5));
            Assert.That(charts.Keys, Is.EqualTo(new[] { "events", "failures", "backlog-age" }));
            Assert.That(Series(charts["events"]), Is.EqualTo(new[] { "received", "delivered" }));
            Assert.That(Series(charts["failures"]), Is.EqualTo(new[] { "retried", "deadLettered" }));
            Assert.That(Series(charts["backlog-age"]), Is.EqualTo(new[] { "backlogAge" }));
            Assert.That(charts.Values.Select(c => c.Attribute("role")?.Value), Is.All.EqualTo("img"));
            Assert.That(charts["events"].Element(Svg + "desc")?.Value, Does.StartWith("In: 42 in all, at most 42 in 5 minutes (at 04:00 UTC). Delivered: 40 in all"));
            Assert.That(charts["failures"].Element(Svg + "desc")?.Value, Is.EqualTo("Retried: 5 in all, at most 5 in 5 minutes (at 04:00 UTC). Dead-lettered: 2 in all, at most 2 in 5 minutes (at 04:00 UTC)."));
            Assert.That(charts["backlog-age"].Element(Svg + "desc")?.Value, Is.EqualTo("Oldest waiting: at most 15 min (at 05:00 UTC)."));
        });
    }

    [Test]
    public async Task Show_NoRowsInTheDay_EveryChartSaysSo()
    {
        var (_, charts) = await ShowAsync(new DateTimeOffset(2002, 8, 9, 10, 2, 30, TimeSpan.Zero));

        Assert.Multiple(() =>
        {
            Assert.That(charts.Values.SelectMany(Series), Is.Empty);
            Assert.That(charts["events"].Element(Svg + "desc")?.Value, Is.EqualTo("No events in the last day."));
            Assert.That(charts["failures"].Value, Does.Contain("Nothing retried or dead-lettered in the last day"));
            Assert.That(charts["backlog-age"].Value, Does.Contain("Nothing waited in the last day"));
        });
    }
}
