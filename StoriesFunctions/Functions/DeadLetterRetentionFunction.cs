using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Functions;

/// <summary>
/// Every hour, with <c>DeadLetters__RetentionDays</c> set: a purge job for the dead letters that failed longer ago than
/// that, so events holding personal data are not kept forever. With 0 (the default) nothing expires. Also drops the
/// console's per-minute counts older than two days.
/// </summary>
public sealed class DeadLetterRetentionFunction(DeadLetterJobs jobs, DeadLetterStore store, DeliveryStats stats, IOptions<DeadLetterOptions> options, TimeProvider time)
{
    [Function("ExpireDeadLetters")]
    public async Task Run([TimerTrigger("0 0 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await stats.PruneAsync(cancellationToken);
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
