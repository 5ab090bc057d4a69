using System.Net;
using Azure;
using Azure.Data.Tables;

namespace StoriesFunctions.Delivery;

/// <summary>
/// The last day minute by minute, for the console's charts. Reads <c>deliverystats</c> as a <see cref="DeliveryDay"/>,
/// and keeps one backlog sample per minute in the same table (row key <see cref="BacklogRowKey"/> beside the instances'
/// rows), so that the hourly retention drops both after two days. A minute in which nothing waits writes no sample: the
/// chart shows it as zero, as it shows a minute in which the backlog timer did not run.
/// </summary>
public sealed class DeliveryHistory(TableServiceClient tables, TimeProvider time)
{
    /// <summary>The backlog sample's row key: never an instance id (those are hex, or a machine name and a process id).</summary>
    public const string BacklogRowKey = "backlog";
    public const string OldestAgeColumn = "OldestAgeSeconds";
    public const string MessagesColumn = "Messages";

    private readonly TableClient _table = tables.GetTableClient(DeliveryStats.TableName);

    public async Task<DeliveryDay> ReadDayAsync(TimeSpan bucket, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (from, count) = DeliveryDay.Bounds(now, bucket);
        var (first, end) = (DeliveryStats.Minute(from), DeliveryStats.Minute(from + (bucket * count)));
        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var rows = await _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {first} and PartitionKey lt {end}"), cancellationToken: cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return DeliveryDay.Sum(now, bucket, rows);
    }

    /// <summary>Writes this minute's backlog sample (one upsert), unless nothing is queued.</summary>
    public async Task RecordBacklogAsync(long messages, TimeSpan oldestAge, CancellationToken cancellationToken)
    {
        if (messages <= 0 && oldestAge <= TimeSpan.Zero)
        {
            return;
        }

        var sample = new TableEntity(DeliveryStats.Minute(time.GetUtcNow()), BacklogRowKey)
        {
            [MessagesColumn] = messages,
            [OldestAgeColumn] = Math.Round(oldestAge.TotalSeconds, 1),
        };
        try
        {
            await _table.UpsertEntityAsync(sample, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Every running instance creates the table within 10 s (DeliveryStats), so this is the first minute only.
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            await _table.UpsertEntityAsync(sample, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }
}
