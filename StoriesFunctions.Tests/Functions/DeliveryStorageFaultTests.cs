using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// Failures of our own machinery in-process: storage that fails under delivery, and a host that stops. The same faults
/// under the real host, with two instances, are in <c>HostLevel/Faults</c>.
/// </summary>
public partial class DeliveryStorageFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Deliver_TablesUnreachable_EventsWaitUsingNoAttemptAndArriveOnceWhenTheyAreBack()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var healthy = await Forwarder.StartAsync(stories.BaseUrl);
        var azurite = await Azurite.EnsureStartedAsync();
        await using var noTables = await Forwarder.StartAsync(stories.BaseUrl, storageConnectionString: TablesAt(azurite.ConnectionString, 9));
        var names = new[] { "first", "second", "third" };
        await healthy.PostAsync("[" + string.Join(",", names.Select(n => SegmentEventBuilder.Track().With("event", n).With("userId", n).Json())) + "]");

        await noTables.DeliverVisibleAsync();
        var waiting = await WaitingEventsAsync(healthy);
        await healthy.DeliverUntilAsync(() => Created(stories).Count >= 3, Patience);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(waiting.Select(e => (e.Attempt, e.Stalls)), Is.EqualTo(new[] { (1, 1), (1, 1), (1, 1) }), "back in the queue, no attempt used, one stall counted");
            Assert.That(waiting.Select(e => e.DequeueCount), Has.All.EqualTo(0L), "new messages: the invocation completed instead of failing into the host's dequeue count");
            Assert.That(Created(stories), Is.EquivalentTo(names), "each delivered once when tables are back");
            Assert.That(await healthy.DeadLettersAsync(), Is.Empty);
            Assert.That((await healthy.Poison.PeekMessagesAsync(32)).Value, Is.Empty);
        });
    }

    [Test]
    public async Task Deliver_NoStorageAtAll_FailsTheInvocationSoTheHostRedeliversIt()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, storageConnectionString: Azurite.UnreachableConnectionString);
        var packer = new EnvelopePacker();
        packer.Add("m-1", DateTimeOffset.UtcNow, System.Text.Json.JsonDocument.Parse(SegmentEventBuilder.Track().Json()).RootElement);
        var body = packer.Complete().Single();

        var delivery = forwarder.Services.GetRequiredService<EnvelopeDelivery>();

        Assert.That(async () => await delivery.DeliverAsync("q-1", body, CancellationToken.None), Throws.Exception, "nothing could be re-queued: only the host's redelivery is left");
        Assert.That(stories.Requests, Is.Empty);
    }

    [Test]
    public async Task Deliver_HostStoppingMidMessage_TheCallInFlightFinishesAndIsRecordedAndNothingNewStarts()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        stories.FailAll(StoriesReply.Status(201).After(TimeSpan.FromMilliseconds(800)));
        var names = new[] { "first", "second", "third" };
        await forwarder.PostAsync("[" + string.Join(",", names.Select(n => SegmentEventBuilder.Track().With("event", n).With("userId", n).Json())) + "]");
        var message = (await forwarder.Events.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(1))).Value.Single();
        using var stopping = new CancellationTokenSource();

        var delivering = forwarder.Services.GetRequiredService<EnvelopeDelivery>().DeliverAsync(message.MessageId, message.Body, stopping.Token);
        await stories.WaitForRequestsAsync(1, Patience);
        await stopping.CancelAsync();
        await delivering;
        var duringShutdown = Created(stories).ToList();
        await forwarder.Events.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        stories.Recover();
        await forwarder.DeliverUntilAsync(() => Created(stories).Count >= 3, Patience);

        Assert.Multiple(() =>
        {
            Assert.That(duringShutdown, Is.EqualTo(new[] { "first" }), "the call in flight finished; nothing new started");
            Assert.That(Created(stories), Is.EquivalentTo(names), "the rest went back to the queue and arrived once");
        });
    }

    private static string TablesAt(string connectionString, int port) =>
        TableEndpoint().Replace(connectionString, $"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;");

    private static List<string> Created(StoriesStandIn stories) =>
        stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 }).Select(r => r.Json.GetProperty("data").GetProperty("content").GetString()!).ToList();

    /// <summary>Every event waiting in the queue, visible or not yet, with its message's dequeue count.</summary>
    private static async Task<List<(int Attempt, int Stalls, long DequeueCount)>> WaitingEventsAsync(Forwarder forwarder)
    {
        var found = new List<(int, int, long)>();
        var deadline = DateTime.UtcNow + Patience;
        while (found.Count < 3 && DateTime.UtcNow < deadline)
        {
            foreach (var message in (await forwarder.Events.PeekMessagesAsync(32)).Value)
            {
                using var envelope = Envelope.TryParse(message.Body)!;
                found.AddRange(envelope.Events.Select(e => (e.Attempt, e.Stalls, message.DequeueCount)));
            }

            if (found.Count < 3)
            {
                found.Clear();
                await Task.Delay(250);
            }
        }

        return found;
    }

    [GeneratedRegex("TableEndpoint=[^;]+;")]
    private static partial Regex TableEndpoint();
}
