using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.DeadLetters;
using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Erasure;

/// <summary>
/// Runs an erasure's passes. Pass 1: the user goes on <see cref="ErasedUsers"/> first (from then on nothing new is
/// posted for them), then their dead letters are purged and their Stories user deleted. A post that checked the list just
/// before the user was added can still land: delivery checks it after taking the event's claim, and the claim's lease
/// covers the post, so every such post is over within <see cref="ConfirmDelay"/>. Pass 2 runs then and purges and
/// deletes again. A pass that fails throws: the host tries it again, then moves it to poison, which fails the job.
/// </summary>
public sealed class ErasureRunner(
    ErasureJobs jobs, ErasedUsers erased, DeadLetterStore deadLetters, StoriesClient stories,
    IOptions<DeliveryOptions> delivery, IOptions<StoriesOptions> storiesOptions, TimeProvider time, ILogger<ErasureRunner> logger)
{
    /// <summary>Dead letters read per page while purging: a user rarely has many.</summary>
    private const int PageSize = 200;

    /// <summary>
    /// How long after the user is added every post that missed it is over: the list's refresh, then one Stories call
    /// (the user upsert before the claim's renewal), then the renewed lease, with a margin.
    /// </summary>
    public TimeSpan ConfirmDelay =>
        ErasedUsers.RefreshInterval + storiesOptions.Value.CallTimeout + delivery.Value.ClaimLease + TimeSpan.FromSeconds(5);

    public async Task RunAsync(string message, CancellationToken cancellationToken)
    {
        var step = ErasureStep.Parse(message);
        if (await jobs.GetAsync(step.JobId, cancellationToken).ConfigureAwait(false) is not { IsFinished: false } job || job.Passes >= step.Pass)
        {
            return; // finished, or this pass already ran and queued the next
        }

        var now = time.GetUtcNow();
        if (step.Pass == 1)
        {
            await erased.AddAsync(step.UserId, job.Id, cancellationToken).ConfigureAwait(false);
            job = job with { Status = ErasureJob.Running, SuppressedAt = now, UpdatedAt = now };
            await jobs.SaveAsync(job, cancellationToken).ConfigureAwait(false);
        }

        var purged = await PurgeDeadLettersAsync(step.UserId, cancellationToken).ConfigureAwait(false);
        var deletion = await stories.DeleteUserAsync(step.UserId, cancellationToken).ConfigureAwait(false);
        var last = step.Pass >= ErasureStep.LastPass;
        now = time.GetUtcNow();
        job = job with
        {
            Passes = step.Pass,
            DeadLettersPurged = job.DeadLettersPurged + purged,
            StoriesUsersDeleted = job.StoriesUsersDeleted + (deletion == UserDeletion.Deleted ? 1 : 0),
            StoriesUsersNotFound = job.StoriesUsersNotFound + (deletion == UserDeletion.NotFound ? 1 : 0),
            Status = last ? ErasureJob.Completed : ErasureJob.Running,
            UpdatedAt = now,
            FinishedAt = last ? now : null,
        };
        if (!last)
        {
            // Queued before the pass is recorded: a crash between the two runs this pass again (it is idempotent) rather
            // than leaving a job recorded past a pass whose successor was never queued.
            await jobs.NextAsync(step with { Pass = step.Pass + 1 }, ConfirmDelay, cancellationToken).ConfigureAwait(false);
        }

        await jobs.SaveAsync(job, cancellationToken).ConfigureAwait(false);
        Log.ErasurePass(logger, job.Id, step.Pass, purged, deletion.ToString());
    }

    private async Task<int> PurgeDeadLettersAsync(string userId, CancellationToken cancellationToken)
    {
        var filter = new DeadLetterFilter(UserId: userId);
        var purged = 0;
        string? next = null;
        do
        {
            (var page, next) = await deadLetters.ListAsync(filter, PageSize, next, withBody: false, cancellationToken).ConfigureAwait(false);
            foreach (var stored in page)
            {
                // One written again since it was read is still this user's: it goes too.
                var deleted = await deadLetters.DeleteAsync(stored with { ETag = Azure.ETag.All }, cancellationToken).ConfigureAwait(false);
                purged += deleted == DeadLetterDeletion.Deleted ? 1 : 0;
            }
        }
        while (next is not null);

        return purged;
    }
}
