using System.Net;
using System.Text.Json;
using StoriesFunctions.Erasure;
using StoriesFunctions.Functions;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// Erasing a person in-process against real Azurite and the Stories stand-in: a user with a delivered event, a dead
/// letter, an event waiting for a retry and one still queued when the erasure starts.
/// </summary>
public class ErasuresFunctionTests
{
    private StoriesStandIn stories = null!;
    private Forwarder forwarder = null!;
    private string erased = null!;
    private string kept = null!;

    /// <summary>Short calls and lease, so that the erasure's second pass comes within seconds (<see cref="ErasureRunner.ConfirmDelay"/>).</summary>
    [SetUp]
    public async Task StartAsync()
    {
        stories = await StoriesStandIn.StartAsync();
        forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["Stories:QuickRetries"] = "0";
            s["Stories:AttemptTimeout"] = "00:00:01";
            s["Delivery:ClaimLease"] = "00:00:05";
        });
        erased = "erase-" + Guid.NewGuid().ToString("N")[..8];
        kept = "keep-" + Guid.NewGuid().ToString("N")[..8];
    }

    [TearDown]
    public async Task StopAsync()
    {
        await forwarder.DisposeAsync();
        await stories.DisposeAsync();
    }

    private static string UserBody(string userId) => JsonSerializer.Serialize(new { userId });

    private static SegmentEventBuilder Track(string userId) => SegmentEventBuilder.Track().With("userId", userId);

    private List<RecordedRequest> PostsFor(string userId) =>
        stories.Requests.Where(r => r.Method == "POST" && r.Body.Contains(userId, StringComparison.Ordinal)).ToList();

    [Test]
    public async Task Erase_UserQueuedRetryingAndDeadLettered_NothingLeftAndNothingMoreSent()
    {
        await forwarder.PostAsync($"[{SegmentEventBuilder.Identify().With("userId", erased).Json()},{Track(kept).Json()}]");
        await forwarder.DeliverVisibleAsync();
        stories.Enqueue(StoriesReply.Status(422).ForPath("/v1/events"));
        await forwarder.PostAsync(Track(erased).Json());
        await forwarder.DeliverVisibleAsync();
        stories.Enqueue(StoriesReply.Status(503).ForPath("/v1/events"));
        await forwarder.PostAsync(Track(erased).Json());
        await forwarder.DeliverVisibleAsync();
        await forwarder.PostAsync(Track(erased).Json());
        var deadLettersBefore = await forwarder.DeadLettersAsync();
        var postsBefore = PostsFor(erased).Count;

        var (status, started) = await forwarder.ApiAsync("POST", "erasures", UserBody(erased));
        await forwarder.RunErasuresAsync();
        await forwarder.DeliverUntilAsync(() => false, TimeSpan.FromSeconds(4));
        var jobId = started!.RootElement.GetProperty("id").GetString();
        var job = await WaitForJobAsync(jobId!);
        var later = await forwarder.PostAsync($"[{Track(erased).Json()},{Track(kept).Json()}]");
        await forwarder.DeliverVisibleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(started.RootElement.GetProperty("status").GetString(), Is.EqualTo("queued"));
            Assert.That(deadLettersBefore, Has.Count.EqualTo(1), "the arrangement dead-lettered one event");
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("completed"), job.GetRawText());
            Assert.That(job.GetProperty("deadLettersPurged").GetInt32(), Is.EqualTo(1));
            Assert.That(job.GetProperty("storiesUsersDeleted").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(job.GetRawText(), Does.Not.Contain(erased));
            Assert.That(stories.Users, Does.Not.Contain(erased).And.Contain(kept));
            Assert.That(PostsFor(erased).Where(r => r.Path.EndsWith("/events", StringComparison.Ordinal)).Skip(postsBefore), Is.Empty,
                "no event of the erased user reached Stories after the erasure");
            Assert.That(later.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(later.ReadBody(), Does.Contain("\"queued\":1").And.Contain("user erased"));
            Assert.That(stories.Requests.Count(r => r.Path == "/v1/events" && r.Body.Contains(kept, StringComparison.Ordinal) && r.StatusCode == 201), Is.EqualTo(2));
        });
        Assert.That(await forwarder.DeadLettersAsync(), Is.Empty);
    }

    [Test]
    public async Task Lift_AfterErasure_UsersEventsAreQueuedAgain()
    {
        await forwarder.ApiAsync("POST", "erasures", UserBody(erased));
        await forwarder.RunErasuresAsync();
        var skipped = await forwarder.PostAsync(Track(erased).Json());

        var (status, lifted) = await forwarder.ApiAsync("POST", "erasures/lift", UserBody(erased));
        var again = await forwarder.PostAsync(Track(erased).Json());

        Assert.Multiple(() =>
        {
            Assert.That(skipped.ReadBody(), Does.Contain("user erased"));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(lifted!.RootElement.GetProperty("lifted").GetBoolean(), Is.True);
            Assert.That(again.ReadBody(), Does.Contain("\"queued\":1"));
        });
    }

    [TestCase("")]
    [TestCase("{}")]
    [TestCase("{\"userId\": {\"a\": 1}}")]
    [TestCase("not json")]
    public async Task Start_WithoutAUserId_Answers400(string body)
    {
        var (status, _) = await forwarder.ApiAsync("POST", "erasures", body);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Start_BodyOverTheCap_Answers413StartingNothing()
    {
        var (status, _) = await forwarder.ApiAsync("POST", "erasures", UserBody(erased).Insert(1, new string(' ', ErasuresFunction.MaxBodyBytes)));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(await forwarder.PeekAllAsync(forwarder.Erasures), Is.Empty);
        });
    }

    private async Task<JsonElement> WaitForJobAsync(string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            await forwarder.RunErasuresAsync();
            var (_, job) = await forwarder.ApiAsync("GET", "erasures/" + id);
            if (job!.RootElement.GetProperty("status").GetString() is "completed" or "failed" || DateTime.UtcNow > deadline)
            {
                return job.RootElement.Clone();
            }

            await Task.Delay(500);
        }
    }
}
