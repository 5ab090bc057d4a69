namespace StoriesFunctions.Budget;

/// <content>The shared conditional writes: asks grouped while a write is in flight, conflicts waited out.</content>
public sealed partial class StoriesBudget
{
    private readonly Lock _lock = new();
    private List<Pending> _pending = [];
    private bool _writing;
    private (BudgetState State, string Version)? _last;
    private long _operations;
    private long _conflicts;

    /// <summary>Table operations so far (reads and writes): the cost side of the budget, for measurements.</summary>
    public long StorageOperations => Interlocked.Read(ref _operations);

    /// <summary>Writes so far that lost to another instance's: the contention on the row, for measurements.</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

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
        var batch = new List<Pending>();
        while (TakePending(batch))
        {
            try
            {
                await WriteAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Storage is down, or the row stayed busy past BudgetBackoff.GiveUpAfter: every asker's invocation fails.
                _last = null;
                foreach (var pending in batch)
                {
                    pending.Fail(ex);
                }
            }

            batch = [];
        }
    }

    /// <summary>Moves what was asked meanwhile into <paramref name="batch"/>; false, and writing ends, when there is nothing.</summary>
    private bool TakePending(List<Pending> batch)
    {
        lock (_lock)
        {
            batch.AddRange(_pending);
            _pending = [];
            _writing = batch.Count > 0;
            return _writing;
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        // Not the askers' tokens: one asker giving up must not fail the others' write.
        using var timeout = new CancellationTokenSource(BudgetBackoff.GiveUpAfter, time);
        try
        {
            for (var busy = 0; ;)
            {
                switch (await TryWriteAsync(batch, timeout.Token).ConfigureAwait(false))
                {
                    case Written.Yes:
                        return;
                    case Written.Stale:
                        // Another instance moved since our last write: read once, at once.
                        break;
                    case Written.Busy:
                        // Lost to a write made after our own read: the row is busy. Asks arriving meanwhile join this write.
                        await Task.Delay(BudgetBackoff.Delay(++busy, Random.Shared.NextDouble()), time, timeout.Token).ConfigureAwait(false);
                        TakePending(batch);
                        break;
                }
            }
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"The Stories budget row could not be written within {BudgetBackoff.GiveUpAfter}.", ex);
        }
    }

    /// <summary>One conditional write of the whole batch, from the version last written or, failing that, just read.</summary>
    private async Task<Written> TryWriteAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        var cached = _last is not null;
        if (_last is not { } current)
        {
            Interlocked.Increment(ref _operations);
            current = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        var (state, now) = (current.State, time.GetUtcNow());
        foreach (var pending in batch)
        {
            state = pending.Apply(state, BudgetRate.Of(state, _configured), now);
        }

        Interlocked.Increment(ref _operations);
        if (await store.TryWriteAsync(state, current.Version, cancellationToken).ConfigureAwait(false) is not { } version)
        {
            Interlocked.Increment(ref _conflicts);
            _last = null;
            return cached ? Written.Stale : Written.Busy;
        }

        _last = (state, version);
        foreach (var pending in batch)
        {
            pending.Complete();
        }

        return Written.Yes;
    }

    private enum Written
    {
        Yes,
        Stale,
        Busy,
    }
}
