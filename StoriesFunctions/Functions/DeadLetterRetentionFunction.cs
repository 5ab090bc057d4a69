using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Functions;

/// <summary>
/// Every hour, with <c>DeadLetters__RetentionDays</c> set: a purge job for the dead letters that failed longer ago than
/// that, so events holding personal data are not kept forever. With 0 (the default) nothing expires. Also drops the
/// console's per-minute counts older than two days, and marks failed any job that made no progress for an hour past
/// its longest retry: its piece was lost where nothing else could say so.
/// </summary>
public sealed class DeadLetterRetentionFunction(DeadLetterJobs jobs, DeadLetterStore store, DeliveryStats stats, IOptions<DeadLetterOptions> options, TimeProvider time)
{
    [Function("ExpireDeadLetters")]
    public async Task Run([TimerTrigger("0 0 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await stats.PruneAsync(cancellationToken);
        var stalledFor = DeadLetterJobPiece.LongestRetry(options.Value.JobRetryDelay) + TimeSpan.FromHours(1);
        var error = string.Create(CultureInfo.InvariantCulture, $"no progress for {stalledFor.TotalMinutes:0} minutes: its piece was lost (see the RunDeadLetterJob and FailDeadLetterJob logs)");
        await jobs.FailStalledAsync(time.GetUtcNow() - stalledFor, error, cancellationToken);
        if (options.Value.RetentionDays is > 0 and var days)
        {
            var filter = new DeadLetterFilter(Until: time.GetUtcNow() - TimeSpan.FromDays(days));
            if ((await store.CountAsync(filter, 1, cancellationToken)).Count > 0)
            {
                await jobs.StartAsync(DeadLetterJobKind.Purge, filter, null, null, cancellationToken);
            }
        }
    }
}
