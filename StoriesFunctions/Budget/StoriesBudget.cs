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

    /// <summary>Slots for one event's calls: now-ish, or reserved later for the rest of its message.</summary>
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
            await Submit<bool>((state, _, now) => (BudgetLedger.Pause(state, until, now), true), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            Log.PauseNotShared(logger, ex, until);
        }
    }

    /// <summary>Reads Stories' own statement of its limit from an answer; writes only when it changed.</summary>
    public Task ObserveAsync(StoriesResponse response, CancellationToken cancellationToken)
    {
        if (response.Limit is not { } limit || limit < 1)
        {
            return Task.CompletedTask;
        }

        if (_configured is { } set)
        {
            if (limit < set.Limit && !_warnedLimit)
            {
                _warnedLimit = true;
                Log.RateLimitBelowSetting(logger, limit, set.ToString());
            }

            return Task.CompletedTask;
        }

        return _last?.State.LearnedLimit == limit ? Task.CompletedTask : LearnAsync(limit, cancellationToken);
    }

    /// <summary>The row as it is now, and the pace it gives: for the backlog gauges.</summary>
    public async Task<(BudgetState State, BudgetRate Rate)> ReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _operations);
        var (state, _) = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (state, BudgetRate.Of(state, _configured));
    }

    public BudgetRate RateOf(BudgetState state) => BudgetRate.Of(state, _configured);

    private async Task LearnAsync(int limit, CancellationToken cancellationToken)
    {
        try
        {
            await Submit<bool>((state, _, _) => (BudgetLedger.Learn(state, limit), true), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            // The next answer from Stories states it again, and this instance writes it then.
            Log.LimitNotShared(logger, ex, limit);
        }
    }
}
