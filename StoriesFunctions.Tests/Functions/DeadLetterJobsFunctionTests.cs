using System.Net;
using System.Text.Json;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>Dead-letter jobs against real Azurite: what they can be given, and how they end when storage fails them.</summary>
[NonParallelizable]
public class DeadLetterJobsFunctionTests
{
    private StoriesStandIn stories = null!;
    private Forwarder forwarder = null!;
    private List<SegmentEventBuilder> refused = null!;

    [SetUp]
    public async Task TwoDeadLettersAsync()
    {
        stories = await StoriesStandIn.StartAsync();
        forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["DeadLetters:JobPieceSize"] = "1000");
        refused = [SegmentEventBuilder.Track(), SegmentEventBuilder.Track()];
        stories.FailAll(StoriesReply.Status(422, "{\"message\":\"invalid\"}"));
        await forwarder.PostAsync("[" + string.Join(",", refused.Select(e => e.Json())) + "]");
        await forwarder.DeliverVisibleAsync();
        stories.Recover();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await forwarder.DisposeAsync();
        await stories.DisposeAsync();
    }

    private static string Body(IEnumerable<string> ids) => JsonSerializer.Serialize(new { messageIds = ids });

    /// <summary>512 characters is the longest messageId ingest accepts (it is kept hashed); 200 plain ones are kept as they are, the most room taken.</summary>
    [TestCase(512)]
    [TestCase(200)]
    public async Task Replay_TenThousandIdsOfTheLongestLength_StoredAndEachLookedUpOnce(int length)
    {
        var ids = Enumerable.Range(0, 9_998).Select(i => i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture).PadRight(length, 'x'))
            .Prepend(refused[0].MessageId).Append(refused[1].MessageId).ToList();

        var (status, started) = await forwarder.ApiAsync("POST", "dead-letters/replay", Body(ids));
        await forwarder.RunJobsAsync();
        var (_, job) = await forwarder.ApiAsync("GET", "dead-letters/jobs/" + started?.RootElement.GetProperty("id").GetString());
        await forwarder.DeliverVisibleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), started?.RootElement.GetRawText());
            Assert.That(job!.RootElement.GetProperty("messageIds").GetInt32(), Is.EqualTo(10_000));
            Assert.That(job.RootElement.GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That(job.RootElement.GetProperty("done").GetInt32(), Is.EqualTo(2), "the first and the last id");
            Assert.That(job.RootElement.GetProperty("skipped").GetInt32(), Is.EqualTo(9_998));
            Assert.That(stories.Requests.Count(r => r.StatusCode == 201), Is.EqualTo(2));
        });
    }

    [TestCase(513, 1)]
    [TestCase(1, 10_001)]
    public async Task Replay_MoreOrLongerIdsThanAllowed_Answers400(int length, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(length, '0'));

        var (status, json) = await forwarder.ApiAsync("POST", "dead-letters/replay", Body(ids));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(json!.RootElement.GetProperty("error").GetString(), Does.Contain("512 characters"));
        });
    }
}
