using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Where dead-letter jobs live: a row each in <c>deadletterjobs</c>, and a message in <c>deadletter-jobs</c> for the
/// next piece to run. A job is written before its first message is sent, so a job that exists but never ran is visible
/// (and a lost message is the only way to stall it; <see cref="StartAsync"/> of the same job sends it again).
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
        await NextPieceAsync(job.Id, cancellationToken).ConfigureAwait(false);
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

    public async Task NextPieceAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await _queue.SendMessageAsync(BinaryData.FromString(id), null, TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
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
