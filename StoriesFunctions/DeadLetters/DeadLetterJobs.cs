using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using StoriesFunctions.Storage;

namespace StoriesFunctions.DeadLetters;

/// <summary>
/// Where dead-letter jobs live: a row each in <c>deadletterjobs</c>, and a message in <c>deadletter-jobs</c> for the
/// next piece to run. A job is written before its first message is sent, so a job that exists but never ran is visible;
/// one whose first message could not be sent says so (<see cref="DeadLetterJob.Failed"/>).
/// </summary>
public sealed class DeadLetterJobs(TableServiceClient tables, QueueServiceClient queues, DeadLetterJobIds ids, TimeProvider time)
{
    public const string TableName = "deadletterjobs";
    private const string Partition = "job";

    private readonly TableClient _table = tables.GetTableClient(TableName);
    private readonly QueueClient _queue = queues.GetQueueClient(QueueNames.Jobs);
    private Task? _created;

    public async Task<DeadLetterJob> StartAsync(DeadLetterJobKind kind, DeadLetterFilter filter, IReadOnlyList<string>? messageIds, int? max, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var id = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}")[..30];
        if (messageIds is not null)
        {
            await ids.WriteAsync(id, messageIds, cancellationToken).ConfigureAwait(false);
        }

        var job = new DeadLetterJob(id, kind, filter, messageIds?.Count, max, DeadLetterJob.Queued, 0, 0, null, now, now, null);
        await _table.AddEntityAsync(job.ToEntity(Partition), cancellationToken).ConfigureAwait(false);
        try
        {
            await NextPieceAsync(new DeadLetterJobPiece(job.Id), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            // Not left "queued" with nothing to run it: the caller sees the failure, the job says why.
            await FailAsync(job.Id, "its first piece could not be queued", null, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return job;
    }

    public async Task<DeadLetterJob?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue && found.Value is { } entity ? DeadLetterJob.FromEntity(entity) : null;
    }

    /// <summary>Records a piece's progress, unless another run of the same piece got there first (then false).</summary>
    public async Task<bool> SaveAsync(DeadLetterJob job, CancellationToken cancellationToken)
    {
        try
        {
            await _table.UpdateEntityAsync(job.ToEntity(Partition), job.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
        {
            return false;
        }
    }

    /// <summary>Queues <paramref name="piece"/> to run after <paramref name="delay"/>.</summary>
    public async Task NextPieceAsync(DeadLetterJobPiece piece, TimeSpan delay, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await _queue.SendMessageAsync(BinaryData.FromString(piece.ToString()), delay, TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks failed every unfinished job that has not progressed since <paramref name="before"/>: its piece was lost
    /// where nothing else could say so (a poison message that could not be handled either). Returns how many.
    /// </summary>
    public async Task<int> FailStalledAsync(DateTimeOffset before, string error, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition} and UpdatedAt lt {before} and (Status eq {DeadLetterJob.Queued} or Status eq {DeadLetterJob.Running})");
        var stalled = 0;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            stalled += await FailAsync(row.RowKey, error, before, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return stalled;
    }

    /// <summary>
    /// Marks a job failed with <paramref name="error"/>, unless it finished already, does not exist, or progressed since
    /// <paramref name="stalledBefore"/>. Writes only its status, so that it works on a row the job's own pieces cannot read.
    /// </summary>
    public async Task<bool> FailAsync(string id, string error, DateTimeOffset? stalledBefore, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, id, ["Status", "UpdatedAt"], cancellationToken).ConfigureAwait(false);
            if (!found.HasValue || found.Value is not { } row || row.GetString("Status") is DeadLetterJob.Completed or DeadLetterJob.Failed
                || row.GetDateTimeOffset("UpdatedAt") >= stalledBefore)
            {
                return false;
            }

            var now = time.GetUtcNow();
            var failed = new TableEntity(Partition, id) { ["Status"] = DeadLetterJob.Failed, ["Error"] = error, ["UpdatedAt"] = now, ["FinishedAt"] = now };
            try
            {
                await _table.UpdateEntityAsync(failed, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
            {
                // A piece recorded progress meanwhile: look again.
            }
        }
    }

    private Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            created = _created = Task.WhenAll(_table.CreateIfNotExistsAsync(cancellationToken), _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        }

        return created;
    }
}
