using Azure;
using Azure.Data.Tables;

namespace StoriesFunctions.Erasure;

/// <summary>
/// The users nothing may be posted for: a row per erased user in <c>erasedusers</c>, keyed by <see cref="UserHash"/>.
/// Every instance reads the whole list at most every <see cref="RefreshInterval"/> (erasures are rare: it stays small),
/// so the webhook and delivery ask it without a storage call per event. An erasure therefore takes effect everywhere
/// within <see cref="RefreshInterval"/>, which <see cref="ErasureRunner"/> waits out before it checks Stories again.
/// </summary>
public sealed class ErasedUsers(TableServiceClient tables, UserHash hash, TimeProvider time)
{
    public const string TableName = "erasedusers";
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);
    private const string Partition = "user";

    private readonly TableClient _table = tables.GetTableClient(TableName);
    private volatile Snapshot? _snapshot;
    private Task<Snapshot>? _loading;
    private Task? _created;

    /// <summary>Whether <paramref name="userId"/> was erased (as of at most <see cref="RefreshInterval"/> ago). Throws when storage fails and nothing is known.</summary>
    public async Task<bool> IsErasedAsync(string? userId, CancellationToken cancellationToken) =>
        userId is not null && (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Contains(hash.Of(userId));

    /// <summary>The list as of at most <see cref="RefreshInterval"/> ago: for checking many events at once.</summary>
    public async Task<Func<string?, bool>> CurrentCheckAsync(CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken).ConfigureAwait(false);

        // Nobody erased (the usual case): no hash to compute per event.
        return current.Count == 0 ? _ => false : userId => userId is not null && current.Contains(hash.Of(userId));
    }

    /// <summary>Adds the user; this instance knows at once, the others within <see cref="RefreshInterval"/>.</summary>
    public async Task AddAsync(string userId, string jobId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var key = hash.Of(userId);
        var entity = new TableEntity(Partition, key) { ["ErasedAt"] = time.GetUtcNow(), ["JobId"] = jobId };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        _snapshot = null;
    }

    /// <summary>Lifts an erasure: the user's later events are delivered again. False when the user was not erased.</summary>
    public async Task<bool> LiftAsync(string userId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        _snapshot = null;
        try
        {
            await _table.DeleteEntityAsync(Partition, hash.Of(userId), ETag.All, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Reloads the list now if it would be stale within <paramref name="within"/>: delivery calls this before it waits
    /// for its Stories slot, so that the check after the claim finds a fresh list and the post keeps its slot instead
    /// of waiting on a table read (a late call can meet a fixed window that another call already filled).
    /// </summary>
    public async Task RefreshIfStaleWithinAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        if (_snapshot is { } fresh && time.GetElapsedTime(fresh.LoadedAt) + within < RefreshInterval)
        {
            return;
        }

        _snapshot = null;
        await CurrentAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<HashSet<string>> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } fresh && time.GetElapsedTime(fresh.LoadedAt) < RefreshInterval)
        {
            return fresh.Hashes;
        }

        // One load at a time per instance, shared by every caller; a failed one is started afresh by the next caller.
        var loading = _loading;
        if (loading is null || loading.IsCompleted)
        {
            var started = LoadAsync();
            loading = Interlocked.CompareExchange(ref _loading, started, loading) == loading ? started : _loading!;
        }

        var snapshot = await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        _snapshot = snapshot;
        return snapshot.Hashes;
    }

    private async Task<Snapshot> LoadAsync()
    {
        var started = time.GetTimestamp();
        await EnsureCreatedAsync(CancellationToken.None).ConfigureAwait(false);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, 1000, ["RowKey"], CancellationToken.None).ConfigureAwait(false))
        {
            hashes.Add(row.RowKey);
        }

        return new Snapshot(hashes, started);
    }

    private Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            created = _created = _table.CreateIfNotExistsAsync(cancellationToken);
        }

        return created;
    }

    private sealed record Snapshot(HashSet<string> Hashes, long LoadedAt);
}
