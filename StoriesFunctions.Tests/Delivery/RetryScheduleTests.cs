using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Tests.Delivery;

public class RetryScheduleTests
{
    private static readonly RetrySchedule Defaults = new(Options.Create(new DeliveryOptions()));

    // The schedule with the defaults (30 s initial, 1 h cap, 10 attempts), without jitter.
    [TestCase(1, "00:00:30")]
    [TestCase(2, "00:01:30")]
    [TestCase(3, "00:04:30")]
    [TestCase(4, "00:13:30")]
    [TestCase(5, "00:40:30")]
    [TestCase(6, "01:00:00")]
    [TestCase(7, "01:00:00")]
    [TestCase(9, "01:00:00")]
    public void BaseDelay_AfterAttempt(int attempt, string expected) =>
        Assert.That(Defaults.BaseDelay(attempt), Is.EqualTo(TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));

    [TestCase(0.0, 24)]
    [TestCase(0.5, 30)]
    [TestCase(0.999999, 36)]
    public void DelayAfter_FirstAttempt_JittersWithin20Percent(double random, double seconds) =>
        Assert.That(Defaults.DelayAfter(1, null, random).TotalSeconds, Is.EqualTo(seconds).Within(0.01));

    [Test]
    public void DelayAfter_AtTheCap_NeverExceedsMaxRetryDelay() =>
        Assert.That(Defaults.DelayAfter(8, null, 0.999999), Is.EqualTo(TimeSpan.FromHours(1)));

    [Test]
    public void DelayAfter_LongerRetryAfter_Wins() =>
        Assert.That(Defaults.DelayAfter(1, TimeSpan.FromMinutes(5), 0.5), Is.EqualTo(TimeSpan.FromMinutes(5)));

    [Test]
    public void DelayAfter_RetryAfterBeyondMaxRetryDelay_IsCappedThere() =>
        Assert.That(Defaults.DelayAfter(1, TimeSpan.FromDays(30), 0.5), Is.EqualTo(TimeSpan.FromHours(1)));

    [Test]
    public void DelayAfter_ShorterRetryAfter_KeepsTheSchedule() =>
        Assert.That(Defaults.DelayAfter(3, TimeSpan.FromSeconds(2), 0.5), Is.EqualTo(TimeSpan.FromSeconds(270)));

    [Test]
    public void Defaults_WorstCaseJitter_StillOutlastSegmentsFourHours()
    {
        var total = TimeSpan.Zero;
        for (var attempt = 1; attempt < Defaults.MaxAttempts; attempt++)
        {
            total += Defaults.DelayAfter(attempt, null, 0);
        }

        Assert.That(total, Is.GreaterThanOrEqualTo(TimeSpan.FromHours(4)));
    }
}
