using System.Net;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;

namespace StoriesFunctions.Tests.Delivery;

/// <summary>Each event's fate, as a table: outcome and attempt in, verdict out.</summary>
public class DeliveryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly RetrySchedule Schedule = new(Options.Create(new DeliveryOptions()));

    private static DeliveryOutcome Outcome(DeliveryResult result, int? status = null, TimeSpan? retryAfter = null, DateTimeOffset? heldUntil = null) =>
        new(result, "track", "why", status is null && retryAfter is null ? null : new StoriesResponse((HttpStatusCode?)status, null, retryAfter, null), heldUntil);

    private static DeliveryVerdict Decide(DeliveryOutcome outcome, int attempt) => DeliveryPolicy.Decide(outcome, attempt, Schedule, Now, 0.5);

    [TestCase(DeliveryResult.Delivered)]
    [TestCase(DeliveryResult.AlreadyDelivered)]
    public void Decide_Accepted_IsDone(DeliveryResult result) =>
        Assert.That(Decide(Outcome(result), 1), Is.TypeOf<DeliveryVerdict.Done>());

    [Test]
    public void Decide_Transient_DefersOnTheScheduleAndCountsTheAttempt() =>
        Assert.That(Decide(Outcome(DeliveryResult.Transient, 503), 2), Is.EqualTo(new DeliveryVerdict.Defer(TimeSpan.FromSeconds(90), 3, "why")));

    [Test]
    public void Decide_TransientOnTheLastAttempt_DeadLettersAsExhausted() =>
        Assert.That(Decide(Outcome(DeliveryResult.Transient, 503), 10), Is.EqualTo(new DeliveryVerdict.DeadLetter("retries exhausted after 10 attempts: why")));

    [Test]
    public void Decide_Permanent_DeadLettersAtOnce() =>
        Assert.That(Decide(Outcome(DeliveryResult.Permanent, 422), 1), Is.EqualTo(new DeliveryVerdict.DeadLetter("why")));

    [TestCase(1)]
    [TestCase(10)]
    public void Decide_ConfigurationOutage_HoldsTheMessageAtMaxRetryDelayWhateverTheAttempt(int attempt) =>
        Assert.That(Decide(Outcome(DeliveryResult.ConfigurationOutage, 401), attempt), Is.EqualTo(new DeliveryVerdict.HoldMessage(TimeSpan.FromHours(1), "why")));

    [TestCase(5, 5)]
    [TestCase(120, 30)]
    [TestCase(-10, 1)]
    public void Decide_ClaimHeld_WaitsForTheLeaseAtMostTheFirstRetryDelayWithoutAnAttempt(int leaseSecondsLeft, int expectedSeconds) =>
        Assert.That(
            Decide(Outcome(DeliveryResult.ClaimHeld, heldUntil: Now.AddSeconds(leaseSecondsLeft)), 4),
            Is.EqualTo(new DeliveryVerdict.Defer(TimeSpan.FromSeconds(expectedSeconds), 4, "why")));
}
