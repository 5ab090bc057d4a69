using System.Net;
using System.Text.Json;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// What an operator does with dead letters, through the HTTP API: 40 of them with three reasons, listed in pages,
/// filtered, counted, replayed as a job once the cause is fixed (each delivered once), and purged.
/// </summary>
public class DeadLetterOperationsTests
{
    private StoriesStandIn stories = null!;
    private Forwarder forwarder = null!;
    private List<SegmentEventBuilder> refused = null!;
    private List<SegmentEventBuilder> exhausted = null!;
    private List<SegmentEventBuilder> moved = null!;

    [SetUp]
    public async Task FortyDeadLettersWithThreeReasonsAsync()
    {
        stories = await StoriesStandIn.StartAsync();
        forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Delivery:MaxAttempts"] = "1");
        refused = [.. Enumerable.Range(0, 15).Select(i => SegmentEventBuilder.Track().With("userId", $"refused-{i}").With("event", $"Refused {i}"))];
        exhausted = [.. Enumerable.Range(0, 15).Select(i => SegmentEventBuilder.Identify().With("userId", $"exhausted-{i}"))];
        moved = [.. Enumerable.Range(0, 10).Select(i => SegmentEventBuilder.Track().With("userId", $"moved-{i}").With("event", $"Moved {i}"))];

        stories.FailAll(StoriesReply.Status(422, "{\"message\":\"invalid\"}"));
        await forwarder.PostAsync("[" + string.Join(",", refused.Select(e => e.Json())) + "]");
        await forwarder.DeliverVisibleAsync();
        stories.FailAll(StoriesReply.Status(503));
        await forwarder.PostAsync("[" + string.Join(",", exhausted.Select(e => e.Json())) + "]");
        await forwarder.DeliverVisibleAsync();
        var packer = new EnvelopePacker();
        foreach (var evt in moved)
        {
            packer.Add(evt.MessageId, DateTimeOffset.UtcNow, evt.Element());
        }

        foreach (var envelope in packer.Complete())
        {
            await forwarder.Poison.SendMessageAsync(envelope);
        }

        await forwarder.AdoptPoisonAsync();
        stories.Recover();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await forwarder.DisposeAsync();
        await stories.DisposeAsync();
    }

    private async Task<List<JsonElement>> ListAllAsync(string query, int pageSize)
    {
        var (items, next, pages) = (new List<JsonElement>(), (string?)null, 0);
        do
        {
            var (status, json) = await forwarder.ApiAsync("GET", $"dead-letters?max={pageSize}{query}" + (next is null ? string.Empty : "&next=" + Uri.EscapeDataString(next)));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            items.AddRange(json!.RootElement.GetProperty("deadLetters").EnumerateArray().Select(e => e.Clone()));
            next = json.RootElement.GetProperty("next").GetString();
        }
        while (next is not null && ++pages < 20);

        return items;
    }

    private Task<JsonElement> RunJobAsync(string path, string? body = null) => RunJobAsync(forwarder, path, body);

