using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Functions;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Functions;

/// <summary>The backlog's gauges as the timer emits them: what waits in the queue, how old, how long until it drains.</summary>
[NonParallelizable]
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
}
