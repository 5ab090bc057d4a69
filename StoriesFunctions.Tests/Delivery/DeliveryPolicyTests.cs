using System.Net;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.Delivery;

/// <summary>Each event's fate, as a table: outcome and attempt in, verdict out.</summary>
public class DeliveryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly RetrySchedule Schedule = new(Options.Create(new DeliveryOptions()));

    private static DeliveryOutcome Outcome(DeliveryResult result, int? status = null, TimeSpan? retryAfter = null, DateTimeOffset? heldUntil = null) =>
        new(result, "track", "why", status is null && retryAfter is null ? null : new StoriesResponse((HttpStatusCode?)status, null, retryAfter, null), heldUntil);

    private static DeliveryVerdict Decide(DeliveryOutcome outcome, int attempt, DateTimeOffset? firstAttemptAt = null, int stalls = 0) =>
        DeliveryPolicy.Decide(outcome, new EnvelopeEvent("m", Now, default, attempt, firstAttemptAt, stalls), Schedule, Now, 0.5);

    [TestCase(DeliveryResult.Delivered)]
    [TestCase(DeliveryResult.AlreadyDelivered)]
    public void Decide_Accepted_IsDone(DeliveryResult result) =>
        Assert.That(Decide(Outcome(result), 1), Is.TypeOf<DeliveryVerdict.Done>());

    [Test]
    public void Decide_Transient_DefersOnTheScheduleAndCountsTheAttempt() =>
        Assert.That(Decide(Outcome(DeliveryResult.Transient, 503), 2), Is.EqualTo(new DeliveryVerdict.Defer(TimeSpan.FromSeconds(90), 3, "why", DeferKind.Retry)));

    [Test]
    public void Decide_TransientOnTheLastAttempt_DeadLettersAsExhausted() =>
        Assert.That(Decide(Outcome(DeliveryResult.Transient, 503), 10), Is.EqualTo(new DeliveryVerdict.DeadLetter("retries exhausted after 10 attempts: why")));

    [Test]
    public void Decide_Permanent_DeadLettersAtOnce() =>
        Assert.That(Decide(Outcome(DeliveryResult.Permanent, 422), 1), Is.EqualTo(new DeliveryVerdict.DeadLetter("why")));

    [TestCase(1)]
    [TestCase(10)]
    public void Decide_ConfigurationOutage_HoldsTheMessageAtMaxRetryDelayWhateverTheAttempt(int attempt) =>
        Assert.That(Decide(Outcome(DeliveryResult.ConfigurationOutage, 401), attempt), Is.EqualTo(new DeliveryVerdict.Defer(TimeSpan.FromHours(1), attempt, "why", DeferKind.Refused)));

    [TestCase(5, 5)]
    [TestCase(120, 30)]
    [TestCase(-10, 1)]
    public void Decide_ClaimHeld_WaitsForTheLeaseAtMostTheFirstRetryDelayWithoutAnAttempt(int leaseSecondsLeft, int expectedSeconds) =>
        Assert.That(
            Decide(Outcome(DeliveryResult.ClaimHeld, heldUntil: Now.AddSeconds(leaseSecondsLeft)), 4),
            Is.EqualTo(new DeliveryVerdict.Defer(TimeSpan.FromSeconds(expectedSeconds), 4, "why", DeferKind.ClaimHeld)));

    [TestCase(0, 5)]
    [TestCase(1, 10)]
    [TestCase(3, 40)]
    [TestCase(4, 60)]
    [TestCase(99, 60)]
    public void Decide_StorageDown_WaitsWithBackoffWithoutAnAttemptWhateverTheAttempt(int stalls, int expectedSeconds) =>
        Assert.That(Decide(Outcome(DeliveryResult.StorageDown), 10, stalls: stalls), Is.EqualTo(new DeliveryVerdict.Defer(TimeSpan.FromSeconds(expectedSeconds), 10, "why", DeferKind.StorageDown)));

    [Test]
    public void Decide_Interrupted_GoesBackAtOnceWithoutAnAttempt() =>
        Assert.That(Decide(Outcome(DeliveryResult.Interrupted), 3), Is.EqualTo(new DeliveryVerdict.Defer(TimeSpan.Zero, 3, "why", DeferKind.HandedOver)));

    [Test]
    public void Decide_ThrottledWithARetryAfterOfDays_WaitsAtMostTheLongestRetryDelay() =>
        Assert.That(Decide(Outcome(DeliveryResult.Throttled, heldUntil: Now.AddDays(30)), 1), Is.EqualTo(new DeliveryVerdict.Defer(TimeSpan.FromHours(1), 1, "why", DeferKind.Throttled)));

    [Test]
    public void Decide_WaitingForBudgetBeyondWhatAQueueCanHide_WaitsAtMostSevenDays() =>
        Assert.That(((DeliveryVerdict.Defer)Decide(Outcome(DeliveryResult.WaitingForBudget, heldUntil: Now.AddDays(30)), 1)).Delay, Is.LessThan(TimeSpan.FromDays(7)));

    [TestCase(1, 0, false)]
    [TestCase(1, 5.9, false)]
    [TestCase(1, 6.1, true)]
    [TestCase(9, 1, false)]
    [TestCase(10, 1, true)]
    public void Decide_TransientAfterTheRetryWindowOrTheLastAttempt_DeadLetters(int attempt, double hoursSinceTheWindowBegan, bool deadLettered)
    {
        // The window: 30 s + 1.5 + 4.5 + 13.5 + 40.5 min + 4 × 1 h = 5 h 0 min, × 1.2 for the worst jitter = 6 h.
        var verdict = Decide(Outcome(DeliveryResult.Transient, 503), attempt, Now.AddHours(-hoursSinceTheWindowBegan));

        Assert.That(verdict is DeliveryVerdict.DeadLetter, Is.EqualTo(deadLettered));
    }
}
