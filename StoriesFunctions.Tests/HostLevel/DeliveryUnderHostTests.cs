using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// "Nothing lost, nothing doubled" where users run it: the real Functions host, two instances competing for one queue
/// on one Azurite, each dequeuing a batch and running it in parallel. One test per way an event was lost or doubled.
/// </summary>
[Category("Host")]
public class DeliveryUnderHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);


    private static List<RecordedRequest> Created(HostCluster cluster) =>
        cluster.Stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 }).ToList();

    private static string Content(RecordedRequest request) => request.Json.GetProperty("data").GetProperty("content").GetString()!;

    private static string Batch(IEnumerable<SegmentEventBuilder> events) => "[" + string.Join(",", events.Select(e => e.Json())) + "]";

    private static async Task WaitForAsync(Func<Task<bool>> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task SameCallThreeTimesAtOnceToTwoInstances_EveryEventIsCreatedOnce(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(cancellationToken: cancellationToken);
        var events = Enumerable.Range(0, 60).Select(i => SegmentEventBuilder.Track().With("userId", $"user-{i % 7}").With("event", $"e{i}")).ToList();
        var body = Batch(events);

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster[i % 2].PostWebhookAsync(body, cancellationToken: cancellationToken)));
        await WaitForAsync(() => Task.FromResult(Created(cluster).Count >= 60), Patience, cancellationToken);
        await cluster.WaitUntilEventsQueueEmptyAsync(Patience, cancellationToken);

        var created = Created(cluster).Select(Content).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(created, Is.EquivalentTo(events.Select((_, i) => $"e{i}")), "each of the 60 events exactly once");
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task SameMessageIdInTwoCallsDequeuedTogether_IsCreatedOnce(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(cancellationToken: cancellationToken);
        var evt = SegmentEventBuilder.Track().With("event", "once");

        // Slow answers keep the first copy in flight while the second is dequeued beside it.
        cluster.Stories.Enqueue(StoriesReply.Delay(TimeSpan.FromMilliseconds(500)));
        await Task.WhenAll(cluster[0].PostWebhookAsync(evt.Json(), cancellationToken: cancellationToken), cluster[1].PostWebhookAsync(evt.Json(), cancellationToken: cancellationToken));
        await WaitForAsync(() => Task.FromResult(Created(cluster).Count >= 1), Patience, cancellationToken);
        await cluster.WaitUntilEventsQueueEmptyAsync(Patience, cancellationToken);

        Assert.That(Created(cluster).Select(Content), Is.EqualTo(new[] { "once" }));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task AUsersFirstEventFailsForThreeSeconds_TheUsersEventsArriveInCallOrder(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(cancellationToken: cancellationToken);
        var events = new[] { "first", "second", "third" }.Select(name => SegmentEventBuilder.Track().With("userId", "ada").With("event", name)).ToList();
        cluster.Stories.FailAll(StoriesReply.Status(500));

        await cluster[0].PostWebhookAsync(Batch(events), cancellationToken: cancellationToken);
        await cluster.Stories.WaitForRequestsAsync(1, Patience, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        cluster.Stories.Recover();
        await WaitForAsync(() => Task.FromResult(Created(cluster).Count >= 3), Patience, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(Created(cluster).Select(Content), Is.EqualTo(new[] { "first", "second", "third" }));
            Assert.That(cluster.Stories.Requests.Where(r => r.StatusCode == 500).Select(Content), Is.All.EqualTo("first"), "the later events waited without being tried");
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task KeyRevokedThenFixed_AllDeliveredNoneDeadLettered(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(settings: new Dictionary<string, string?> { ["Delivery__MaxAttempts"] = "2" }, cancellationToken: cancellationToken);
        var events = Enumerable.Range(0, 3).Select(i => SegmentEventBuilder.Track().With("userId", $"user-{i}").With("event", $"e{i}")).ToList();
        cluster.Stories.FailAll(StoriesReply.Status(401, "{\"message\":\"Unauthenticated.\"}"));

        await cluster[0].PostWebhookAsync(Batch(events), cancellationToken: cancellationToken);
        await WaitForAsync(() => Task.FromResult(cluster.Stories.Requests.Count >= 4), Patience, cancellationToken);
        var refused = cluster.Stories.Requests.Count;
        cluster.Stories.Recover();
        await WaitForAsync(() => Task.FromResult(Created(cluster).Count >= 3), Patience, cancellationToken);
        await cluster.WaitUntilEventsQueueEmptyAsync(Patience, cancellationToken);

        var deadLetters = await new DeadLetterStore(new TableServiceClient(cluster.StorageConnectionString)).ListAsync(100, null, false, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.GreaterThanOrEqualTo(4), "more refused rounds than MaxAttempts allows attempts");
            Assert.That(Created(cluster).Select(Content), Is.EquivalentTo(new[] { "e0", "e1", "e2" }));
            Assert.That(deadLetters.Page, Is.Empty);
            Assert.That(cluster.Hosts.Any(h => h.Output.Contains("Stories refused the configuration")), Is.True, "each round logs an error");
        });
    }

    [Test]
    [CancelAfter(150_000)]
    public async Task PoisonMessage_EndsAsNeverExpiringDeadLettersSkippingWhatWasDeliveredAndReplays(CancellationToken cancellationToken)
    {
        // What the host moves to the poison queue after maxDequeueCount failed invocations: since a failure of our own
        // storage no longer fails an invocation, only crashes and a queue that cannot be written lead here, so the test
        // puts the envelope there as the host would. One of its events was delivered before the crashes.
        await using var cluster = await HostCluster.StartAsync(instances: 1, cancellationToken: cancellationToken);
        var (lost, delivered) = (SegmentEventBuilder.Track().With("event", "crash-looped"), SegmentEventBuilder.Track().With("event", "delivered-before"));
        await RecordDeliveredAsync(cluster.StorageConnectionString, delivered.MessageId);
        var packer = new EnvelopePacker();
        foreach (var evt in new[] { lost, delivered })
        {
            using var json = JsonDocument.Parse(evt.Json());
            packer.Add(evt.MessageId, DateTimeOffset.UtcNow, json.RootElement);
        }

        await cluster.Poison.SendMessageAsync(packer.Complete().Single(), cancellationToken: cancellationToken);
        var store = new DeadLetterStore(new TableServiceClient(cluster.StorageConnectionString));
        await WaitForAsync(async () => (await store.ListAsync(10, null, false, cancellationToken)).Page.Count > 0, Patience, cancellationToken);
        var (listed, _) = await store.ListAsync(10, null, false, cancellationToken);
        var poisonLeft = (await cluster.Poison.PeekMessagesAsync(32, cancellationToken)).Value.Length;
        using var replayed = await cluster[0].Http.PostAsync(new Uri(cluster[0].BaseAddress, "api/dead-letters/replay"), null, cancellationToken);
        await WaitForAsync(() => Task.FromResult(Created(cluster).Count >= 1), Patience, cancellationToken);
        await cluster.WaitUntilEventsQueueEmptyAsync(Patience, cancellationToken);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(listed.Select(d => (d.Letter.MessageId, d.Letter.Reason)), Is.EqualTo(new[] { ((string?)lost.MessageId, "the invocation failed 5 times") }), "the delivered event is not a dead letter");
            Assert.That(poisonLeft, Is.Zero, "adopted out of the poison queue, whose messages expire");
            Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "a replay job");
            Assert.That(Created(cluster).Select(Content), Is.EqualTo(new[] { "crash-looped" }), "the replay posts only what Stories did not have");
            Assert.That((await store.ListAsync(10, null, false, cancellationToken)).Page, Is.Empty);
        });
    }

    /// <summary>A claim row as a holder leaves it once Stories accepted the event.</summary>
    private static async Task RecordDeliveredAsync(string connectionString, string messageId)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(
            DeliveryTables.TablePrefix + (DateTimeOffset.UtcNow.ToUnixTimeSeconds() / (long)TimeSpan.FromDays(7).TotalSeconds));
        await table.CreateIfNotExistsAsync();
        var (partition, row) = DeliveryTables.Keys(messageId);
        await table.UpsertEntityAsync(new TableEntity(partition, row) { ["Owner"] = string.Empty, ["EventDoneAt"] = DateTimeOffset.UtcNow, ["Steps"] = 2 });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task ClaimHolderDied_TheEventWaitsOutTheLeaseThenIsDeliveredOnce(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Delivery__ClaimLease"] = "00:00:09",
            ["Stories__AttemptTimeout"] = "00:00:02",
            ["Stories__QuickRetries"] = "0",
        }, cancellationToken: cancellationToken);
        var evt = SegmentEventBuilder.Track().With("event", "orphaned");
        // Long enough that the event meets the live lease even when the first invocation of a loaded machine is slow.
        var leaseUntil = await ClaimAsADeadHolderAsync(cluster.StorageConnectionString, evt.MessageId, TimeSpan.FromSeconds(15));

        await cluster[0].PostWebhookAsync(evt.Json(), cancellationToken: cancellationToken);
        await WaitForAsync(() => Task.FromResult(Created(cluster).Count >= 1), Patience, cancellationToken);
        await cluster.WaitUntilEventsQueueEmptyAsync(Patience, cancellationToken);

        var created = Created(cluster);
        Assert.Multiple(() =>
        {
            Assert.That(created.Select(Content), Is.EqualTo(new[] { "orphaned" }));
            Assert.That(created[0].ReceivedAt, Is.GreaterThanOrEqualTo(leaseUntil), "nothing is posted while the dead holder's lease lives");
            Assert.That(cluster.Hosts.Any(h => h.Output.Contains("is being delivered by another copy")), Is.True);
        });
    }

    /// <summary>A claim row as an instance that died mid-post leaves it: an owner, a lease, no completion.</summary>
    private static async Task<DateTimeOffset> ClaimAsADeadHolderAsync(string connectionString, string messageId, TimeSpan lease)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(
            DeliveryTables.TablePrefix + (DateTimeOffset.UtcNow.ToUnixTimeSeconds() / (long)TimeSpan.FromDays(7).TotalSeconds));
        await table.CreateIfNotExistsAsync();
        var (partition, row) = DeliveryTables.Keys(messageId);
        var until = DateTimeOffset.UtcNow + lease;
        await table.AddEntityAsync(new TableEntity(partition, row) { ["Owner"] = "dead-instance:1:0", ["LeaseUntil"] = until });
        return until;
    }
}
