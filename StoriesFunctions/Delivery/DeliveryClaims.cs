using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Delivery;

/// <summary>
/// One post per step of an event, even when copies of it run at once on several instances. Before posting, a copy
/// claims the event's row with a write only one writer can win: an insert (409 means someone else got there), or, once
/// a previous holder's lease ran out, a replace on the ETag it read (412 means someone else moved first). Completing a
/// step is recorded on the same row. What remains is written in docs/failures-and-replay.md: a holder that dies after Stories accepted
/// its post and before recording it; its lease runs out and the next copy posts again.
/// </summary>
public sealed class DeliveryClaims(DeliveryTables tables, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryClaims> logger)
{
    private static readonly string Instance = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>One write's limit, apart from the invocation's token: a record must be attempted even on shutdown.</summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxRecordPause = TimeSpan.FromSeconds(5);
    private readonly TimeSpan _lease = options.Value.ClaimLease;

    public async Task<DeliveryClaim> TryClaimAsync(string messageId, CancellationToken cancellationToken)
    {
        var owner = $"{Instance}:{Guid.NewGuid():N}";
        var (partition, row) = DeliveryTables.Keys(messageId);
        var (current, previous) = await tables.GetAsync(cancellationToken).ConfigureAwait(false);

        // Two rounds: a lost race is re-read once; losing again means another copy is busy with it right now.
        for (var round = 0; round < 2; round++)
        {
            var found = await ReadAsync(current, partition, row, cancellationToken).ConfigureAwait(false);
            var state = found is null ? await ReadPreviousAsync(previous, partition, row, cancellationToken).ConfigureAwait(false) : DeliveryClaim.Row.From(found);
            var now = time.GetUtcNow();
            if (state.EventDone)
            {
                return new DeliveryClaim(messageId, ClaimStatus.Done, owner, true, now, default);
            }

            if (state.IsHeldAt(now, owner))
            {
                return new DeliveryClaim(messageId, ClaimStatus.Held, owner, state.UserDone, state.LeaseUntil, default);
            }

            var entity = Entity(partition, row, owner, now + _lease, state.UserDone, eventDone: false);
            try
            {
                var written = found is null
                    ? await current.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                    : await current.UpdateEntityAsync(entity, found.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return new DeliveryClaim(messageId, ClaimStatus.Claimed, owner, state.UserDone, now + _lease, written.Headers.ETag ?? default);
            }
            catch (RequestFailedException ex) when (ex.IsConflict() || ex.IsPreconditionFailed())
            {
                // Someone claimed or changed it between our read and our write: read again.
            }
        }

        return new DeliveryClaim(messageId, ClaimStatus.Held, owner, false, time.GetUtcNow() + _lease, default);
    }

    /// <summary>Whether Stories accepted the event before (this period's record or the previous one's).</summary>
    public async Task<bool> IsDeliveredAsync(string messageId, CancellationToken cancellationToken)
    {
        var (partition, row) = DeliveryTables.Keys(messageId);
        var (current, previous) = await tables.GetAsync(cancellationToken).ConfigureAwait(false);
        var found = await ReadAsync(current, partition, row, cancellationToken).ConfigureAwait(false);
        var state = found is null ? await ReadPreviousAsync(previous, partition, row, cancellationToken).ConfigureAwait(false) : DeliveryClaim.Row.From(found);
        return state.EventDone;
    }

    /// <summary>
    /// Records the user upsert on our claim and renews the lease. Null when the claim was taken over meanwhile (our lease
    /// ran out): the caller must not post the event. A storage failure keeps the claim as it was, lease and version: the
    /// upsert may be repeated later, which Stories absorbs (it is an upsert); the caller posts the event only while the
    /// old lease still covers the call.
    /// </summary>
    public async Task<DeliveryClaim?> CompleteUserAsync(DeliveryClaim claim)
    {
        var now = time.GetUtcNow();
        var (partition, row) = DeliveryTables.Keys(claim.MessageId);
        var entity = Entity(partition, row, claim.Owner, now + _lease, userDone: true, eventDone: false);
        try
        {
            using var timeout = new CancellationTokenSource(WriteTimeout);
            var (current, _) = await tables.GetAsync(timeout.Token).ConfigureAwait(false);
            var written = await current.UpdateEntityAsync(entity, claim.ETag, TableUpdateMode.Merge, timeout.Token).ConfigureAwait(false);
            return claim with { UserDone = true, HeldUntil = now + _lease, ETag = written.Headers.ETag ?? ETag.All };
        }
        catch (Exception ex) when (ex.IsPreconditionFailed() || ex.IsNotFound())
        {
            return null;
        }
        catch (Exception ex) when (ex.IsStorageFailure(CancellationToken.None))
        {
            Log.RecordFailed(logger, ex, claim.MessageId);
            return claim with { UserDone = true };
        }
    }

    /// <summary>
    /// Records that Stories accepted the event. Never throws and is never cancelled: a 2xx must not turn into a failure
    /// (that would post it again). Tried again with backoff for as long as our lease lasts, since only then can no other
    /// copy post it; unconditional, so it lands even if the lease ran out meanwhile. False when it could not be written.
    /// </summary>
    public async Task<bool> CompleteEventAsync(DeliveryClaim claim)
    {
        var (partition, row) = DeliveryTables.Keys(claim.MessageId);
        var pause = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            var now = time.GetUtcNow();
            var entity = Entity(partition, row, string.Empty, now, claim.UserDone, eventDone: true);
            entity[DeliveryClaim.EventDoneAtColumn] = now;
            try
            {
                using var timeout = new CancellationTokenSource(WriteTimeout);
                var (current, _) = await tables.GetAsync(timeout.Token).ConfigureAwait(false);
                await current.UpsertEntityAsync(entity, TableUpdateMode.Merge, timeout.Token).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex)
            {
                if (time.GetUtcNow() + pause >= claim.HeldUntil)
                {
                    Log.RecordFailed(logger, ex, claim.MessageId);
                    return false;
                }
            }

            await Task.Delay(pause, time).ConfigureAwait(false);
            pause = pause * 2 < MaxRecordPause ? pause * 2 : MaxRecordPause;
        }
    }

