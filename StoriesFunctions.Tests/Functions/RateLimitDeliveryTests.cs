using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>Delivery against a Stories that enforces its limit like Laravel: waiting for budget is never a failure.</summary>
public class RateLimitDeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Deliver_BacklogThreeTimesTheLimit_AllDeliveredAtTheLimitWithOneAttemptAndFewRefusals()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        stories.RateLimit = new LaravelWindow(10, TimeSpan.FromSeconds(1));
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["Stories:RateLimit"] = "10/1s";
            s["Delivery:MaxAttempts"] = "1";
        });
        for (var i = 0; i < 30; i++)
        {
            await forwarder.PostAsync(SegmentEventBuilder.Track().With("event", $"Paced {i}").Json());
        }

        var started = DateTimeOffset.UtcNow;
        await forwarder.DeliverUntilAsync(() => stories.Requests.Count(r => r.StatusCode == 201) >= 30, Patience);
        var took = DateTimeOffset.UtcNow - started;

        var created = stories.Requests.Where(r => r.StatusCode == 201).Select(r => r.Body).ToList();
        TestContext.Out.WriteLine($"30 events at 10/1s: {took.TotalSeconds:0.0} s, {stories.RateLimit.Refused} answered 429");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(created, Is.Unique.And.Count.EqualTo(30));
            Assert.That(await forwarder.DeadLettersAsync(), Is.Empty, "waiting for budget used no attempt");
            Assert.That(stories.RateLimit.Refused, Is.LessThanOrEqualTo(1));
            Assert.That(took, Is.GreaterThan(TimeSpan.FromSeconds(2)), "a one-second window is paced, not sent in bursts");
        });
    }

    [Test]
    public async Task Deliver_429WithLongRetryAfter_EventWaitsWithoutUsingAnAttempt()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Delivery:MaxAttempts"] = "1");
        stories.Enqueue(StoriesReply.Status(429).WithHeader("Retry-After", "3"));
        stories.Enqueue(StoriesReply.Status(429).WithHeader("Retry-After", "3"));
        await forwarder.PostAsync(SegmentEventBuilder.Track().Json());

        await forwarder.DeliverUntilAsync(() => stories.Requests.Any(r => r.StatusCode == 201), Patience);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(stories.Requests.Select(r => r.StatusCode), Is.EqualTo(new[] { 429, 429, 201 }));
            Assert.That(await forwarder.DeadLettersAsync(), Is.Empty);
            Assert.That(forwarder.Logs.GetSnapshot().Count(l => l.Message.Contains("every instance pauses", StringComparison.Ordinal)), Is.EqualTo(2));
        });
    }
}
