using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Storage;

namespace StoriesFunctions.DeadLetters;

/// <summary>
/// Runs one piece of a dead-letter job: at most <c>DeadLetters__JobPieceSize</c> dead letters, seconds of work, far inside the
/// function timeout. It records its progress on the job's row, conditional on the version it read, then queues the
/// next piece. A piece cut short by a crash runs again from the last recorded cursor: a replayed event queued twice is
/// still delivered once (its claim), and a purged row deleted twice is just gone, and a row
/// written again since it was listed is kept and counted as skipped.
/// </summary>
public sealed class DeadLetterJobRunner(
    DeadLetterJobs jobs, DeadLetterJobIds ids, DeadLetterStore store, DeadLetterReplay replay, IOptions<DeadLetterOptions> options, TimeProvider time, ILogger<DeadLetterJobRunner> logger)
{
    private readonly int _pieceSize = options.Value.JobPieceSize;
    private readonly TimeSpan _retryDelay = options.Value.JobRetryDelay;

    /// <summary>
    /// Runs the piece a <c>deadletter-jobs</c> message names. When storage fails it, the piece is queued again after a
    /// growing delay (and the job marked failed after <see cref="DeadLetterJobPiece.MaxFailures"/> in a row), so the
    /// message is not burnt through the host's quick redeliveries; other failures go to the host, and to poison.
    /// </summary>
    public async Task RunPieceAsync(string message, CancellationToken cancellationToken)
    {
        var piece = DeadLetterJobPiece.Parse(message);
        try
        {
            await RunAsync(piece.JobId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            var failed = piece with { Failures = piece.Failures + 1 };
            var cause = Cause(ex);
            if (DeadLetterJobPiece.RetryDelay(failed.Failures, _retryDelay) is { } delay)
            {
                Log.JobPieceRetrying(logger, piece.JobId, failed.Failures, cause, delay);
                await jobs.NextPieceAsync(failed, delay, cancellationToken).ConfigureAwait(false);
                return;
            }

            Log.JobFailed(logger, piece.JobId, cause);
            await jobs.FailAsync(piece.JobId, $"storage failed {failed.Failures} times in a row ({cause})", null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What failed, without the request (which names the rows): the status and the service's error code, or the exception's type.</summary>
    private static string Cause(Exception ex) => ex switch
    {
        Azure.RequestFailedException failed => string.Join(' ', failed.Status, failed.ErrorCode).TrimEnd(),
        AggregateException aggregate when aggregate.Flatten().InnerExceptions.LastOrDefault() is { } inner => Cause(inner),
        _ => ex.GetType().Name,
    };

    private async Task RunAsync(string id, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (job is null || job.IsFinished)
        {
            return;
        }

        var room = job.Max is { } max ? Math.Max(max - job.Done - job.Skipped, 0) : _pieceSize;
        var (items, missing, cursor, last) = await NextAsync(job, Math.Min(room, _pieceSize), cancellationToken).ConfigureAwait(false);
        var (done, skipped) = job.Kind switch
        {
            DeadLetterJobKind.Replay => await replay.ReplayAsync(items, cancellationToken).ConfigureAwait(false),
            DeadLetterJobKind.Purge => await replay.PurgeAsync(items, cancellationToken).ConfigureAwait(false),
        };

        var now = time.GetUtcNow();
        var progressed = job with { Done = job.Done + done, Skipped = job.Skipped + skipped + missing, Cursor = cursor, UpdatedAt = now };
        var finished = last || (job.Max is { } cap && progressed.Done + progressed.Skipped >= cap);
        progressed = progressed with { Status = finished ? DeadLetterJob.Completed : DeadLetterJob.Running, FinishedAt = finished ? now : null };
        if (!await jobs.SaveAsync(progressed, cancellationToken).ConfigureAwait(false))
        {
            return; // another run of this piece recorded it and queued the next
        }

        Log.JobProgress(logger, id, job.Kind.ToString(), progressed.Status, progressed.Done, progressed.Skipped);
        if (!finished)
        {
            await jobs.NextPieceAsync(new DeadLetterJobPiece(id), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The piece's dead letters: by the job's filter from its continuation token, or from its list of ids.</summary>
    private async Task<(IReadOnlyList<StoredDeadLetter> Items, int Missing, string? Cursor, bool Last)> NextAsync(DeadLetterJob job, int size, CancellationToken cancellationToken)
    {
        var withBody = job.Kind == DeadLetterJobKind.Replay;
        if (job.MessageIdCount is { } count)
        {
            var from = int.TryParse(job.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : 0;
            var slice = await ids.ReadAsync(job, from, Math.Min(size, count - from), cancellationToken).ConfigureAwait(false);
            var found = new List<StoredDeadLetter>(slice.Count);
            foreach (var key in slice)
            {
                if (await store.FindByKeyAsync(key, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    found.Add(stored);
                }
            }

            var to = from + slice.Count;
            return (found, slice.Count - found.Count, to.ToString(CultureInfo.InvariantCulture), to >= count);
        }

        if (size == 0)
        {
            return ([], 0, job.Cursor, true);
        }

        var (page, next) = await store.ListAsync(job.Filter, size, job.Cursor, withBody, cancellationToken).ConfigureAwait(false);
        return (page, 0, next, next is null);
    }
}
