using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Erasure;

/// <summary>Where erasure jobs live: a row each in <c>erasurejobs</c>, and a message in <c>erasure-jobs</c> for the pass to run.</summary>
public sealed class ErasureJobs(TableServiceClient tables, QueueServiceClient queues, TimeProvider time)
{
    public const string TableName = "erasurejobs";
    private const string Partition = "job";

    private readonly TableClient _table = tables.GetTableClient(TableName);
    private readonly QueueClient _queue = queues.GetQueueClient(QueueNames.Erasures);
    private Task? _created;

    public async Task<ErasureJob> StartAsync(string userId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var id = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}")[..30];
        var job = new ErasureJob(id, ErasureJob.Queued, now, now);
        await _table.AddEntityAsync(job.ToEntity(Partition), cancellationToken).ConfigureAwait(false);
        try
        {
            await NextAsync(new ErasureStep(id, userId, 1), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            await FailAsync(id, "its first pass could not be queued", CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return job;
    }

    public async Task<ErasureJob?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue && found.Value is { } entity ? ErasureJob.FromEntity(entity) : null;
    }

    public async Task SaveAsync(ErasureJob job, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(job.ToEntity(Partition), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

    public async Task NextAsync(ErasureStep step, TimeSpan delay, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await _queue.SendMessageAsync(BinaryData.FromString(step.ToJson()), delay, TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks a job failed with <paramref name="error"/> unless it finished already.</summary>
    public async Task FailAsync(string id, string error, CancellationToken cancellationToken)
    {
        if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is not { IsFinished: false } job)
        {
            return;
        }

        var now = time.GetUtcNow();
        try
        {
            await _table.UpdateEntityAsync(
                (job with { Status = ErasureJob.Failed, Error = error, UpdatedAt = now, FinishedAt = now }).ToEntity(Partition),
                job.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
        {
            // A pass recorded progress meanwhile: it decides how the job ends.
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