    private static async Task<JsonElement> RunJobAsync(Forwarder app, string path, string? body = null)
    {
        var (status, json) = await app.ApiAsync("POST", path, body);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), json?.RootElement.GetRawText());
        Assert.That(json!.RootElement.GetProperty("status").GetString(), Is.EqualTo("queued"));
        await app.RunJobsAsync();
        var (_, job) = await app.ApiAsync("GET", "dead-letters/jobs/" + json.RootElement.GetProperty("id").GetString());
        return job!.RootElement.Clone();
    }

    /// <summary>This app again, its Tables calls through <paramref name="hook"/>, on the same storage (nothing cleared).</summary>
    private async Task<Forwarder> WithHookAsync(TableRequestHook hook)
    {
        var azurite = await Azurite.EnsureStartedAsync();
        return await Forwarder.StartAsync(stories.BaseUrl, s => s["Delivery:MaxAttempts"] = "1", azurite.ConnectionString, hook.Install(azurite.ConnectionString));
    }

    [Test]
    public async Task List_InPagesOfFifteen_EveryDeadLetterOnceWithItsReasonKind()
    {
        var all = await ListAllAsync(string.Empty, 15);

        Assert.Multiple(() =>
        {
            Assert.That(all.Select(d => d.GetProperty("messageId").GetString()).ToList(), Is.Unique.And.Count.EqualTo(40));
            Assert.That(all.GroupBy(d => d.GetProperty("reasonKind").GetString()).ToDictionary(g => g.Key!, g => g.Count()),
                Is.EquivalentTo(new Dictionary<string, int> { ["permanent"] = 15, ["retries exhausted"] = 15, ["host moved"] = 10 }));
            Assert.That(all.Select(d => d.GetRawText()), Has.None.Contains("refused-").And.None.Contains("exhausted-"), "no user ids in the list");
        });
    }

    [TestCase("&reason=permanent", 15)]
    [TestCase("&reason=host%20moved", 10)]
    [TestCase("&status=503", 15)]
    [TestCase("&type=identify", 15)]
    [TestCase("&type=track&reason=host%20moved", 10)]
    [TestCase("&userId=refused-3", 1)]
    [TestCase("&userId=refused", 0)]
    [TestCase("&since=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z", 40)]
    [TestCase("&until=2000-01-01T00:00:00Z", 0)]
    public async Task List_Filtered_OnlyWhatMatches(string query, int expected)
    {
        var matching = await ListAllAsync(query, 7);
        var (_, count) = await forwarder.ApiAsync("GET", "dead-letters/count?" + query.TrimStart('&'));

        Assert.Multiple(() =>
        {
            Assert.That(matching, Has.Count.EqualTo(expected));
            Assert.That(count!.RootElement.GetProperty("count").GetInt32(), Is.EqualTo(expected), "what a replay or purge would touch");
        });
    }

    [Test]
    public async Task List_ByMessageId_ThatOneAndItsEventOnlyWhenOpened()
    {
        var id = exhausted[4].MessageId;

        var listed = await ListAllAsync("&messageId=" + Uri.EscapeDataString(id), 10);
        var (status, opened) = await forwarder.ApiAsync("GET", "dead-letters/events/" + Uri.EscapeDataString(id));

        Assert.Multiple(() =>
        {
            Assert.That(listed.Select(d => d.GetProperty("messageId").GetString()), Is.EqualTo(new[] { id }));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(opened!.RootElement.GetProperty("event").GetProperty("userId").GetString(), Is.EqualTo("exhausted-4"));
        });
    }

    [Test]
    public async Task ReplayJob_OneReasonAfterTheFix_EachDeliveredOnceAndTheRestStay()
    {
        var job = await RunJobAsync("dead-letters/replay?reason=retries%20exhausted");
        await forwarder.DeliverVisibleAsync();
        var again = await RunJobAsync("dead-letters/replay?reason=retries%20exhausted");

        var users = stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 }).Select(r => r.Json.GetProperty("user_id").GetString()).ToList();
        var left = await ListAllAsync(string.Empty, 100);
        Assert.Multiple(() =>
        {
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That(job.GetProperty("done").GetInt32(), Is.EqualTo(15));
            Assert.That(users, Is.EquivalentTo(exhausted.Select(e => (string)e.Build()["userId"]!)), "each delivered once");
            Assert.That(again.GetProperty("done").GetInt32(), Is.Zero, "nothing left to replay");
            Assert.That(left, Has.Count.EqualTo(25));
        });
    }

    [Test]
    public async Task ReplayJob_ListOfMessageIds_OnlyThoseAndMissingOnesSkipped()
    {
        var ids = moved.Take(3).Select(e => e.MessageId).Append("no-such-message").ToList();

        var job = await RunJobAsync("dead-letters/replay", JsonSerializer.Serialize(new { messageIds = ids }));
        await forwarder.DeliverVisibleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(job.GetProperty("done").GetInt32(), Is.EqualTo(3));
            Assert.That(job.GetProperty("skipped").GetInt32(), Is.EqualTo(1));
            Assert.That(stories.Requests.Count(r => r.StatusCode == 201), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task PurgeJob_OneReason_GoneWithTheirEventsOthersKept()
    {
        var job = await RunJobAsync("dead-letters/purge?reason=permanent");

        var (status, _) = await forwarder.ApiAsync("GET", "dead-letters/events/" + Uri.EscapeDataString(refused[0].MessageId));
        var left = await ListAllAsync(string.Empty, 100);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(job.GetProperty("done").GetInt32(), Is.EqualTo(15));
            Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(left.Select(d => d.GetProperty("reasonKind").GetString()).ToList(), Has.None.EqualTo("permanent").And.Count.EqualTo(25));
            Assert.That((await forwarder.DeadLettersAsync()).Select(d => System.Text.Encoding.UTF8.GetString(d.Body.Span)), Has.None.Contains("Refused "), "no event body kept");
        });
    }

    [Test]
    public async Task PurgeJob_Everything_CompletesAndSaysWhen()
    {
        var job = await RunJobAsync("dead-letters/purge");

        Assert.Multiple(() =>
        {
            Assert.That(job.GetProperty("done").GetInt32(), Is.EqualTo(40));
            Assert.That(job.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        });
    }

    [TestCase("replay", "written again", 12, 3, 3)]
    [TestCase("purge", "written again", 12, 3, 3)]
    [TestCase("replay", "deleted", 15, 0, 0)]
    [TestCase("purge", "deleted", 15, 0, 0)]
    public async Task Job_RowsChangedAfterListing_WrittenAgainKeptAndSkippedDeletedDone(string kind, string change, int done, int skipped, int left)
    {
        var azurite = await Azurite.EnsureStartedAsync();
        var table = new Azure.Data.Tables.TableClient(azurite.ConnectionString, DeadLetterStore.TableName);
        var changing = refused.Take(3).Select(e => DeadLetterStore.KeyOf(e.MessageId)).ToHashSet();
        var hook = new TableRequestHook(
            r => r.Method == Azure.Core.RequestMethod.Delete && TableRequestHook.RowKey(r) is { } key && changing.Remove(key),
            async r =>
            {
                var key = TableRequestHook.RowKey(r)!;
                var row = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>("deadletter", key)).Value;
                await (change == "deleted"
                    ? table.DeleteEntityAsync("deadletter", key)
                    : table.UpdateEntityAsync(row, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Replace));
            });
        await using var hooked = await WithHookAsync(hook);

        var job = await RunJobAsync(hooked, $"dead-letters/{kind}?reason=permanent");

        var (_, count) = await forwarder.ApiAsync("GET", "dead-letters/count?reason=permanent");
        Assert.Multiple(() =>
        {
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That(job.GetProperty("done").GetInt32(), Is.EqualTo(done));
            Assert.That(job.GetProperty("skipped").GetInt32(), Is.EqualTo(skipped));
            Assert.That(count!.RootElement.GetProperty("count").GetInt32(), Is.EqualTo(left), "rows written again since they were listed are kept");
        });
    }

    [TestCase("dead-letters/replay?reason=bogus")]
    [TestCase("dead-letters/purge?status=abc")]
    [TestCase("dead-letters/purge?since=yesterday")]
    public async Task Job_MalformedFilter_Answers400WithTheReason(string path)
    {
        var (status, json) = await forwarder.ApiAsync("POST", path);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(json!.RootElement.GetProperty("error").GetString(), Is.Not.Empty);
        });
    }
}
