using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using StoriesFunctions.DeadLetters;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// Erasing a person under the real host, two instances: when the erasure starts, the user has a dead letter, events
/// waiting for a retry and events just queued. Afterwards Stories holds no such user and receives nothing more for
/// them, their dead letters are gone, a later call for them is skipped, and another user is untouched.
/// </summary>
[Category("Host")]
public class ErasureUnderHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>Short Stories calls and claim lease: the erasure's second pass comes about 25 s after its first.</summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Stories__QuickRetries"] = "0",
        ["Stories__AttemptTimeout"] = "00:00:01",
        ["Delivery__ClaimLease"] = "00:00:05",
        ["Delivery__InitialRetryDelay"] = "00:00:02",
        ["Delivery__MaxAttempts"] = "50",
    };

    private static async Task WaitForAsync(Func<Task<bool>> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
        }
    }

    private static bool For(RecordedRequest request, string userId) => request.Body.Contains(userId, StringComparison.Ordinal);

    [Test]
    [CancelAfter(300_000)]
    public async Task Erase_UserWithQueuedRetryingAndDeadLetteredEvents_NothingLeftNothingMoreSentOthersUntouched(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(2, Settings, cancellationToken: cancellationToken);
        var store = new DeadLetterStore(new TableServiceClient(cluster.StorageConnectionString));
        var (erased, kept) = ("erase-" + Guid.NewGuid().ToString("N")[..8], "keep-" + Guid.NewGuid().ToString("N")[..8]);
        var stories = cluster.Stories;
        string Track(string user, string name) => SegmentEventBuilder.Track().With("userId", user).With("event", name).Json();

        // Delivered: both users exist in Stories.
        await cluster[0].PostWebhookAsync($"[{SegmentEventBuilder.Identify().With("userId", erased).Json()},{Track(kept, "k1")}]", cancellationToken: cancellationToken);
        await WaitForAsync(() => Task.FromResult(stories.Users.Contains(erased) && stories.Users.Contains(kept)), Patience, cancellationToken);

        // Dead-lettered: Stories refuses their event.
        stories.FailAll(StoriesReply.Status(422, "{\"message\":\"invalid\"}").ForPath("/v1/events"));
        await cluster[1].PostWebhookAsync(Track(erased, "refused"), cancellationToken: cancellationToken);
        var mine = new DeadLetterFilter(UserId: erased);
        await WaitForAsync(async () => (await store.CountAsync(mine, 10, cancellationToken)).Count == 1, Patience, cancellationToken);

        // Waiting for a retry, and just queued, when the erasure starts: Stories is down for events.
        stories.FailAll(StoriesReply.Status(503).ForPath("/v1/events"));
        await cluster[0].PostWebhookAsync(Track(erased, "retrying"), cancellationToken: cancellationToken);
        await WaitForAsync(() => Task.FromResult(stories.Requests.Any(r => r.StatusCode == 503 && For(r, erased))), Patience, cancellationToken);
        await cluster[1].PostWebhookAsync($"[{Track(erased, "queued")},{Track(kept, "k2")}]", cancellationToken: cancellationToken);
        var deadLettersBefore = (await store.CountAsync(mine, 10, cancellationToken)).Count;
        var requestsAtErasure = stories.Requests.Count;

        using var started = await cluster[0].PostAsync("api/erasures", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { userId = erased })), cancellationToken: cancellationToken);
        using var job = JsonDocument.Parse(await started.Content.ReadAsStringAsync(cancellationToken));
        var location = started.Headers.Location?.OriginalString;
        JsonElement final = default;
        async Task<bool> JobAsync(Func<JsonElement, bool> done)
        {
            using var shown = JsonDocument.Parse(await cluster[1].Http.GetStringAsync(location!.TrimStart('/'), cancellationToken));
            final = shown.RootElement.Clone();
            return done(final);
        }

        // Stories comes back once every instance knows (the list is re-read within 10 s): from then on, nothing of theirs is posted.
        await WaitForAsync(() => JobAsync(j => j.GetProperty("suppressedAt").ValueKind == JsonValueKind.String), Patience, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(12), cancellationToken);
        stories.Recover();
        await WaitForAsync(() => JobAsync(j => j.GetProperty("status").GetString() is "completed" or "failed"), Patience, cancellationToken);
        await cluster.WaitUntilEventsQueueEmptyAsync(Patience, cancellationToken);
        var requestsAtCompletion = stories.Requests.Count;
        using var later = await cluster[1].PostWebhookAsync($"[{Track(erased, "later")},{Track(kept, "k3")}]", cancellationToken: cancellationToken);
        var laterAnswer = await later.Content.ReadAsStringAsync(cancellationToken);
        await WaitForAsync(() => Task.FromResult(stories.Requests.Any(r => r.StatusCode == 201 && r.Body.Contains("k3", StringComparison.Ordinal))), Patience, cancellationToken);
        await cluster.WaitUntilEventsQueueEmptyAsync(Patience, cancellationToken);

        var keptCreated = stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 } && For(r, kept)).Select(r => r.Json.GetProperty("data").GetProperty("content").GetString()).ToList();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(deadLettersBefore, Is.EqualTo(1), "the arrangement dead-lettered one event");
            Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(location, Is.EqualTo("/api/erasures/" + job.RootElement.GetProperty("id").GetString()));
            Assert.That(final.GetProperty("status").GetString(), Is.EqualTo("completed"), final.GetRawText());
            Assert.That(final.GetProperty("deadLettersPurged").GetInt32(), Is.EqualTo(1));
            Assert.That(final.GetRawText(), Does.Not.Contain(erased));
            Assert.That(stories.Users, Does.Not.Contain(erased).And.Contain(kept), "Stories holds no such user; the other is there");
            Assert.That(stories.Requests.Skip(requestsAtErasure).Where(r => r is { Path: "/v1/events", StatusCode: 201 } && For(r, erased)),
                Is.Empty, "none of their events was created in Stories once the erasure started");
            Assert.That(stories.Requests.Skip(requestsAtCompletion).Where(r => For(r, erased)), Is.Empty, "nothing more for them after the erasure");
            Assert.That((await store.CountAsync(mine, 10, cancellationToken)).Count, Is.Zero, "their dead letters are gone");
            Assert.That(later.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(laterAnswer, Does.Contain("\"queued\":1").And.Contain("user erased"));
            Assert.That(keptCreated, Is.EquivalentTo(new[] { "k1", "k2", "k3" }), "the other user's events, each once");
        });
    }
}
