using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Delivery;

/// <summary>
/// The tables that hold delivery claims: one Azure table per retention period (<c>delivered&lt;N&gt;</c>). A claim is
/// written in the current period's table and looked up there and in the previous one; expiry is dropping a table two
/// periods old, one operation per period instead of one per event.
/// </summary>
public sealed class DeliveryTables(TableServiceClient service, IOptions<DeliveryOptions> options, TimeProvider time)
{
    public const string TablePrefix = "delivered";
    private readonly TimeSpan _period = options.Value.DedupeRetention;
    private readonly ConcurrentDictionary<long, Task<bool>> _periods = new();

    /// <summary>This period's table, and the previous period's when it exists.</summary>
    public async Task<(TableClient Current, TableClient? Previous)> GetAsync(CancellationToken cancellationToken)
    {
        var period = CurrentPeriod();
        var previousExists = await EnsurePeriodAsync(period, cancellationToken).ConfigureAwait(false);
        return (Table(period), previousExists ? Table(period - 1) : null);
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
        catch (Azure.RequestFailedException ex) when (ex.IsNotFound())
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
