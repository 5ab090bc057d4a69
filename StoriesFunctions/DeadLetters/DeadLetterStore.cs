using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using StoriesFunctions.Delivery;
using StoriesFunctions.Storage;

namespace StoriesFunctions.DeadLetters;

/// <summary>One stored dead letter: its facts, its row key, and (when read for replay) the event's bytes.</summary>
public sealed record StoredDeadLetter(string Key, DeadLetter Letter, ReadOnlyMemory<byte> Body, ETag ETag);

/// <summary>What deleting a dead letter as it was read did.</summary>
public enum DeadLetterDeletion
{
    Deleted,

    /// <summary>Someone else deleted it first (a replay, a purge, an operator).</summary>
    AlreadyGone,

    /// <summary>It was written again since it was read (the same event failed again): kept, for an operator to see.</summary>
    Changed,
}

/// <summary>
/// Dead letters in the <c>deadletters</c> table: one row per <c>messageId</c> (a dead letter written twice, by a retried
/// invocation, is one row), never expiring, listable in pages without the 32-message limit of a queue peek. The event
/// is kept as the bytes Segment sent, in a binary column (events are under an envelope's 47 KiB, below the 64 KiB a
/// column holds).
/// </summary>
public sealed class DeadLetterStore(TableServiceClient service)
{
    public const string TableName = "deadletters";
    private const string Partition = "deadletter";
    private const string BodyColumn = "Event";

    /// <summary>The longest key <see cref="KeyOf(string)"/> gives: a plain id of up to 200 characters (a hash is 71).</summary>
    public const int MaxKeyLength = 200;
    private static readonly string[] SummaryColumns =
        ["RowKey", "MessageId", "Type", "Reason", "ReasonKind", "StatusCode", "ResponseExcerpt", "Attempts", "ReceivedAt", "FirstAttemptAt", "FailedAt"];

    private readonly TableClient _table = service.GetTableClient(TableName);
    private Task? _created;

    public async Task AddAsync(DeadLetter letter, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(Partition, KeyOf(letter.MessageId, body.Span))
        {
            ["MessageId"] = letter.MessageId,
            ["Type"] = letter.Type,
            ["Reason"] = letter.Reason,
            ["ReasonKind"] = DeadLetterFilter.KindOf(letter.Reason),
            ["StatusCode"] = letter.StatusCode,
            ["ResponseExcerpt"] = letter.ResponseExcerpt,
            ["Attempts"] = letter.Attempts,
            ["ReceivedAt"] = letter.ReceivedAt,
            ["FirstAttemptAt"] = letter.FirstAttemptAt,
            ["FailedAt"] = letter.FailedAt,
            ["UserId"] = letter.UserId,
            [BodyColumn] = body.ToArray(),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page of dead letters, in key order; <paramref name="withBody"/> also reads each event.</summary>
    public Task<(IReadOnlyList<StoredDeadLetter> Page, string? Next)> ListAsync(int max, string? next, bool withBody, CancellationToken cancellationToken) =>
        ListAsync(DeadLetterFilter.All, max, next, withBody, cancellationToken);

    /// <summary>
    /// Up to <paramref name="max"/> dead letters matching <paramref name="filter"/>, from <paramref name="next"/> on, with the
    /// token for the rest (null when there is none). The table filters server-side and may answer a filtered query with
    /// short or empty pages; they are gathered until the page is full, so an empty page means nothing more matches.
    /// </summary>
    public async Task<(IReadOnlyList<StoredDeadLetter> Page, string? Next)> ListAsync(DeadLetterFilter filter, int max, string? next, bool withBody, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var select = withBody ? [.. SummaryColumns, BodyColumn] : SummaryColumns;
        var found = new List<StoredDeadLetter>(Math.Min(max, 1000));
        do
        {
            var pages = _table.QueryAsync<TableEntity>(filter.ToOData(Partition), max - found.Count, select, cancellationToken).AsPages(next, max - found.Count);
            next = null;
            await foreach (var page in pages.ConfigureAwait(false))
            {
                found.AddRange(page.Values.Select(Read));
                next = page.ContinuationToken;
                break;
            }
        }
        while (next is not null && found.Count < max);

        return (found, next);
    }

    /// <summary>How many dead letters match, counting at most <paramref name="cap"/>.</summary>
    public async Task<(int Count, bool More)> CountAsync(DeadLetterFilter filter, int cap, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var count = 0;
        await foreach (var _ in _table.QueryAsync<TableEntity>(filter.ToOData(Partition), 1000, ["RowKey"], cancellationToken).ConfigureAwait(false))
        {
            if (++count > cap)
            {
                return (cap, true);
            }
        }

        return (count, false);
    }

    /// <summary>One dead letter with its event, by <c>messageId</c>; null when there is none.</summary>
    public Task<StoredDeadLetter?> FindAsync(string messageId, CancellationToken cancellationToken) =>
        FindByKeyAsync(KeyOf(messageId), cancellationToken);

    /// <summary>One dead letter with its event, by its row key (<see cref="KeyOf(string)"/>); null when there is none.</summary>
    public async Task<StoredDeadLetter?> FindByKeyAsync(string key, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, key, [.. SummaryColumns, BodyColumn], cancellationToken).ConfigureAwait(false);
        return found.HasValue && found.Value is { } entity ? Read(entity) : null;
    }

    /// <summary>Deletes one dead letter as it was read: one written again since then is kept.</summary>
    public async Task<DeadLetterDeletion> DeleteAsync(StoredDeadLetter stored, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(Partition, stored.Key, stored.ETag, cancellationToken).ConfigureAwait(false);
            return DeadLetterDeletion.Deleted;
        }
        catch (RequestFailedException ex) when (ex.IsNotFound())
        {
            return DeadLetterDeletion.AlreadyGone;
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
        {
            return DeadLetterDeletion.Changed;
        }
    }

    /// <summary>The row key of a dead letter with this <c>messageId</c>: at most <see cref="MaxKeyLength"/> characters.</summary>
    public static string KeyOf(string messageId) => DeliveryTables.Keys(messageId).Row;

    private static StoredDeadLetter Read(TableEntity e) => new(
        e.RowKey,
        new DeadLetter(
            e.GetString("MessageId"),
            e.GetString("Type") ?? "unknown",
            e.GetString("Reason") ?? string.Empty,
            e.GetInt32("StatusCode"),
            e.GetString("ResponseExcerpt"),
            e.GetInt32("Attempts") ?? 0,
            e.GetDateTimeOffset("ReceivedAt") ?? default,
            e.GetDateTimeOffset("FirstAttemptAt") ?? default,
            e.GetDateTimeOffset("FailedAt") ?? default,
            null),
        e.GetBinary(BodyColumn) ?? ReadOnlyMemory<byte>.Empty,
        e.ETag);

    /// <summary>The messageId's table key; a message with none (unreadable) is keyed by a hash of its bytes.</summary>
    private static string KeyOf(string? messageId, ReadOnlySpan<byte> body) =>
        messageId is { Length: > 0 } id ? KeyOf(id) : "unreadable-" + Convert.ToHexStringLower(SHA256.HashData(body));

    private Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            created = _created = _table.CreateIfNotExistsAsync(cancellationToken);
        }

        return created;
    }
}
