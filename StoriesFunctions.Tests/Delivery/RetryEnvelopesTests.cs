using System.Text.Json;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Tests.Delivery;

public class RetryEnvelopesTests
{
    private static EnvelopeEvent Event(string id, string user, int attempt = 1) =>
        new(id, DateTimeOffset.UnixEpoch, JsonDocument.Parse($"{{\"type\":\"track\",\"userId\":\"{user}\"}}").RootElement.Clone(), attempt);

    private static List<(TimeSpan? Delay, List<(string Id, int Attempt)> Events)> Sent(RetryEnvelopes later) =>
        later.Pack().Select(g => (g.Delay, g.Envelopes.SelectMany(e =>
        {
            using var envelope = Envelope.TryParse(e)!;
            return envelope.Events.Select(x => (x.MessageId, x.Attempt)).ToList();
        }).ToList())).ToList();

    [Test]
    public void Pack_UsersNotTriedGoFirstSoFailingOnesHoldNoOneBackTwice()
    {
        var later = new RetryEnvelopes();
        later.Add(Event("a1", "ada", 2), TimeSpan.FromSeconds(30), tried: true, DeferKind.Retry);
        later.Add(Event("a2", "ada"), TimeSpan.FromSeconds(30), tried: false, DeferKind.BehindUser);
        later.Add(Event("b1", "bob"), TimeSpan.FromSeconds(30), tried: false, DeferKind.StoriesDown);

        var sent = Sent(later).Single();

        Assert.Multiple(() =>
        {
            Assert.That(sent.Delay, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(sent.Events, Is.EqualTo(new[] { ("b1", 1), ("a1", 2), ("a2", 1) }), "untried users first; ada's events in call order, each with its own attempt");
        });
    }

    [Test]
    public void Pack_RefusedEventAndItsUsersUntriedEvents_KeepCallOrder()
    {
        var later = new RetryEnvelopes();
        var hour = TimeSpan.FromHours(1);
        later.Add(Event("a1", "ada"), hour, tried: true, DeferKind.Refused);
        later.Add(Event("b1", "bob"), hour, tried: false, DeferKind.Refused);
        later.Add(Event("a2", "ada"), hour, tried: false, DeferKind.BehindUser);

        var sent = Sent(later).Single();

        Assert.That(sent.Events.Select(e => e.Id), Is.EqualTo(new[] { "b1", "a1", "a2" }), "ada's refused event stays ahead of her later one");
    }

    [Test]
    public void Pack_DifferentDelays_OneEnvelopePerDelayAndNoDelayForZero()
    {
        var later = new RetryEnvelopes();
        later.Add(Event("a1", "ada", 2), TimeSpan.FromSeconds(30), tried: true, DeferKind.Retry);
        later.Add(Event("b1", "bob"), TimeSpan.Zero, tried: false, DeferKind.HandedOver);

        var sent = Sent(later);

        Assert.That(sent.Select(s => (s.Delay, s.Events.Single().Id)), Is.EqualTo(new[] { ((TimeSpan?)TimeSpan.FromSeconds(30), "a1"), (null, "b1") }));
    }

    [Test]
    public void Pack_BudgetWaits_TravelInTheirOwnScheduledEnvelope()
    {
        var later = new RetryEnvelopes();
        later.Add(Event("a1", "ada"), TimeSpan.FromSeconds(30), tried: true, DeferKind.Budget);
        later.Add(Event("b1", "bob"), TimeSpan.FromSeconds(30), tried: true, DeferKind.Retry);

        var envelopes = later.Pack().SelectMany(g => g.Envelopes).Select(e => Envelope.TryParse(e)!).ToList();

        Assert.That(envelopes.Select(e => (e.Events.Single().MessageId, e.Scheduled)), Is.EquivalentTo(new[] { ("a1", true), ("b1", false) }));
        envelopes.ForEach(e => e.Dispose());
    }
}
