using System.Text.Json;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// Ingest, queue and delivery together, against real Azurite and a Stories stand-in that fails on cue: each test
/// asserts what Stories received and what is left in the queues.
/// </summary>
public class DeliveryFunctionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static int Accepted(StoriesStandIn stories, string path = "/v1/events") =>
        stories.Requests.Count(r => r.Path == path);


    [Test]
    public async Task Deliver_TwoFailuresThenSuccess_PostsTheEventExactlyOnce()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        stories.Enqueue(StoriesReply.Status(500));
        stories.Enqueue(StoriesReply.Status(500));
        var evt = SegmentEventBuilder.Track();
        await forwarder.PostAsync(evt.Json());

        await forwarder.DeliverUntilAsync(() => stories.Requests.Count >= 3 && Accepted(stories) == 3, Patience);
        await forwarder.DeliverVisibleAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(stories.Requests.Select(r => r.Path), Is.EqualTo(new[] { "/v1/events", "/v1/events", "/v1/events" }));
            Assert.That(stories.Requests.Select(r => r.Json.GetProperty("data").GetProperty("content").GetString()).Distinct(), Is.EqualTo(new[] { "Signed Up" }));
            Assert.That(await forwarder.PeekAllAsync(forwarder.Events), Is.Empty);
            Assert.That(await forwarder.DeadLettersAsync(), Is.Empty);
            Assert.That(forwarder.Logs.GetSnapshot().Any(l => l.Id.Id == 202), Is.True, "a retry was scheduled through the queue");
        });
    }

    [Test]
    public async Task Deliver_429WithShortRetryAfter_WaitsThenDeliversOnce()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        stories.Enqueue(StoriesReply.Status(429).WithHeader("Retry-After", "1"));
        await forwarder.PostAsync(SegmentEventBuilder.Track().Json());

        await forwarder.DeliverUntilAsync(() => stories.Requests.Count >= 2, Patience);

        var times = stories.Requests.Select(r => r.ReceivedAt).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(stories.Requests, Has.Count.EqualTo(2));
            Assert.That(times[1] - times[0], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)));
        });
    }

    [Test]
    public async Task Deliver_429WithLongRetryAfter_GoesBackToTheQueueForThatLong()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["Stories:QuickRetries"] = "0";
            s["Delivery:MaxRetryDelay"] = "00:00:05";
        });
        stories.Enqueue(StoriesReply.Status(429).WithHeader("Retry-After", "3"));
        await forwarder.PostAsync(SegmentEventBuilder.Track().Json());

        await forwarder.DeliverVisibleAsync();
        var invisibleAtFirst = await forwarder.PeekAllAsync(forwarder.Events);
        await forwarder.DeliverUntilAsync(() => stories.Requests.Count >= 2, Patience);

        var times = stories.Requests.Select(r => r.ReceivedAt).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(invisibleAtFirst, Is.Empty, "the retry waits, invisible, in the queue");
            Assert.That(stories.Requests, Has.Count.EqualTo(2));
            Assert.That(times[1] - times[0], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2.9)));
        });
    }

    [Test]
    public async Task Deliver_422_BecomesOneDeadLetterWithItsReasonAndIsNotRetried()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        stories.Enqueue(StoriesReply.Status(422, "{\"message\":\"The name field is required.\"}"));
        var evt = SegmentEventBuilder.Track();
        await forwarder.PostAsync(evt.Json());

        await forwarder.DeliverVisibleAsync();

        var stored = (await forwarder.DeadLettersAsync()).Single();
        var d = stored.Letter;
        using var body = JsonDocument.Parse(stored.Body);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(stories.Requests, Has.Count.EqualTo(1));
            Assert.That(d.MessageId, Is.EqualTo(evt.MessageId));
            Assert.That(d.Type, Is.EqualTo("track"));
            Assert.That(d.StatusCode, Is.EqualTo(422));
            Assert.That(d.Reason, Does.Contain("422"));
            Assert.That(d.ResponseExcerpt, Does.Contain("name field is required"));
            Assert.That(d.Attempts, Is.EqualTo(1));
            Assert.That(body.RootElement.GetProperty("messageId").GetString(), Is.EqualTo(evt.MessageId));
            Assert.That(d.FailedAt, Is.GreaterThanOrEqualTo(d.FirstAttemptAt).And.Not.EqualTo(default(DateTimeOffset)));
            Assert.That(await forwarder.PeekAllAsync(forwarder.Events), Is.Empty);
            Assert.That(await forwarder.PeekAllAsync(forwarder.Poison), Is.Empty, "the app's dead letters live in the table, not the poison queue");
        });
    }

    [Test]
    public async Task Deliver_TimeoutAndDroppedConnection_AreRetried()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Stories:AttemptTimeout"] = "00:00:01");
        stories.Enqueue(StoriesReply.Delay(TimeSpan.FromSeconds(3)));
        stories.Enqueue(StoriesReply.Drop());
        await forwarder.PostAsync(SegmentEventBuilder.Track().Json());

        await forwarder.DeliverUntilAsync(() => stories.Requests.Count >= 3, Patience);
        await forwarder.DeliverVisibleAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(stories.Requests, Has.Count.EqualTo(3));
            Assert.That(await forwarder.DeadLettersAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task Deliver_SameMessageIdPostedTwice_CallsStoriesOnce()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        var evt = SegmentEventBuilder.Track().Json();
        await forwarder.PostAsync(evt);
        await forwarder.DeliverVisibleAsync();

        await forwarder.PostAsync(evt);
        await forwarder.DeliverVisibleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(stories.Requests, Has.Count.EqualTo(1));
            Assert.That(forwarder.Logs.GetSnapshot().Count(l => l.Id.Id == 201), Is.EqualTo(1), "the copy is logged as a duplicate");
        });
    }

    [Test]
    public async Task Deliver_IdentifyWhoseEventFails_DoesNotRepeatTheUserUpsert()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Stories:QuickRetries"] = "0");
        stories.Enqueue(StoriesReply.Status(503).ForPath("/v1/events"));
        await forwarder.PostAsync(SegmentEventBuilder.Identify().Json());

        await forwarder.DeliverUntilAsync(() => stories.Requests.Count >= 3, Patience);
        await forwarder.DeliverVisibleAsync();

        Assert.That(stories.Requests.Select(r => r.Path), Is.EqualTo(new[] { "/v1/users", "/v1/events", "/v1/events" }));
    }

    [Test]
    public async Task Deliver_OutageOutlastingEveryAttempt_DeadLettersWithRetriesExhausted()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["Stories:QuickRetries"] = "0";
            s["Delivery:MaxAttempts"] = "2";
        });
        stories.FailAll(StoriesReply.Status(503));
        await forwarder.PostAsync($"[{SegmentEventBuilder.Track().With("userId", "ada").Json()},{SegmentEventBuilder.Track().With("userId", "bob").Json()}]");

        await forwarder.DeliverUntilAsync(async () => (await forwarder.DeadLettersAsync()).Count >= 2, Patience);

        var deadLetters = await forwarder.DeadLettersAsync();
        Assert.Multiple(() =>
        {
            Assert.That(deadLetters, Has.Count.EqualTo(2));
            Assert.That(deadLetters.Select(d => d.Letter.Reason), Has.All.StartWith("retries exhausted after 2 attempts"));
            Assert.That(deadLetters.Select(d => d.Letter.Attempts), Has.All.EqualTo(2));
            Assert.That(stories.Requests, Has.Count.EqualTo(4), "each attempt tries both, then both wait for the next");
        });
    }

    [Test]
    public async Task Deliver_OneEventFailingTransiently_DoesNotHoldBackTheOthers()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Stories:QuickRetries"] = "0");
        var events = new[]
        {
            SegmentEventBuilder.Track().With("event", "A").With("userId", "user-a"),
            SegmentEventBuilder.Track().With("event", "B").With("userId", "user-b"),
            SegmentEventBuilder.Track().With("event", "C").With("userId", "user-c"),
        };
        stories.Enqueue(StoriesReply.Status(500));
        await forwarder.PostAsync("[" + string.Join(",", events.Select(e => e.Json())) + "]");

        await forwarder.DeliverUntilAsync(() => stories.Requests.Count >= 4, Patience);

        var calls = stories.Requests.Select(r => (r.Json.GetProperty("data").GetProperty("content").GetString(), r.StatusCode));
        Assert.That(calls, Is.EqualTo(new[] { ("A", (int?)500), ("B", 201), ("C", 201), ("A", 201) }));
    }

    [Test]
    public async Task Deliver_AUsersFirstEventFailsTransiently_TheUsersEventsKeepCallOrderAndOthersGoOn()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Stories:QuickRetries"] = "0");
        var events = new[]
        {
            SegmentEventBuilder.Track().With("event", "first").With("userId", "ada"),
            SegmentEventBuilder.Track().With("event", "other").With("userId", "grace"),
            SegmentEventBuilder.Track().With("event", "second").With("userId", "ada"),
            SegmentEventBuilder.Track().With("event", "third").With("userId", "ada"),
        };
        stories.Enqueue(StoriesReply.Status(500));
        await forwarder.PostAsync("[" + string.Join(",", events.Select(e => e.Json())) + "]");

        await forwarder.DeliverUntilAsync(() => stories.Requests.Count(r => r.StatusCode == 201) >= 4, Patience);

        var calls = stories.Requests.Select(r => (r.Json.GetProperty("data").GetProperty("content").GetString(), r.StatusCode));
        Assert.That(calls, Is.EqualTo(new[] { ("first", (int?)500), ("other", 201), ("first", 201), ("second", 201), ("third", 201) }));
    }

    [Test]
    public async Task Deliver_AUsersEventsAllFailing_ShareOneRetryWindowInsteadOfOneEach()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        // Delays of whole seconds: the queue service truncates a visibility delay to seconds.
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["Stories:QuickRetries"] = "0";
            s["Delivery:InitialRetryDelay"] = "00:00:02";
            s["Delivery:MaxRetryDelay"] = "00:00:03";
        });
        var events = new[] { "first", "second", "third" }.Select(name => SegmentEventBuilder.Track().With("event", name).With("userId", "ada")).ToList();
        stories.FailAll(StoriesReply.Status(503));
        await forwarder.PostAsync("[" + string.Join(",", events.Select(e => e.Json())) + "]");

        await forwarder.DeliverUntilAsync(async () => (await forwarder.DeadLettersAsync()).Count >= 3, Patience);

        var tries = stories.Requests.GroupBy(r => r.Json.GetProperty("data").GetProperty("content").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await forwarder.DeadLettersAsync(), Has.Count.EqualTo(3));
            Assert.That(tries["first"], Is.EqualTo(3), "the first event gets every attempt (Delivery:MaxAttempts = 3)");
            Assert.That(tries["third"], Is.LessThan(3), "the last one's window ran out while it waited: not three more attempts");
        });
    }

    [TestCase(401)]
    [TestCase(403)]
    [TestCase(404)]
    public async Task Deliver_StoriesRefusesTheKeyThenItIsFixed_EverythingArrivesWithoutReplayAndNothingIsDead(int status)
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["Stories:QuickRetries"] = "0";
            s["Delivery:MaxAttempts"] = "1";
        });
        var events = Enumerable.Range(0, 3).Select(i => SegmentEventBuilder.Track().With("userId", $"user-{i}")).ToList();
        stories.FailAll(StoriesReply.Status(status));
        await forwarder.PostAsync("[" + string.Join(",", events.Select(e => e.Json())) + "]");
        await forwarder.DeliverUntilAsync(() => stories.Requests.Count >= 2, Patience);
        var refusedCalls = stories.Requests.Count;

        stories.Recover();
        await forwarder.DeliverUntilAsync(() => stories.Requests.Count(r => r.StatusCode == 201) >= 3, Patience);

        var logs = forwarder.Logs.GetSnapshot();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(stories.Requests.Where(r => r.StatusCode == 201).Select(r => r.Json.GetProperty("user_id").GetString()), Is.EquivalentTo(new[] { "user-0", "user-1", "user-2" }));
            Assert.That(refusedCalls, Is.EqualTo(2), "one refused call per round stops the message; nothing else is tried");
            Assert.That(await forwarder.DeadLettersAsync(), Is.Empty, "a refused key is not a verdict on the events, even with a single attempt allowed");
            Assert.That(logs.Any(l => l.Id.Name == "ConfigurationRefused" && l.Level == Microsoft.Extensions.Logging.LogLevel.Error), Is.True);
        });
    }

    [Test]
    public async Task Deliver_StoriesDownForAWhile_EveryEventArrivesExactlyOnce()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Delivery:MaxAttempts"] = "20");
        var events = Enumerable.Range(0, 20).Select(_ => SegmentEventBuilder.Track()).ToList();
        stories.FailAll(StoriesReply.Status(503));
        await forwarder.PostAsync("[" + string.Join(",", events.Take(10).Select(e => e.Json())) + "]");
        await forwarder.PostAsync("[" + string.Join(",", events.Skip(10).Select(e => e.Json())) + "]");
        await forwarder.DeliverUntilAsync(() => stories.Requests.Count >= 6, Patience);

        stories.Recover();
        await forwarder.DeliverUntilAsync(() => stories.Requests.Count(r => r.StatusCode == 201) >= 20, Patience);
        await forwarder.DeliverVisibleAsync();

        var delivered = stories.Requests.Where(r => r.StatusCode == 201).Select(r => r.Json.GetProperty("user_id").GetString()).ToList();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(delivered, Has.Count.EqualTo(20));
            Assert.That(await forwarder.DeadLettersAsync(), Is.Empty);
            Assert.That(await forwarder.PeekAllAsync(forwarder.Events), Is.Empty);
        });
    }

    [Test]
    public async Task Deliver_InvocationBudgetSpent_HandsTheRestToNewMessagesAndDeliversAll()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Delivery:InvocationBudget"] = "00:00:00.001");
        await forwarder.PostAsync("[" + string.Join(",", Enumerable.Range(0, 3).Select(_ => SegmentEventBuilder.Track().Json())) + "]");

        var invocations = await forwarder.DeliverUntilAsync(() => stories.Requests.Count >= 3, Patience);
        await forwarder.DeliverVisibleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(invocations, Is.EqualTo(3), "one event per invocation, the rest handed over");
            Assert.That(stories.Requests, Has.Count.EqualTo(3));
            Assert.That(forwarder.Logs.GetSnapshot().Count(l => l.Id.Name == "BudgetSpent"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Deliver_UnreadableMessage_IsKeptAsADeadLetterAsItIs()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        await forwarder.Events.SendMessageAsync("this is not an envelope");

        await forwarder.DeliverVisibleAsync();

        var stored = (await forwarder.DeadLettersAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(System.Text.Encoding.UTF8.GetString(stored.Body.Span), Is.EqualTo("this is not an envelope"));
            Assert.That(stored.Letter.Reason, Is.EqualTo(DeadLetter.UnreadableReason));
            Assert.That(stories.Requests, Is.Empty);
        });
    }
}
