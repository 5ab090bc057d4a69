using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.DeadLetters;
using StoriesFunctions.Functions;

namespace StoriesFunctions.Tests.Functions;

/// <summary>Dead-letter jobs against real Azurite: what they can be given, and how they end when storage fails them.</summary>
public class DeadLetterJobsFunctionTests
{
    private StoriesStandIn stories = null!;
    private Forwarder forwarder = null!;
    private List<SegmentEventBuilder> refused = null!;

    [SetUp]
    public async Task TwoDeadLettersAsync()
    {
        stories = await StoriesStandIn.StartAsync();
        forwarder = await Forwarder.StartAsync(stories.BaseUrl, Settings);
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

    /// <summary>Big pieces, and a retry delay of a tenth of a second (a queue's delay rounds down to whole seconds).</summary>
    private static void Settings(Dictionary<string, string?> settings)
    {
        settings["DeadLetters:JobPieceSize"] = "1000";
        settings["DeadLetters:JobRetryDelay"] = "00:00:00.100";
    }

    /// <summary>This app again, its Tables calls to <c>deadletters</c> (of <paramref name="method"/>, or any) failing with 503 while <paramref name="failing"/> says so.</summary>
    private async Task<Forwarder> WithDeadLettersFailingAsync(Func<bool> failing, string? method = null)
    {
        var azurite = await Azurite.EnsureStartedAsync();
        var hook = new TableRequestHook(
            r => r.Uri.ToUri().AbsolutePath.Contains("/deadletters(", StringComparison.Ordinal) && (method is null || r.Method.Method == method) && failing(),
            _ => throw new Azure.RequestFailedException(503, "The server is busy.", "ServerBusy", null));
        return await Forwarder.StartAsync(stories.BaseUrl, Settings, azurite.ConnectionString, hook.Install(azurite.ConnectionString));
    }

    /// <summary>Starts a job and plays the host until it finishes (or 30 s pass): pieces, their retries, and poison.</summary>
    private static async Task<JsonElement> RunJobAsync(Forwarder app, string path, string? body = null)
    {
        var (status, started) = await app.ApiAsync("POST", path, body);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), started?.RootElement.GetRawText());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await app.RunJobsAsync();
            await app.FailPoisonedJobsAsync();
            var (_, job) = await app.ApiAsync("GET", "dead-letters/jobs/" + started!.RootElement.GetProperty("id").GetString());
            if (job!.RootElement.GetProperty("status").GetString() is "completed" or "failed" || DateTime.UtcNow > deadline)
            {
                return job.RootElement.Clone();
            }

            await Task.Delay(250);
        }
    }

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

    [Test]
    public async Task Replay_BodyOverTheCap_Answers413AndStartsNothing()
    {
        var padding = new string(' ', DeadLetterQuery.MaxBodyBytes);
        var body = Body([refused[0].MessageId]).Insert(1, padding);

        var (status, json) = await forwarder.ApiAsync("POST", "dead-letters/replay", body);
        var queuedPieces = await forwarder.PeekAllAsync(forwarder.Jobs);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(json!.RootElement.GetProperty("error").GetString(), Does.Contain($"at most {DeadLetterQuery.MaxBodyBytes} bytes"));
            Assert.That(queuedPieces, Is.Empty);
        });
    }

    /// <summary>GET: the piece fails before it queued anything. DELETE: after it queued its events, so each try queues them again.</summary>
    [TestCase("GET")]
    [TestCase("DELETE")]
    public async Task RunPiece_StorageFailsFiveTimesInARow_TriesAgainLaterAndCompletes(string failingMethod)
    {
        var failures = 5;
        await using var app = await WithDeadLettersFailingAsync(() => Interlocked.Decrement(ref failures) >= 0, failingMethod);

        var job = await RunJobAsync(app, "dead-letters/replay");
        await app.DeliverVisibleAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("completed"), job.GetRawText());
            Assert.That(job.GetProperty("done").GetInt32(), Is.EqualTo(2));
            Assert.That(failures, Is.Negative, "storage failed five times, then worked");
            Assert.That(stories.Requests.Count(r => r.StatusCode == 201), Is.EqualTo(2), "each delivered once");
            Assert.That((await app.JobsPoison.PeekMessagesAsync()).Value, Is.Empty, "not burnt through the host's redeliveries");
        });
    }

    [Test]
    public async Task RunPiece_StorageFailsEveryTime_JobFailedWithTheCause()
    {
        await using var app = await WithDeadLettersFailingAsync(() => true);

        var job = await RunJobAsync(app, "dead-letters/purge");

        Assert.Multiple(() =>
        {
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("failed"), job.GetRawText());
            Assert.That(job.GetProperty("error").GetString(), Is.EqualTo("storage failed 8 times in a row (503 ServerBusy)"));
            Assert.That(job.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        });
    }

    [Test]
    public async Task FailPiece_PieceFailingForAnUnexpectedReason_JobFailedSayingItWentToPoison()
    {
        var azurite = await Azurite.EnsureStartedAsync();
        var table = new Azure.Data.Tables.TableClient(azurite.ConnectionString, StoriesFunctions.DeadLetters.DeadLetterStore.TableName);
        await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("deadletter", "broken-1")
        {
            ["MessageId"] = "broken-1", ["Type"] = "track", ["Reason"] = "written by hand", ["Event"] = "{not json"u8.ToArray(),
        });

        var job = await RunJobAsync(forwarder, "dead-letters/replay", Body(["broken-1"]));

        Assert.Multiple(() =>
        {
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("failed"), job.GetRawText());
            Assert.That(job.GetProperty("error").GetString(), Does.Contain("deadletter-jobs-poison"));
        });
    }

    [Test]
    public async Task ExpireDeadLetters_JobWithoutProgressAnHourPastItsLongestRetry_MarkedFailedOthersLeft()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Forwarder.StartAsync(stories.BaseUrl, Settings, services: b => b.Services.AddSingleton<TimeProvider>(clock));
        var (_, lost) = await app.ApiAsync("POST", "dead-letters/purge");
        clock.Advance(TimeSpan.FromMinutes(61)); // the longest retry is 6.3 s with a first delay of 0.1 s
        var (_, recent) = await app.ApiAsync("POST", "dead-letters/purge");
        await app.Jobs.ClearMessagesAsync(); // both pieces lost

        await app.Create<StoriesFunctions.Functions.DeadLetterRetentionFunction>().Run(null!, CancellationToken.None);

        var (_, lostJob) = await app.ApiAsync("GET", "dead-letters/jobs/" + lost!.RootElement.GetProperty("id").GetString());
        var (_, recentJob) = await app.ApiAsync("GET", "dead-letters/jobs/" + recent!.RootElement.GetProperty("id").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(lostJob!.RootElement.GetProperty("status").GetString(), Is.EqualTo("failed"));
            Assert.That(lostJob.RootElement.GetProperty("error").GetString(), Does.StartWith("no progress for 60 minutes"));
            Assert.That(recentJob!.RootElement.GetProperty("status").GetString(), Is.EqualTo("queued"), "an hour has not passed for this one");
        });
    }
}
