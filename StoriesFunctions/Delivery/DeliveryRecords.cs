using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace StoriesFunctions.Delivery;

/// <summary>Which steps of an event Stories has already accepted.</summary>
[Flags]
public enum DeliveredSteps
{
    None = 0,
    User = 1,
    Event = 2,
}

/// <summary>
/// Remembers which <c>messageId</c>s Stories accepted, so that a copy (Segment retry, re-sent batch, queue
/// re-delivery, replay) is not posted twice: Stories has no idempotency key. One Azure table per retention period
/// (<c>delivered&lt;N&gt;</c>); a record is looked up in the current and the previous period's table, and expiry
/// is dropping a table two periods old: one operation per period instead of one per event.
/// </summary>
public sealed class DeliveryRecords(TableServiceClient service, IOptions<DeliveryOptions> options, TimeProvider time)
{
    public const string TablePrefix = "delivered";
    private const string StepsColumn = "Steps";
    private readonly TimeSpan _period = options.Value.DedupeRetention;
    private readonly ConcurrentDictionary<long, Task<bool>> _periods = new();

    public async Task<DeliveredSteps> GetAsync(string messageId, CancellationToken cancellationToken)
    {
        var (partition, row) = Keys(messageId);
        var period = CurrentPeriod();
        var previousExists = await EnsurePeriodAsync(period, cancellationToken).ConfigureAwait(false);
        var steps = await ReadAsync(Table(period), partition, row, cancellationToken).ConfigureAwait(false);
        if (previousExists && steps != (DeliveredSteps.User | DeliveredSteps.Event))
        {
            steps |= await ReadAsync(Table(period - 1), partition, row, cancellationToken).ConfigureAwait(false);
        }

        return steps;
    }

    /// <summary>Records that Stories accepted <paramref name="steps"/>: every step done so far, not only the newest.</summary>
    public async Task RecordAsync(string messageId, DeliveredSteps steps, CancellationToken cancellationToken)
    {
        var (partition, row) = Keys(messageId);
        var period = CurrentPeriod();
        await EnsurePeriodAsync(period, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(partition, row) { [StepsColumn] = (int)steps };
        await Table(period).UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<DeliveredSteps> ReadAsync(TableClient table, string partition, string row, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, [StepsColumn], cancellationToken).ConfigureAwait(false);
        return found.HasValue && found.Value!.GetInt32(StepsColumn) is { } steps ? (DeliveredSteps)steps : DeliveredSteps.None;
    }

    private long CurrentPeriod() => time.GetUtcNow().ToUnixTimeSeconds() / (long)Math.Max(_period.TotalSeconds, 1);

    private TableClient Table(long period) => service.GetTableClient(TablePrefix + period.ToString(CultureInfo.InvariantCulture));

    /// <summary>Once per period and process: create this period's table, drop older ones, and tell whether the previous exists.</summary>
    private Task<bool> EnsurePeriodAsync(long period, CancellationToken cancellationToken)
    {
        var task = _periods.GetOrAdd(period, p => RollOverAsync(p, cancellationToken));
        if (task.IsFaulted || task.IsCanceled)
        {
            _periods.TryRemove(new KeyValuePair<long, Task<bool>>(period, task));
            task = _periods.GetOrAdd(period, p => RollOverAsync(p, cancellationToken));
        }

        return task;
    }

    private async Task<bool> RollOverAsync(long period, CancellationToken cancellationToken)
    {
        await Table(period).CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var previousExists = false;
        var filter = $"TableName ge '{TablePrefix}' and TableName lt '{TablePrefix}~'";
        await foreach (var table in service.QueryAsync(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!long.TryParse(table.Name.AsSpan(TablePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var existing))
            {
                continue;
            }

            previousExists |= existing == period - 1;
            if (existing < period - 1)
            {
                await DropAsync(table.Name, cancellationToken).ConfigureAwait(false);
            }
        }

        return previousExists;
    }

    private async Task DropAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await service.DeleteTableAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Another instance dropped it first.
        }
    }

    /// <summary>
    /// Table keys from a messageId. Keys may not hold '/', '\', '#', '?' or control characters and are at most 1 KiB,
    /// so any id outside a plain character set is stored as its SHA-256. The partition spreads ids over 256 ranges.
    /// </summary>
    internal static (string Partition, string Row) Keys(string messageId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(messageId), hash);
        var partition = Convert.ToHexStringLower(hash[..1]);
        var row = messageId.Length <= 200 && IsPlain(messageId) ? messageId : "sha256-" + Convert.ToHexStringLower(hash);
        return (partition, row);
    }

    private static bool IsPlain(string id)
    {
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@' or '+' or '='))
            {
                return false;
            }
        }

        return id.Length > 0;
    }
}
