using System.Text.Json;
using StoriesFunctions.Delivery;
using StoriesFunctions.Budget;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.Delivery;

/// <summary>The per-message plan as a table: what was decided before, and what the next event gets.</summary>
public class MessagePlanTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(30);

    private static EnvelopeEvent Event(string userIdJson) =>
        new("m", DateTimeOffset.UnixEpoch, JsonDocument.Parse($"{{\"type\":\"track\",\"userId\":{userIdJson}}}").RootElement.Clone());

    private static DeliveryOutcome Outcome(DeliveryResult result) => new(result, "track", "why", null);

    private static Gate AfterOne(DeliveryResult result, DeliveryVerdict verdict, string nextUser = "\"u-2\"")
    {
        var plan = new MessagePlan();
        Assert.That(plan.Next(Event("\"u-1\""), handOver: false), Is.EqualTo(Gate.Try));
        plan.Observe(Event("\"u-1\""), Outcome(result), verdict);
        return plan.Next(Event(nextUser), handOver: false);
    }

    [TestCase(DeliveryResult.Transient, DeferKind.Retry)]
    [TestCase(DeliveryResult.ClaimHeld, DeferKind.ClaimHeld)]
    [TestCase(DeliveryResult.Throttled, DeferKind.Throttled)]
    public void Next_AfterTheUsersEventWasDeferred_HoldsTheUserAndLetsOthersGo(DeliveryResult result, DeferKind kind)
    {
        var verdict = new DeliveryVerdict.Defer(Delay, 2, "why", kind);

        Assert.Multiple(() =>
        {
            Assert.That(AfterOne(result, verdict, "\"u-1\""), Is.EqualTo(new Gate.Wait(Delay, DeferKind.BehindUser, kind)));
            Assert.That(AfterOne(result, verdict, "\"u-2\""), Is.EqualTo(Gate.Try));
        });
    }

    [TestCase(DeliveryResult.WaitingForBudget, DeferKind.Budget)]
    [TestCase(DeliveryResult.ConfigurationOutage, DeferKind.Refused)]
    [TestCase(DeliveryResult.StorageDown, DeferKind.StorageDown)]
    [TestCase(DeliveryResult.Interrupted, DeferKind.HandedOver)]
    public void Next_AfterAVerdictThatStopsTheMessage_EveryoneWaitsWithIt(DeliveryResult result, DeferKind kind)
    {
        var verdict = new DeliveryVerdict.Defer(Delay, 1, "why", kind);

        Assert.Multiple(() =>
        {
            Assert.That(AfterOne(result, verdict, "\"u-2\""), Is.EqualTo(new Gate.Wait(Delay, kind)));
            Assert.That(AfterOne(result, verdict, "\"u-1\""), Is.EqualTo(new Gate.Wait(Delay, kind == DeferKind.Budget ? DeferKind.Budget : DeferKind.BehindUser, kind)));
        });
    }

    [Test]
    public void Next_AfterADeadLetter_TheUsersLaterEventsGoOn() =>
        Assert.That(AfterOne(DeliveryResult.Permanent, new DeliveryVerdict.DeadLetter("why"), "\"u-1\""), Is.EqualTo(Gate.Try));

    [Test]
    public void Next_ThreeTransientFailuresInARow_StoriesIsTakenToBeDown()
    {
        var plan = new MessagePlan();
        for (var i = 0; i < MessagePlan.TransientFailuresBeforeBackingOff; i++)
        {
            var item = Event($"\"u-{i}\"");
            plan.Next(item, handOver: false);
            plan.Observe(item, Outcome(DeliveryResult.Transient), new DeliveryVerdict.Defer(Delay, 2, "why", DeferKind.Retry));
        }

        Assert.That(plan.Next(Event("\"u-9\""), handOver: false), Is.EqualTo(new Gate.Wait(Delay, DeferKind.StoriesDown)));
    }

    [Test]
    public void Next_HandOver_NothingNewStartsAndTheRestGoesBackAtOnce()
    {
        var plan = new MessagePlan();

        Assert.Multiple(() =>
        {
            Assert.That(plan.Next(Event("\"u-1\""), handOver: true), Is.EqualTo(new Gate.Wait(TimeSpan.Zero, DeferKind.HandedOver)));
            Assert.That(plan.Next(Event("\"u-2\""), handOver: false), Is.EqualTo(new Gate.Wait(TimeSpan.Zero, DeferKind.HandedOver)));
        });
    }

    [TestCase("\"u-1\"", "u-1")]
    [TestCase("42", "42")]
    [TestCase("\"  \"", null)]
    public void UserId_IsReadOneWayAsStoriesGetsIt(string json, string? expected) =>
        Assert.That(Event(json).UserId, Is.EqualTo(expected));

    [Test]
    public void CalledStories_OnlyAnAttemptThatReachedStoriesOpensTheRetryWindow()
    {
        var answered = DeliveryOutcome.From(new StoriesFunctions.Stories.StoriesResponse(System.Net.HttpStatusCode.ServiceUnavailable, null, null, null), "track");
        var notCalled = new[]
        {
            DeliveryOutcome.Waiting("track", DateTimeOffset.UnixEpoch),
            DeliveryOutcome.StorageFailed("track", new TimeoutException()),
            DeliveryOutcome.Interrupted("track"),
            DeliveryOutcome.Held("track", DateTimeOffset.UnixEpoch),
            DeliveryOutcome.WaitingOnUser("track", DateTimeOffset.UnixEpoch),
        };

        Assert.Multiple(() =>
        {
            Assert.That(answered.CalledStories, Is.True);
            Assert.That(notCalled.Select(o => o.CalledStories), Has.All.False, "waiting for budget, storage, a claim or the user uses none of the window");
        });
    }
}
