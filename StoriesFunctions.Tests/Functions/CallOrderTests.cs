using Microsoft.Extensions.DependencyInjection;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>A user's events of one call keep call order even when the call spans envelopes delivered in any order.</summary>
public class CallOrderTests
{
    [Test]
    public async Task Deliver_EnvelopesOfOneCallInReverseOrder_AUsersEventsStillArriveInCallOrder()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        var padding = new string('x', 12_000);
        var names = Enumerable.Range(0, 8).Select(i => $"e{i}").ToList();
        await forwarder.PostAsync("[" + string.Join(",", names.Select(n => SegmentEventBuilder.Track().With("userId", "ada").With("event", n).With("properties", new System.Text.Json.Nodes.JsonObject { ["padding"] = padding }).Json())) + "]");
        var messages = (await forwarder.Events.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
        var delivery = forwarder.Services.GetRequiredService<EnvelopeDelivery>();

        foreach (var message in messages.Reverse())
        {
            await delivery.DeliverAsync(message.MessageId, message.Body, CancellationToken.None);
            await forwarder.Events.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        await forwarder.DeliverUntilAsync(() => Created(stories).Count >= names.Count, TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(messages, Has.Length.GreaterThan(1), "the call spans envelopes");
            Assert.That(Created(stories), Is.EqualTo(names), "in call order, exactly once");
        });
    }

    private static List<string> Created(StoriesStandIn stories) =>
        stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 }).Select(r => r.Json.GetProperty("data").GetProperty("content").GetString()!).ToList();
}
