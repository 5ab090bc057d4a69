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
public sealed class Backlog(EventQueue queue, StoriesBudget budget, DeliveryHistory history, ForwarderMetrics metrics, TimeProvider time, ILogger<Backlog> logger)
{
    /// <summary>
    /// How often an instance that delivers records the gauges. The metrics leave the worker pre-aggregated per minute,
    /// so more often would show nothing more; each reading costs 3 storage calls.
    /// </summary>
    public static readonly TimeSpan DeliveryCadence = TimeSpan.FromMinutes(1);

    private const int PeekMax = 32;

    private long _nextDueTicks;

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

    /// <summary>
    /// Reads the figures and records them as metrics and one log line, and as the minute's sample for the console's
    /// backlog chart (written only while anything is queued).
    /// </summary>
    public async Task<BacklogFigures> EmitAsync(CancellationToken cancellationToken)
    {
        var figures = await ReadAsync(cancellationToken).ConfigureAwait(false);
        metrics.BacklogMessages.Record(figures.Messages);
        metrics.BacklogOldestAge.Record(figures.OldestAge.TotalSeconds);
        metrics.BacklogTimeToDrain.Record(figures.TimeToDrain.TotalSeconds);
        Log.Backlog(logger, figures.Messages, figures.OldestAge, figures.TimeToDrain, figures.Rate.CallsPerSecond, figures.Rate.Limit, figures.Rate.Window, figures.Rate.Source);
        await history.RecordBacklogAsync(figures.Messages, figures.OldestAge, cancellationToken).ConfigureAwait(false);
        return figures;
    }

    /// <summary>
    /// From the delivery path: the same gauges, at most once per <see cref="DeliveryCadence"/> on this instance, so that
    /// the dashboards and the backlog-age alert follow a backlog minute by minute while events flow, with no timer
    /// keeping an instance awake for it. Best effort: null when not due, or when storage failed (delivery itself then
    /// reports the outage, and the next reading or the timer catches up); a gauge must never fail a delivered message.
    /// </summary>
    public async Task<BacklogFigures?> EmitIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref _nextDueTicks);
        if (now < due || Interlocked.CompareExchange(ref _nextDueTicks, now + DeliveryCadence.Ticks, due) != due)
        {
            return null;
        }

        try
        {
            return await EmitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            return null;
        }
    }
}
