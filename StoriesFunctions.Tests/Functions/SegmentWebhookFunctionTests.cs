using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StoriesFunctions.Delivery;
using StoriesFunctions.Segment;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>The webhook function against real Azurite: what it answers, and what the host will read from the queue.</summary>
public class SegmentWebhookFunctionTests
{
    private const string Secret = "segment-shared-secret";
    private static readonly Uri NoStories = new("http://127.0.0.1:9/v1/");

    private static string Sample(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Payloads", name));

    private static async Task<List<(string Id, JsonNode Event)>> QueuedEventsAsync(Forwarder forwarder)
    {
        var events = new List<(string, JsonNode)>();
        var messages = (await forwarder.Events.ReceiveMessagesAsync(32)).Value;
        foreach (var message in messages)
        {
            using var envelope = Envelope.TryParse(message.Body) ?? throw new AssertionException("not an envelope: " + message.Body);
            events.AddRange(envelope.Events.Select(e => (e.MessageId, JsonNode.Parse(e.Event.GetRawText())!)));
        }

        return events;
    }

    [Test]
    public async Task Run_SingleEvent_QueuesItInTheHostsEncoding()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories);
        var body = Sample("track.json");

        var response = await forwarder.PostAsync(body);

        var messages = (await forwarder.Events.PeekMessagesAsync(32)).Value;
        using var envelope = Envelope.TryParse(messages.Single().Body);
        using var json = response.ReadJson();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(json.RootElement.GetProperty("queued").GetInt32(), Is.EqualTo(1));
            Assert.That(envelope!.Events.Single().MessageId, Is.EqualTo("node-2f6a5b9e-track"));
            Assert.That(envelope.Events.Single().Event.GetRawText(), Is.EqualTo(JsonDocument.Parse(body).RootElement.GetRawText()));
        });
    }

    [Test]
    public async Task Run_BatchForm_QueuesEachItemWithSharedContext()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories);

        var response = await forwarder.PostAsync(Sample("batch-http-api.json"));

        var queued = await QueuedEventsAsync(forwarder);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(queued.Select(e => e.Id), Is.EqualTo(new[] { "batch-1-identify", "batch-1-track", "batch-1-page" }));
            Assert.That(queued.All(e => (string?)e.Event["context"]!["library"]!["name"] == "http"), Is.True);
        });
    }

    [Test]
    public async Task Run_MixedBatch_QueuesValidEventsAndListsTheRest()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories);
        var valid = SegmentEventBuilder.Track();
        var anonymous = SegmentEventBuilder.Track().Without("userId");
        var body = $"[{valid.Json()}, {anonymous.Json()}, 42, {new SegmentEventBuilder("group").Json()}]";

        var response = await forwarder.PostAsync(body);

        using var json = response.ReadJson();
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(root.GetProperty("queued").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("skipped").EnumerateArray().Select(s => (s.GetProperty("index").GetInt32(), s.GetProperty("reason").GetString())),
                Is.EqualTo(new[] { (1, EventReasons.NoUserId), (3, EventReasons.UnsupportedType) }));
            Assert.That(root.GetProperty("skipped")[0].GetProperty("messageId").GetString(), Is.EqualTo(anonymous.MessageId));
            Assert.That(root.GetProperty("rejected").EnumerateArray().Single().GetProperty("reason").GetString(), Is.EqualTo(EventReasons.NotAnObject));
        });
        Assert.That((await QueuedEventsAsync(forwarder)).Single().Id, Is.EqualTo(valid.MessageId));
    }

    [Test]
    public async Task Run_OnlySkippedEvents_Answers200AndQueuesNothing()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories);

        var response = await forwarder.PostAsync(Sample("anonymous-track.json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await forwarder.PeekAllAsync(forwarder.Events)), Is.Empty);
    }

    [Test]
    public async Task Run_EveryEventRejected_Answers400WithReasons()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories);

        var response = await forwarder.PostAsync("[1, {\"type\": \"nope\"}]");

        using var json = response.ReadJson();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(json.RootElement.GetProperty("rejected").GetArrayLength(), Is.EqualTo(2));
        });
    }

    [TestCase("not json")]
    [TestCase("\"a string\"")]
    [TestCase("")]
    public async Task Run_NotAnAcceptedForm_Answers400(string body)
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories);

        var response = await forwarder.PostAsync(body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.ReadJson().RootElement.GetProperty("error").GetString(), Is.Not.Empty);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Run_BodyOverTheCap_Answers413AndQueuesNothing(bool chunked)
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories, s => s["Segment:MaxBodyBytes"] = "2048");
        var body = Encoding.UTF8.GetBytes(SegmentEventBuilder.Track().With("pad", new string('x', 2100)).Json());

        var response = await forwarder.PostAsync(body, chunked: chunked);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await forwarder.PeekAllAsync(forwarder.Events), Is.Empty);
    }

    [Test]
    public async Task Run_ChunkedBodyUnderTheCap_IsQueued()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories, s => s["Segment:MaxBodyBytes"] = "4096");
        var body = Encoding.UTF8.GetBytes(SegmentEventBuilder.Track().With("pad", new string('x', 3000)).Json());

        var response = await forwarder.PostAsync(body, chunked: true);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Run_WithSecret_ChecksTheSignature()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories, s => s["Segment:SharedSecret"] = Secret);
        var first = SegmentEventBuilder.Track().Json();
        var body = Encoding.UTF8.GetBytes($"[{first},{SegmentEventBuilder.Track().Json()}]");

        var missing = await forwarder.PostAsync(body);
        var wrong = await forwarder.PostAsync(body, SignatureVerifierTests.Sign(body, "not-the-secret"));
        var otherBody = await forwarder.PostAsync(body, SignatureVerifierTests.Sign(Encoding.UTF8.GetBytes("[]"), Secret));
        var queuedBefore = await forwarder.PeekAllAsync(forwarder.Events);
        var firstElement = await forwarder.PostAsync(body, SignatureVerifierTests.Sign(Encoding.UTF8.GetBytes(first), Secret));
        var wholeBody = await forwarder.PostAsync(body, SignatureVerifierTests.Sign(body, Secret).ToUpperInvariant());

        Assert.Multiple(() =>
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(otherBody.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(queuedBefore, Is.Empty);
            Assert.That(firstElement.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(wholeBody.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Run_ScopeBody_RefusesABatchSignedOnItsFirstElementOnly()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories, s =>
        {
            s["Segment:SharedSecret"] = Secret;
            s["Segment:SignatureScope"] = "body";
        });
        var first = SegmentEventBuilder.Track().Json();
        var appended = Encoding.UTF8.GetBytes($"[{first},{SegmentEventBuilder.Track().Json()}]");

        var forged = await forwarder.PostAsync(appended, SignatureVerifierTests.Sign(Encoding.UTF8.GetBytes(first), Secret));
        var signed = await forwarder.PostAsync(appended, SignatureVerifierTests.Sign(appended, Secret));

        Assert.Multiple(() =>
        {
            Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(signed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Run_RotatingWithTwoSecrets_AcceptsBothAndNoOther()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories, s =>
        {
            s["Segment:SharedSecret"] = Secret;
            s["Segment:SecondSharedSecret"] = "the-next-secret";
        });
        var body = Encoding.UTF8.GetBytes(SegmentEventBuilder.Track().Json());

        var old = await forwarder.PostAsync(body, SignatureVerifierTests.Sign(body, Secret));
        var next = await forwarder.PostAsync(body, SignatureVerifierTests.Sign(body, "the-next-secret"));
        var other = await forwarder.PostAsync(body, SignatureVerifierTests.Sign(body, "neither"));

        Assert.Multiple(() =>
        {
            Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task Run_WithSecret_UnsignedGarbageGets401NotAParseError()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories, s => s["Segment:SharedSecret"] = Secret);

        var response = await forwarder.PostAsync("not json at all");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Run_SegmentsLargestBatch_Costs05WritesPerEventAtMost()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories);
        var padding = new string('p', 800);
        var body = "[" + string.Join(",", Enumerable.Range(0, 4000).Select(i => SegmentEventBuilder.Track().With("messageId", $"big-{i}").With("pad", padding).Json())) + "]";

        var response = await forwarder.PostAsync(body);

        var properties = await forwarder.Events.GetPropertiesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.ReadJson().RootElement.GetProperty("queued").GetInt32(), Is.EqualTo(4000));
            Assert.That(properties.Value.ApproximateMessagesCount, Is.InRange(1, 200));
        });
    }

    [Test]
    public async Task Run_StorageUnreachable_Answers503WithRetryAfter()
    {
        await using var forwarder = await Forwarder.StartAsync(NoStories, storageConnectionString: Azurite.UnreachableConnectionString);

        var response = await forwarder.PostAsync(Sample("track.json"));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(response.Header("Retry-After"), Is.Not.Null);
            Assert.That(response.ReadJson().RootElement.GetProperty("queued").GetInt32(), Is.EqualTo(0));
        });
    }
}
