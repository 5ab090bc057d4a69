using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Functions;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// The backlog's gauges: what waits in the queue, how old, how long until it drains. The timer records them every 15
/// minutes; the delivery path every minute at most, while events flow.
/// </summary>
public class BacklogFunctionTests
{
    [Test]
    public async Task Run_EventsWaitingForBudget_ReportsTheirCountAgeAndTimeToDrain()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s => s["Stories:RateLimit"] = "1/10s");
        for (var i = 0; i < 5; i++)
        {
            await forwarder.PostAsync(SegmentEventBuilder.Track().With("event", $"Slow {i}").Json());
        }

        await forwarder.DeliverVisibleAsync();
        var metrics = forwarder.Services.GetRequiredService<ForwarderMetrics>();
        using var drain = new MetricCollector<double>(metrics.BacklogTimeToDrain);
        using var messages = new MetricCollector<long>(metrics.BacklogMessages);
        await forwarder.Create<BacklogFunction>().Run(null!, CancellationToken.None);

        // One event went at once (a span of 10.5 s holds one call); the other four wait in the queue for a round each: the
        // last goes when the fourth round after the first call begins, 42.1 s after it.
        var figures = await forwarder.Services.GetRequiredService<Backlog>().ReadAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(stories.Requests, Has.Count.EqualTo(1));
            Assert.That(figures.Messages, Is.EqualTo(4));
            Assert.That(figures.TimeToDrain, Is.InRange(TimeSpan.FromSeconds(37), TimeSpan.FromSeconds(42.2)));
            Assert.That(figures.OldestAge, Is.GreaterThan(TimeSpan.Zero).And.LessThan(TimeSpan.FromMinutes(1)));
            Assert.That(figures.Rate.Source, Is.EqualTo("setting"));
            Assert.That(drain.LastMeasurement?.Value, Is.InRange(37, 42.2));
            Assert.That(messages.LastMeasurement?.Value, Is.EqualTo(4));
            Assert.That(forwarder.Logs.GetSnapshot().Any(l => l.Message.StartsWith("Backlog: ", StringComparison.Ordinal)), Is.True);
        });
    }

    [Test]
    public async Task Run_NothingWaiting_ZeroAgeAndNothingToDrain()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);

        var figures = await forwarder.Services.GetRequiredService<Backlog>().EmitAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(figures.Messages, Is.Zero);
            Assert.That(figures.OldestAge, Is.EqualTo(TimeSpan.Zero));
            Assert.That(figures.TimeToDrain, Is.EqualTo(TimeSpan.Zero));
        });
    }

    [Test]
    public async Task Deliver_EventsFlowing_RecordsTheGaugesOnceAMinuteAtMostPerInstance()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        var metrics = forwarder.Services.GetRequiredService<ForwarderMetrics>();
        using var messages = new MetricCollector<long>(metrics.BacklogMessages);
        using var age = new MetricCollector<double>(metrics.BacklogOldestAge);
        for (var i = 0; i < 3; i++)
        {
            await forwarder.PostAsync(SegmentEventBuilder.Track().With("event", $"Flowing {i}").Json());
        }

        var invocations = await forwarder.DeliverVisibleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(invocations, Is.EqualTo(3));
            Assert.That(stories.Requests, Has.Count.EqualTo(3));
            Assert.That(messages.GetMeasurementSnapshot(), Has.Count.EqualTo(1), "the first invocation records them; the next two are within its minute");
            Assert.That(age.GetMeasurementSnapshot(), Has.Count.EqualTo(1));
            Assert.That(forwarder.Logs.GetSnapshot().Count(l => l.Message.StartsWith("Backlog: ", StringComparison.Ordinal)), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task EmitIfDue_WithinAMinuteOfTheLast_RecordsNothingUntilTheMinuteHasPassed()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var backlog = ActivatorUtilities.CreateInstance<Backlog>(forwarder.Services, clock);

        var first = await backlog.EmitIfDueAsync(CancellationToken.None);
        clock.Advance(Backlog.DeliveryCadence - TimeSpan.FromSeconds(1));
        var tooSoon = await backlog.EmitIfDueAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1));
        var due = await backlog.EmitIfDueAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.Null);
            Assert.That(tooSoon, Is.Null);
            Assert.That(due, Is.Not.Null);
        });
    }

    [Test]
    public async Task EmitIfDue_StorageUnreachable_RecordsNothingAndDoesNotFail()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, storageConnectionString: Azurite.UnreachableConnectionString);
        var metrics = forwarder.Services.GetRequiredService<ForwarderMetrics>();
        using var messages = new MetricCollector<long>(metrics.BacklogMessages);

        var figures = await forwarder.Services.GetRequiredService<Backlog>().EmitIfDueAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(figures, Is.Null, "a gauge must never fail the delivered message it follows");
            Assert.That(messages.GetMeasurementSnapshot(), Is.Empty);
        });
    }
}
