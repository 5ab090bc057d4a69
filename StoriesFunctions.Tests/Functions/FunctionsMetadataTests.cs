using System.Text.Json;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// What the Functions host will see: the Worker SDK's generated functions.metadata in the build output. A binding
/// mistake (route, method, auth level, queue, connection) fails here rather than in Azure.
/// </summary>
public class FunctionsMetadataTests
{
    private static readonly Dictionary<string, JsonElement> Functions = Load();

    private static Dictionary<string, JsonElement> Load()
    {
        var path = Path.Combine(Path.GetDirectoryName(typeof(Program).Assembly.Location)!, "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone());
    }

    private static JsonElement Trigger(string function) =>
        Functions[function].GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "In");

    [Test]
    public void Metadata_ListsExactlyTheseFunctions() =>
        Assert.That(Functions.Keys, Is.EquivalentTo(new[]
        {
            "SegmentWebhook", "DeliverEvents", "AdoptPoisonMessages", "AdoptPoisonOfPoison", "BacklogGauges", "ExpireDeadLetters", "RunDeadLetterJob", "FailDeadLetterJob",
            "ListDeadLetters", "CountDeadLetters", "ShowDeadLetter", "ReplayDeadLetters", "PurgeDeadLetters", "ShowDeadLetterJob",
            "Console", "ConsoleSummary", "ConsoleCharts", "StartErasure", "ShowErasure", "LiftErasure", "RunErasure", "FailErasure",
        }));

    [Test]
    [TestCase("BacklogGauges", "0 */15 * * * *")]
    [TestCase("ExpireDeadLetters", "0 0 * * * *")]
    public void Timer_RunsOnItsSchedule(string function, string schedule)
    {
        var trigger = Trigger(function);

        Assert.Multiple(() =>
        {
            Assert.That(trigger.GetProperty("type").GetString(), Is.EqualTo("timerTrigger"));
            Assert.That(trigger.GetProperty("schedule").GetString(), Is.EqualTo(schedule));
        });
    }

    [TestCase("SegmentWebhook", "segment", "post", "Function")]
    [TestCase("ListDeadLetters", "dead-letters", "get", "Anonymous")]
    [TestCase("ReplayDeadLetters", "dead-letters/replay", "post", "Anonymous")]
    [TestCase("PurgeDeadLetters", "dead-letters/purge", "post", "Anonymous")]
    [TestCase("CountDeadLetters", "dead-letters/count", "get", "Anonymous")]
    [TestCase("ShowDeadLetter", "dead-letters/events/{messageId}", "get", "Anonymous")]
    [TestCase("ShowDeadLetterJob", "dead-letters/jobs/{id}", "get", "Anonymous")]
    [TestCase("Console", "console", "get", "Anonymous")]
    [TestCase("ConsoleSummary", "console/summary", "get", "Anonymous")]
    [TestCase("ConsoleCharts", "console/charts", "get", "Anonymous")]
    [TestCase("StartErasure", "erasures", "post", "Anonymous")]
    [TestCase("ShowErasure", "erasures/{id}", "get", "Anonymous")]
    [TestCase("LiftErasure", "erasures/lift", "post", "Anonymous")]
    public void HttpFunction_HasItsPublicRouteMethodAndAuthLevel(string function, string route, string method, string authLevel)
    {
        var trigger = Trigger(function);

        Assert.Multiple(() =>
        {
            Assert.That(trigger.GetProperty("type").GetString(), Is.EqualTo("httpTrigger"));
            Assert.That(trigger.GetProperty("route").GetString(), Is.EqualTo(route));
            Assert.That(trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()), Is.EqualTo(new[] { method }));
            Assert.That(trigger.GetProperty("authLevel").GetString(), Is.EqualTo(authLevel));
        });
    }

    [TestCase("DeliverEvents", "segment-events")]
    [TestCase("AdoptPoisonMessages", "segment-events-poison")]
    [TestCase("AdoptPoisonOfPoison", "segment-events-poison-poison")]
    [TestCase("RunDeadLetterJob", "deadletter-jobs")]
    [TestCase("FailDeadLetterJob", "deadletter-jobs-poison")]
    [TestCase("RunErasure", "erasure-jobs")]
    [TestCase("FailErasure", "erasure-jobs-poison")]
    public void QueueFunction_IsTriggeredByItsQueueOnTheHostsStorageConnection(string function, string queue)
    {
        var trigger = Trigger(function);

        Assert.Multiple(() =>
        {
            Assert.That(trigger.GetProperty("type").GetString(), Is.EqualTo("queueTrigger"));
            Assert.That(trigger.GetProperty("queueName").GetString(), Is.EqualTo(queue));
            Assert.That(trigger.GetProperty("connection").GetString(), Is.EqualTo("AzureWebJobsStorage"));
        });
    }

    [Test]
    public void HostJson_ReadsAndWritesQueuesInBase64WithExplicitSettings()
    {
        var path = Path.Combine(Path.GetDirectoryName(typeof(Program).Assembly.Location)!, "host.json");
        using var host = JsonDocument.Parse(File.ReadAllText(path));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");

        Assert.Multiple(() =>
        {
            Assert.That(queues.GetProperty("messageEncoding").GetString(), Is.EqualTo("base64"));
            foreach (var setting in new[] { "batchSize", "newBatchThreshold", "maxPollingInterval", "visibilityTimeout", "maxDequeueCount" })
            {
                Assert.That(queues.TryGetProperty(setting, out _), Is.True, setting);
            }

            Assert.That(host.RootElement.GetProperty("functionTimeout").GetString(), Is.EqualTo("00:05:00"));
        });
    }
}
