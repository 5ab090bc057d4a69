using System.Text.Json;
using System.Text.Json.Nodes;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Segment;

namespace StoriesFunctions.Tests.Delivery;

public class EnvelopePackerTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Complete_RoundTripsEventsByteForByte()
    {
        var packer = new EnvelopePacker();
        var events = Enumerable.Range(0, 3).Select(_ => SegmentEventBuilder.Track()).ToList();
        foreach (var e in events)
        {
            packer.Add(e.MessageId, Received, e.Element());
        }

        var messages = packer.Complete();

        using var envelope = Envelope.TryParse(messages.Single());
        Assert.Multiple(() =>
        {
            Assert.That(envelope!.Attempt, Is.EqualTo(1));
            Assert.That(envelope.FirstAttemptAt, Is.Null);
            Assert.That(envelope.Events.Select(e => e.MessageId), Is.EqualTo(events.Select(e => e.MessageId)));
            Assert.That(envelope.Events.Select(e => e.Event.GetRawText()), Is.EqualTo(events.Select(e => e.Json())));
            Assert.That(envelope.Events.All(e => e.ReceivedAt == Received), Is.True);
        });
    }

    [Test]
    public void Complete_ManyEvents_SplitsUnderTheQueueMessageLimit()
    {
        var packer = new EnvelopePacker();
        var padding = new string('p', 900);
        for (var i = 0; i < 4000; i++)
        {
            packer.Add($"m-{i}", Received, SegmentEventBuilder.Track().With("pad", padding).Element());
        }

        var messages = packer.Complete();

        var parsed = messages.Select(m => Envelope.TryParse(m)!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(messages.Max(m => m.ToMemory().Length), Is.LessThanOrEqualTo(Envelope.MaxBytes));
            Assert.That(messages.Max(m => Convert.ToBase64String(m.ToArray()).Length), Is.LessThan(64 * 1024));
            Assert.That((double)messages.Count / 4000, Is.LessThanOrEqualTo(0.05));
            Assert.That(parsed.SelectMany(e => e.Events).Select(e => e.MessageId), Is.EqualTo(Enumerable.Range(0, 4000).Select(i => $"m-{i}")));
        });
        parsed.ForEach(e => e.Dispose());
    }

    [Test]
    public void Complete_KeepsAttemptAndFirstAttemptAt()
    {
        var packer = new EnvelopePacker(attempt: 4, firstAttemptAt: Received);
        packer.Add("m", Received, SegmentEventBuilder.Track().Element());

        using var envelope = Envelope.TryParse(packer.Complete().Single());

        Assert.That(envelope!.Attempt, Is.EqualTo(4));
        Assert.That(envelope.FirstAttemptAt, Is.EqualTo(Received));
    }

    [Test]
    public void Add_RetriedEvents_KeepTheirOwnAttemptsInOneEnvelope()
    {
        var packer = new EnvelopePacker();
        var later = Received.AddMinutes(5);
        packer.Add(new EnvelopeEvent("failed", Received, SegmentEventBuilder.Track().Element(), 1, later), attempt: 3);
        packer.Add(new EnvelopeEvent("waited", Received, SegmentEventBuilder.Track().Element(), 1, later), attempt: 1);

        using var envelope = Envelope.TryParse(packer.Complete().Single());

        Assert.Multiple(() =>
        {
            Assert.That(envelope!.Events.Select(e => (e.MessageId, e.Attempt)), Is.EqualTo(new[] { ("failed", 3), ("waited", 1) }));
            Assert.That(envelope.Events.Select(e => e.FirstAttemptAt), Has.All.EqualTo(later));
        });
    }

    [Test]
    public void Add_WithSharedBatchFields_MergesAndTheEventsOwnKeysWin()
    {
        var packer = new EnvelopePacker();
        using var context = JsonDocument.Parse("{\"library\": {\"name\": \"http\"}, \"ip\": \"1.2.3.4\"}");
        using var integrations = JsonDocument.Parse("{\"All\": true, \"Stories\": true}");
        var own = SegmentEventBuilder.Track()
            .With("context", new JsonObject { ["ip"] = "5.6.7.8" })
            .With("integrations", new JsonObject { ["Stories"] = false });
        var bare = SegmentEventBuilder.Track();
        packer.Add(own.MessageId, Received, own.Element(), context.RootElement, integrations.RootElement);
        packer.Add(bare.MessageId, Received, bare.Element(), context.RootElement, integrations.RootElement);

        using var envelope = Envelope.TryParse(packer.Complete().Single());

        var merged = JsonNode.Parse(envelope!.Events[0].Event.GetRawText())!;
        var inherited = JsonNode.Parse(envelope.Events[1].Event.GetRawText())!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)merged["context"]!["ip"], Is.EqualTo("5.6.7.8"));
            Assert.That((string?)merged["context"]!["library"]!["name"], Is.EqualTo("http"));
            Assert.That((bool?)merged["integrations"]!["Stories"], Is.False);
            Assert.That((bool?)merged["integrations"]!["All"], Is.True);
            Assert.That((string?)inherited["context"]!["ip"], Is.EqualTo("1.2.3.4"));
            Assert.That((bool?)inherited["integrations"]!["Stories"], Is.True);
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Add_AUsersEventsSpanningEnvelopes_EachNamesTheUsersPreviousEventInAnotherEnvelope(bool sharedBatchFields)
    {
        var packer = new EnvelopePacker(maxBytes: 2048);
        var padding = new string('x', 600);
        var events = Enumerable.Range(0, 6).Select(i => SegmentEventBuilder.Track().With("userId", i % 3 == 2 ? "bob" : "ada").With("event", padding)).ToList();
        using var shared = JsonDocument.Parse("{\"library\": {\"name\": \"analytics.js\"}}");
        foreach (var e in events)
        {
            packer.Add(e.MessageId, Received, e.Element(), sharedBatchFields ? shared.RootElement : null);
        }

        var envelopes = packer.Complete().Select(m => Envelope.TryParse(m)!).ToList();
        var placed = envelopes.SelectMany((envelope, index) => envelope.Events.Select(e => (e.MessageId, e.UserId, e.After, Envelope: index))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(envelopes, Has.Count.GreaterThan(2), "the call spans several envelopes");
            foreach (var (item, i) in placed.Select((p, i) => (p, i)))
            {
                var previous = placed.Take(i).LastOrDefault(p => p.UserId == item.UserId);
                var expected = previous.MessageId is not null && previous.Envelope != item.Envelope ? previous.MessageId : null;
                Assert.That(item.After, Is.EqualTo(expected), $"event {i} of {item.UserId}");
            }

            Assert.That(placed.Count(p => p.After is not null), Is.GreaterThan(0));
        });
        envelopes.ForEach(e => e.Dispose());
    }

    [TestCase("not json")]
    [TestCase("{\"v\": 2, \"events\": []}")]
    [TestCase("{\"v\": 1}")]
    [TestCase("{\"v\": 1, \"events\": [{\"id\": \"m\"}]}")]
    [TestCase("{\"v\": 1, \"events\": [{\"id\": \"m\", \"receivedAt\": 5, \"event\": {}}]}")]
    public void TryParse_NotAnEnvelope_IsNull(string text) =>
        Assert.That(Envelope.TryParse(BinaryData.FromString(text)), Is.Null);
}
