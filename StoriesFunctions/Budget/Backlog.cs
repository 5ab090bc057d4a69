using Microsoft.Extensions.Logging;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Storage;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Budget;

/// <summary>The backlog as an operator sees it: how much waits, how old the oldest event is, how long it takes to drain.</summary>
public sealed record BacklogFigures(long Messages, TimeSpan OldestAge, TimeSpan TimeToDrain, BudgetRate Rate);

/// <summary>
/// Reads the backlog from the queue and the Stories budget, and emits it as gauges. Messages waiting for budget slots
/// are hidden in the queue, so their share comes from the budget's row: the end of its schedule and the marks of when
/// their events were received. Visible messages (not yet picked up) are peeked. Events waiting for a retry after a
/// failure are counted in the queue length, and counted again in the age once their retry comes due.
/// </summary>
public sealed class Backlog(EventQueue queue, StoriesBudget budget, ForwarderMetrics metrics, TimeProvider time, ILogger<Backlog> logger)
{
    private const int PeekMax = 32;

    public async Task<BacklogFigures> ReadAsync(CancellationToken cancellationToken)
    {
        await queue.EnsureCreatedAsync().ConfigureAwait(false);
        var properties = await queue.Events.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        var peeked = await queue.Events.PeekMessagesAsync(PeekMax, cancellationToken).ConfigureAwait(false);
        var (state, rate) = await budget.ReadAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();

        var oldest = state.Marks.OldestWaiting(now);
        var visibleEvents = 0;
        foreach (var message in peeked.Value)
        {
            using var envelope = Envelope.TryParse(message.Body);
            foreach (var item in envelope?.Events ?? [])
            {
                visibleEvents++;
                oldest = oldest is null || item.ReceivedAt < oldest ? item.ReceivedAt : oldest;
            }
        }

        var age = oldest is { } at && at < now ? now - at : TimeSpan.Zero;
        var drain = (state.DrainedAt(rate, now) - now) + (rate.Interval * visibleEvents);
        return new BacklogFigures(properties.Value.ApproximateMessagesCount, age, drain, rate);
    }

    /// <summary>Reads the figures and records them as metrics and one log line.</summary>
    public async Task<BacklogFigures> EmitAsync(CancellationToken cancellationToken)
    {
        var figures = await ReadAsync(cancellationToken).ConfigureAwait(false);
        metrics.BacklogMessages.Record(figures.Messages);
        metrics.BacklogOldestAge.Record(figures.OldestAge.TotalSeconds);
        metrics.BacklogTimeToDrain.Record(figures.TimeToDrain.TotalSeconds);
        Log.Backlog(logger, figures.Messages, figures.OldestAge, figures.TimeToDrain, figures.Rate.CallsPerSecond, figures.Rate.Limit, figures.Rate.Window, figures.Rate.Source);
        return figures;
    }
}
