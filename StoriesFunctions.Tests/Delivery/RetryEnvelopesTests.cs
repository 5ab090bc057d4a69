using System.Text.Json;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Tests.Delivery;

public class RetryEnvelopesTests
{
    private static EnvelopeEvent Event(string id, string user) =>
        new(id, DateTimeOffset.UnixEpoch, JsonDocument.Parse($"{{\"type\":\"track\",\"userId\":\"{user}\"}}").RootElement.Clone());

    private static List<(TimeSpan? Delay, List<(string Id, int Attempt)> Events)> Sent(RetryEnvelopes later, TimeSpan? holdAll = null) =>
        later.Pack(holdAll).Select(g => (g.Delay, g.Envelopes.SelectMany(e =>
        {
            using var envelope = Envelope.TryParse(e)!;
            return envelope.Events.Select(x => (x.MessageId, x.Attempt)).ToList();
        }).ToList())).ToList();

    [Test]
    public void Pack_EventsNotTriedGoFirstSoFailingOnesHoldNoOneBackTwice()
    {
        var later = new RetryEnvelopes();
        later.Add(Event("a1", "ada"), 2, TimeSpan.FromSeconds(30), tried: true);
        later.Add(Event("a2", "ada"), 1, TimeSpan.FromSeconds(30), tried: true);
        later.Add(Event("b1", "bob"), 1, TimeSpan.FromSeconds(30), tried: false);

        var sent = Sent(later).Single();

        Assert.Multiple(() =>
        {
            Assert.That(sent.Delay, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(sent.Events, Is.EqualTo(new[] { ("b1", 1), ("a1", 2), ("a2", 1) }), "untried first; ada's events in call order, each with its own attempt");
        });
    }

    [Test]
    public void Pack_DifferentDelays_OneEnvelopePerDelayAndNoDelayForZero()
    {
        var later = new RetryEnvelopes();
        later.Add(Event("a1", "ada"), 2, TimeSpan.FromSeconds(30), tried: true);
        later.Add(Event("b1", "bob"), 1, TimeSpan.Zero, tried: false);

        var sent = Sent(later);

        Assert.That(sent.Select(s => (s.Delay, s.Events.Single().Id)), Is.EqualTo(new[] { ((TimeSpan?)TimeSpan.FromSeconds(30), "a1"), (null, "b1") }));
    }

    [Test]
    public void Pack_HoldAll_SendsEverythingWithThatDelayInOneEnvelope()
    {
        var later = new RetryEnvelopes();
        later.Add(Event("a1", "ada"), 2, TimeSpan.FromSeconds(30), tried: true);
        later.Add(Event("b1", "bob"), 1, TimeSpan.Zero, tried: false);

        var sent = Sent(later, TimeSpan.FromHours(1)).Single();

        Assert.That(sent.Delay, Is.EqualTo(TimeSpan.FromHours(1)));
    }
}
