using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Keeps a user's events of one call in call order when the call spans several envelopes, which are delivered in
/// parallel: an event that names the user's previous event (<see cref="EnvelopeEvent.After"/>) waits until that one is
/// delivered or dead-lettered. A dead letter does not hold its user's later events (its replay lands after them), and
/// neither does a predecessor gone for good (purged): after one retry window, the event goes on.
/// </summary>
public sealed class CallOrder(DeliveryClaims claims, DeadLetterStore deadLetters, RetrySchedule schedule, TimeProvider time)
{
    private static readonly TimeSpan LeastWait = TimeSpan.FromSeconds(2);

    /// <summary>Null when the event may go now; otherwise when to look again (the wait doubles as it lasts).</summary>
    public async Task<DateTimeOffset?> WaitUntilAsync(EnvelopeEvent item, CancellationToken cancellationToken)
    {
        if (item.After is not { } previous)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var waited = now - (item.FirstAttemptAt ?? now);
        if (waited >= schedule.Window
            || await claims.IsDeliveredAsync(previous, cancellationToken).ConfigureAwait(false)
            || await deadLetters.FindAsync(previous, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        return now + (waited < LeastWait ? LeastWait : waited > schedule.MaxDelay ? schedule.MaxDelay : waited);
    }
}
