using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Budget;
using StoriesFunctions.DeadLetters;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Delivers the events of one queue message in order: <see cref="MessagePlan"/> says whether each event is tried or
/// waits, <see cref="EventDelivery"/> tries it, <see cref="DeliveryPolicy"/> decides its fate, and
/// <see cref="VerdictActions"/> carries it out. Whatever waits goes back to the queue as new messages and this one
/// completes, so delivered events are never sent again. The invocation fails only when those messages cannot be
/// written: the host's redelivery is then the retry (claims keep that safe).
/// </summary>
public sealed class EnvelopeDelivery(
    EventDelivery delivery,
    VerdictActions actions,
    EventQueue queue,
    DeadLetterIntake deadLetters,
    RetrySchedule schedule,
    IOptions<DeliveryOptions> options,
    IOptions<TelemetryOptions> telemetry,
    TimeProvider time,
    ILogger<EnvelopeDelivery> logger)
{
    /// <summary>Time the last writes get, whatever the invocation's token says: a shutdown must not drop what waits.</summary>
    private static readonly TimeSpan FinalWriteTimeout = TimeSpan.FromSeconds(30);

    public async Task DeliverAsync(string queueMessageId, BinaryData body, CancellationToken cancellationToken)
    {
        using var envelope = Envelope.TryParse(body);
        if (envelope is null)
        {
            await deadLetters.AddUnreadableAsync(queueMessageId, body, cancellationToken).ConfigureAwait(false);
            return;
        }

        var (started, random) = (time.GetTimestamp(), Random.Shared.NextDouble());
        var (budget, plan, later, tally) = (delivery.BudgetFor(envelope), new MessagePlan(), new RetryEnvelopes(), new MessageTally());
        for (var i = 0; i < envelope.Events.Count; i++)
        {
            var item = envelope.Events[i];
            var handOver = cancellationToken.IsCancellationRequested || (tally.Tried > 0 && time.GetElapsedTime(started) > options.Value.InvocationBudget);
            if (plan.Next(item, handOver) is Gate.Wait wait)
            {
                later.Add(actions.Waiting(item, wait), wait.Delay, tried: false, wait.Kind);
                continue;
            }

            var outcome = await delivery.TryAsync(item, budget, i, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var tried = outcome.CalledStories ? item with { FirstAttemptAt = item.FirstAttemptAt ?? now } : item;
            var verdict = DeliveryPolicy.Decide(outcome, tried, schedule, now, random);
            (outcome, verdict) = await actions.ApplyAsync(tried, outcome, verdict, later, random).ConfigureAwait(false);
            plan.Observe(tried, outcome, verdict);
            tally.Count(outcome, verdict);
        }

        await SendLaterAsync(queueMessageId, later, plan.Stopped).ConfigureAwait(false);
        var level = tally.AllDelivered(envelope.Events.Count) ? telemetry.Value.SuccessLevel : LogLevel.Information;
        if (logger.IsEnabled(level))
        {
            var elapsedMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
            Log.MessageDelivered(logger, level, queueMessageId, envelope.Events.Count, tally.Delivered, tally.Duplicates, tally.Retried,
                later.Count - tally.Retried, tally.DeadLettered, elapsedMs);
        }
    }

    private async Task SendLaterAsync(string queueMessageId, RetryEnvelopes later, (TimeSpan Delay, DeferKind Kind, string Reason)? stopped)
    {
        if (later.Count == 0)
        {
            return;
        }

        actions.Stopped(queueMessageId, stopped, later);
        using var timeout = new CancellationTokenSource(FinalWriteTimeout);
        foreach (var (delay, envelopes) in later.Pack())
        {
            // A failure here fails the invocation: the host shows the message again, and claims send nothing twice.
            await queue.SendAsync(envelopes, delay, timeout.Token).ConfigureAwait(false);
        }
    }
}
