using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Stories;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Delivery;

/// <summary>
/// This instance's door to the deployment's one Stories budget (<see cref="BudgetLedger"/> decides, the row in
/// <see cref="IBudgetStore"/> remembers). Concurrent invocations share writes: whatever they ask while a write is in
/// flight goes out in the next one, so the cost is one conditional write per group of asks, not per call. The version
/// of the last write is kept, so a lone instance writes without reading first; a conflict means another instance moved,
/// and costs one read.
/// </summary>
public sealed class StoriesBudget(IBudgetStore store, IOptions<StoriesOptions> stories, TimeProvider time, ILogger<StoriesBudget> logger)
{
    private const int MaxConflictsInARow = 100;

    private readonly StoriesRateLimit? _configured = stories.Value.ConfiguredRateLimit;
    private readonly Lock _lock = new();
    private List<Pending> _pending = [];
    private bool _writing;
    private (BudgetState State, string Version)? _last;
    private bool _warnedLimit;

    /// <summary>Table operations so far (reads and writes): the cost side of the budget, for measurements.</summary>
    public long StorageOperations => Interlocked.Read(ref _operations);

    private long _operations;

    /// <summary>Slots for one event's calls: now-ish, or reserved later for the rest of its message.</summary>
    public Task<BudgetGrant> AskAsync(BudgetAsk ask, CancellationToken cancellationToken) =>
        Submit<BudgetGrant>((state, rate, now) => BudgetLedger.Ask(state, ask, rate, now), cancellationToken);

    /// <summary>Stories answered 429: every instance waits until <paramref name="until"/>.</summary>
    public Task PauseAsync(DateTimeOffset until, CancellationToken cancellationToken) =>
        Submit<bool>((state, _, _) => (BudgetLedger.Pause(state, until), true), cancellationToken);

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

        return _last?.State.LearnedLimit == limit
            ? Task.CompletedTask
            : Submit<bool>((state, _, _) => (BudgetLedger.Learn(state, limit), true), cancellationToken);
    }

    /// <summary>The row as it is now, and the pace it gives: for the backlog gauges.</summary>
    public async Task<(BudgetState State, BudgetRate Rate)> ReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _operations);
        var (state, _) = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (state, BudgetRate.Of(state, _configured));
    }

    public BudgetRate RateOf(BudgetState state) => BudgetRate.Of(state, _configured);

    private Task<T> Submit<T>(Func<BudgetState, BudgetRate, DateTimeOffset, (BudgetState, T)> change, CancellationToken cancellationToken)
    {
        var pending = new Pending<T>(change);
        bool write;
        lock (_lock)
        {
            _pending.Add(pending);
            write = !_writing;
            _writing = true;
        }

        if (write)
        {
            _ = WriteAllAsync();
        }

        return pending.Result.WaitAsync(cancellationToken);
    }

    private async Task WriteAllAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _writing = false;
                    return;
                }

                (batch, _pending) = (_pending, []);
            }

            try
            {
                await WriteAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Storage is down or refused: every asker's invocation fails and the host tries its message again.
                _last = null;
                foreach (var pending in batch)
                {
                    pending.Fail(ex);
                }
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        // Not the askers' tokens: one asker giving up must not fail the others' write.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), time);
        for (var conflicts = 0; ; conflicts++)
        {
            if (_last is not { } current)
            {
                Interlocked.Increment(ref _operations);
                current = await store.ReadAsync(timeout.Token).ConfigureAwait(false);
            }

            var (state, now) = (current.State, time.GetUtcNow());
            foreach (var pending in batch)
            {
                state = pending.Apply(state, BudgetRate.Of(state, _configured), now);
            }

            Interlocked.Increment(ref _operations);
            if (await store.TryWriteAsync(state, current.Version, timeout.Token).ConfigureAwait(false) is { } version)
            {
                _last = (state, version);
                foreach (var pending in batch)
                {
                    pending.Complete();
                }

                return;
            }

            _last = null;
            if (conflicts >= MaxConflictsInARow)
            {
                throw new InvalidOperationException($"The Stories budget row changed under {conflicts} writes in a row.");
            }
        }
    }

    private abstract class Pending
    {
        public abstract BudgetState Apply(BudgetState state, BudgetRate rate, DateTimeOffset now);

        public abstract void Complete();

        public abstract void Fail(Exception ex);
    }

    private sealed class Pending<T>(Func<BudgetState, BudgetRate, DateTimeOffset, (BudgetState, T)> change) : Pending
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        public Task<T> Result => _result.Task;

        public override BudgetState Apply(BudgetState state, BudgetRate rate, DateTimeOffset now)
        {
            (state, _value) = change(state, rate, now);
            return state;
        }

        public override void Complete() => _result.TrySetResult(_value!);

        public override void Fail(Exception ex) => _result.TrySetException(ex);
    }
}
