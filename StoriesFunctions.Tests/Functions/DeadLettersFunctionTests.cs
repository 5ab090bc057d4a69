using System.Net;
using System.Text.Json;
using StoriesFunctions.Delivery;
using StoriesFunctions.Functions;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.Functions;

public class DeadLettersFunctionTests
{
    private static async Task<JsonDocument> CallAsync(Forwarder forwarder, string method, string path)
    {
        var (status, json) = await forwarder.ApiAsync(method, path);
        Assert.That(status, Is.EqualTo(method == "GET" ? HttpStatusCode.OK : HttpStatusCode.Accepted), json?.RootElement.GetRawText());
        if (method == "POST")
        {
            // A job: run its pieces, then answer with how it ended.
            await forwarder.RunJobsAsync();
            (_, json) = await forwarder.ApiAsync("GET", "dead-letters/jobs/" + json!.RootElement.GetProperty("id").GetString());
        }

        return json!;
    }

    [Test]
    public async Task ListThenReplay_AfterStoriesIsFixed_DeliversTheEventOnce()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        stories.Enqueue(StoriesReply.Status(422, "{\"message\":\"invalid\"}"));
        var evt = SegmentEventBuilder.Identify();
        await forwarder.PostAsync(evt.Json());
        await forwarder.DeliverVisibleAsync();

        using var listed = await CallAsync(forwarder, "GET", "dead-letters?max=10");
        using var replayed = await CallAsync(forwarder, "POST", "dead-letters/replay?max=10");
        await forwarder.DeliverVisibleAsync();
        using var after = await CallAsync(forwarder, "GET", "dead-letters");

        var entry = listed.RootElement.GetProperty("deadLetters").EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(listed.RootElement.GetProperty("next").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(entry.GetProperty("messageId").GetString(), Is.EqualTo(evt.MessageId));
            Assert.That(entry.GetProperty("type").GetString(), Is.EqualTo("identify"));
            Assert.That(entry.GetProperty("statusCode").GetInt32(), Is.EqualTo(422));
            Assert.That(entry.GetProperty("reason").GetString(), Does.Contain("422"));
            Assert.That(entry.TryGetProperty("event", out _), Is.False, "no traits or other personal data in the listing");
            Assert.That(listed.RootElement.GetRawText(), Does.Not.Contain("ada@example.com").And.Not.Contain("user-1"));
            Assert.That(replayed.RootElement.GetProperty("done").GetInt32(), Is.EqualTo(1));
            Assert.That(after.RootElement.GetProperty("deadLetters").GetArrayLength(), Is.EqualTo(0));
            Assert.That(stories.Requests.Select(r => (r.Path, r.StatusCode)), Is.EqualTo(new[] { ("/v1/users", (int?)422), ("/v1/users", 200), ("/v1/events", 201) }),
                "the upsert was refused, then replayed once with its event");
        });
    }

    [Test]
    public async Task List_MoreThanOnePage_WalksEveryDeadLetterWithTheNextToken()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        stories.FailAll(StoriesReply.Status(422));
        var events = Enumerable.Range(0, 45).Select(i => SegmentEventBuilder.Track().With("userId", $"user-{i}")).ToList();
        await forwarder.PostAsync("[" + string.Join(",", events.Select(e => e.Json())) + "]");
        await forwarder.DeliverVisibleAsync();

        var seen = new List<string>();
        var pages = 0;
        string? next = null;
        do
        {
            using var page = await CallAsync(forwarder, "GET", "dead-letters?max=20" + (next is null ? string.Empty : "&next=" + Uri.EscapeDataString(next)));
            seen.AddRange(page.RootElement.GetProperty("deadLetters").EnumerateArray().Select(d => d.GetProperty("messageId").GetString()!));
            next = page.RootElement.GetProperty("next").GetString();
            pages++;
        }
        while (next is not null && pages < 10);

        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.EquivalentTo(events.Select(e => e.MessageId)));
            Assert.That(pages, Is.InRange(3, 4));
        });
    }

    [Test]
    public async Task HostMovedEnvelope_IsAdoptedAsANeverExpiringDeadLetterAndReplays()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        var packer = new EnvelopePacker(attempt: 1);
        var evt = SegmentEventBuilder.Track();
        packer.Add(evt.MessageId, DateTimeOffset.UtcNow, evt.Element());
        await forwarder.Poison.SendMessageAsync(packer.Complete().Single());

        await forwarder.AdoptPoisonAsync();
        using var listed = await CallAsync(forwarder, "GET", "dead-letters");
        using var replayed = await CallAsync(forwarder, "POST", "dead-letters/replay");
        await forwarder.DeliverVisibleAsync();

        var entry = listed.RootElement.GetProperty("deadLetters").EnumerateArray().Single();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(entry.GetProperty("messageId").GetString(), Is.EqualTo(evt.MessageId));
            Assert.That(entry.GetProperty("reason").GetString(), Is.EqualTo("the invocation failed 5 times"), "host.json's maxDequeueCount");
            Assert.That(await forwarder.PeekAllAsync(forwarder.Poison), Is.Empty, "adopted out of the expiring poison queue");
            Assert.That(replayed.RootElement.GetProperty("done").GetInt32(), Is.EqualTo(1));
            Assert.That(stories.Requests, Has.Count.EqualTo(1));
            Assert.That(forwarder.Logs.GetSnapshot().Count(l => l.Id.Name == "DeadLettered"), Is.EqualTo(1), "alerted on like the app's own");
        });
    }

    [Test]
    public async Task Replay_UnreadableMessage_StaysForAnOperator()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        await forwarder.Poison.SendMessageAsync("garbage");
        await forwarder.AdoptPoisonAsync();

        using var replayed = await CallAsync(forwarder, "POST", "dead-letters/replay");
        using var listed = await CallAsync(forwarder, "GET", "dead-letters");

        Assert.Multiple(() =>
        {
            Assert.That(replayed.RootElement.GetProperty("done").GetInt32(), Is.EqualTo(0));
            Assert.That(listed.RootElement.GetProperty("deadLetters")[0].GetProperty("reason").GetString(), Is.EqualTo(DeadLetter.UnreadableReason));
        });
    }

    [TestCase("dead-letters?max=0")]
    [TestCase("dead-letters?max=abc")]
    [TestCase("dead-letters?max=1001")]
    public async Task List_MaxOutOfRange_Answers400(string path)
    {
        await using var forwarder = await Forwarder.StartAsync(new Uri("http://127.0.0.1:9/v1/"));
        var request = new FakeHttpRequestData(new FakeFunctionContext(forwarder.Services), "GET", new Uri("http://localhost:7071/api/" + path), null);

        var response = await forwarder.Create<DeadLettersFunction>().List(request, CancellationToken.None);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
