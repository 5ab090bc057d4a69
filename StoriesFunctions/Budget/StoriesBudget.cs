using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Stories;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Budget;

/// <summary>
/// This instance's door to the deployment's one Stories budget (<see cref="BudgetLedger"/> decides, the row in
/// <see cref="IBudgetStore"/> remembers). Concurrent invocations share writes: whatever they ask while a write is in
/// flight goes out in the next one, so the cost is one conditional write per group of asks, not per call. The version
/// of the last write is kept, so a lone instance writes without reading first; a conflict means another instance moved,
/// and costs one read. A row that stays busy is waited out (<see cref="BudgetBackoff"/>); one that cannot be written
/// within <see cref="BudgetBackoff.GiveUpAfter"/> fails the asks with a <see cref="TimeoutException"/>, a storage
/// failure. A pause and a learned limit are advice: when they cannot be written they are logged, never thrown.
/// </summary>
public sealed partial class StoriesBudget(IBudgetStore store, IOptions<StoriesOptions> stories, TimeProvider time, ILogger<StoriesBudget> logger)
{
    private readonly StoriesRateLimit? _configured = stories.Value.ConfiguredRateLimit;
    private bool _warnedLimit;

    /// <summary>Calls for one event (and as many of its message's later ones as fit): now, shortly, or reserved later.</summary>
    public Task<BudgetGrant> AskAsync(BudgetAsk ask, CancellationToken cancellationToken) =>
        Submit<BudgetGrant>((state, rate, now) => BudgetLedger.Ask(state, ask, rate, now), cancellationToken);

    /// <summary>Stories answered 429: every instance waits until <paramref name="until"/>, for at most <see cref="BudgetLedger.MaxPause"/>.</summary>
    public async Task PauseAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (until - time.GetUtcNow() > BudgetLedger.MaxPause)
        {
            Log.PauseCapped(logger, until, BudgetLedger.MaxPause);
        }

        try
        {
            await Submit<bool>((state, rate, now) => (BudgetLedger.Pause(state, until, rate, now), true), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            Log.PauseNotShared(logger, ex, until);
        }
    }

    /// <summary>
    /// Reads Stories' own statement of its limit from an answer, writing only when it changed; and when Stories counts
    /// more calls in its window than our whole burst (fewer than <see cref="BudgetRate.Reserve"/> left), someone else
    /// spends the key too: those calls are counted.
    /// </summary>
    public Task ObserveAsync(StoriesResponse response, CancellationToken cancellationToken)
    {
        if (response.Limit is not { } limit || limit < 1)
        {
            return Task.CompletedTask;
        }

        var learns = LearnsFrom(limit);
        var last = _last?.State;
        if (!response.IsThrottled && response.Remaining is { } left && last is not null && left < RateOf(last).Reserve)
        {
            return AdviseAsync(
                (state, rate, now) => BudgetLedger.Counted(learns ? BudgetLedger.Learn(state, limit) : state, limit - left, rate, now),
                ex => Log.LimitNotShared(logger, ex, limit), cancellationToken);
        }

        return !learns || last?.LearnedLimit == limit
            ? Task.CompletedTask
            : AdviseAsync((state, _, _) => BudgetLedger.Learn(state, limit), ex => Log.LimitNotShared(logger, ex, limit), cancellationToken);
    }

    /// <summary>
    /// What became of the call that was to open a span (<see cref="BudgetGrant.Go.Opens"/>): Stories' answer (the rest of
    /// the burst may go, keeping to what Stories' window has left), or none (null: never sent, or no answer came), and
    /// the next grant opens the span again. Never throws: unshared, the burst goes after
    /// <see cref="BudgetLedger.OpeningPatience"/>.
    /// </summary>
    public Task ReportOpeningAsync(DateTimeOffset openedAt, StoriesResponse? response, CancellationToken cancellationToken)
    {
        if (response?.StatusCode is null)
        {
            return AdviseAsync((state, rate, _) => BudgetLedger.NotOpened(state, openedAt, rate), ex => Log.OpeningNotShared(logger, ex, openedAt, BudgetLedger.OpeningPatience), cancellationToken);
        }

        var learns = response.Limit is { } limit && limit > 0 && LearnsFrom(limit);
        return AdviseAsync(
            (state, rate, now) => BudgetLedger.Opened(learns ? BudgetLedger.Learn(state, response.Limit!.Value) : state, openedAt, response.Remaining, response.Limit, rate, now),
            ex => Log.OpeningNotShared(logger, ex, openedAt, BudgetLedger.OpeningPatience), cancellationToken);
    }

    /// <summary>The row as it is now, and the pace it gives: for the backlog gauges.</summary>
    public async Task<(BudgetState State, BudgetRate Rate)> ReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _operations);
        var (state, _) = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (state, BudgetRate.Of(state, _configured));
    }

    public BudgetRate RateOf(BudgetState state) => BudgetRate.Of(state, _configured);

    /// <summary>Whether a limit Stories stated is learned: not when the operator set one, which wins (a lower one is logged once).</summary>
    private bool LearnsFrom(int limit)
    {
        if (_configured is not { } set)
        {
            return true;
        }

        if (limit < set.Limit && !_warnedLimit)
        {
            _warnedLimit = true;
            Log.RateLimitBelowSetting(logger, limit, set.ToString());
        }

        return false;
    }

    /// <summary>A change that is advice: when the row cannot be written it is logged, never thrown; the next answer brings it again.</summary>
    private async Task AdviseAsync(Func<BudgetState, BudgetRate, DateTimeOffset, BudgetState> change, Action<Exception> notShared, CancellationToken cancellationToken)
    {
        try
        {
            await Submit<bool>((state, rate, now) => (change(state, rate, now), true), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            notShared(ex);
        }
    }
}