    /// <summary>
    /// Lets our claim go at once (a transient failure), so that the retry need not wait out the lease. Conditional on the
    /// version we wrote: a claim that another copy took over meanwhile is theirs and stays. Best effort.
    /// </summary>
    public async Task ReleaseAsync(DeliveryClaim claim)
    {
        var (partition, row) = DeliveryTables.Keys(claim.MessageId);
        var entity = new TableEntity(partition, row) { [DeliveryClaim.OwnerColumn] = string.Empty, [DeliveryClaim.LeaseUntilColumn] = DateTimeOffset.UnixEpoch };
        try
        {
            using var timeout = new CancellationTokenSource(WriteTimeout);
            var (current, _) = await tables.GetAsync(timeout.Token).ConfigureAwait(false);
            await current.UpdateEntityAsync(entity, claim.ETag, TableUpdateMode.Merge, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(CancellationToken.None))
        {
            // Not ours any more (412), or storage is down: the lease runs out on its own.
        }
    }

    /// <summary>
    /// A claim row. The steps are also written in the previous version's <c>Steps</c> flags, so that an instance still on
    /// that version during a rolling upgrade sees them and posts nothing twice.
    /// </summary>
    private TableEntity Entity(string partition, string row, string owner, DateTimeOffset leaseUntil, bool userDone, bool eventDone)
    {
        var entity = new TableEntity(partition, row)
        {
            [DeliveryClaim.OwnerColumn] = owner,
            [DeliveryClaim.LeaseUntilColumn] = leaseUntil,
            [DeliveryClaim.LegacyStepsColumn] = (userDone ? 1 : 0) | (eventDone ? 2 : 0),
        };
        if (userDone)
        {
            entity[DeliveryClaim.UserDoneAtColumn] = time.GetUtcNow();
        }

        return entity;
    }

    private static async Task<TableEntity?> ReadAsync(TableClient table, string partition, string row, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, DeliveryClaim.Columns, cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>The previous period's row, if any: done steps and a live lease carry over; nothing is written there.</summary>
    private static async Task<DeliveryClaim.Row> ReadPreviousAsync(TableClient? previous, string partition, string row, CancellationToken cancellationToken)
    {
        var found = previous is null ? null : await ReadAsync(previous, partition, row, cancellationToken).ConfigureAwait(false);
        return found is null ? default : DeliveryClaim.Row.From(found);
    }
}
