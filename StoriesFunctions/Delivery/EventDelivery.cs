using Microsoft.Extensions.Options;
using StoriesFunctions.Segment;
using StoriesFunctions.Stories;
using StoriesFunctions.Budget;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Delivery;

/// <summary>
/// One event's try: slots from the Stories budget, then the claim, then the steps Stories has not accepted yet (the user
/// upsert, then the event), each in its own slot, each recorded as soon as Stories accepts it. Returns the facts; knows
/// nothing of attempts or queues. A failure of our own storage before anything is posted is a fact too
/// (<see cref="DeliveryResult.StorageDown"/>), never a failure of the invocation. Once the claim is taken, the
/// invocation's token is no longer used: a call that started finishes and is recorded, even while the host stops.
/// </summary>
public sealed class EventDelivery(
    StoriesMapper mapper, StoriesClient stories, DeliveryClaims claims, CallOrder order, StoriesBudget budget, Erasure.ErasedUsers erased, IOptions<StoriesOptions> storiesOptions,
    Telemetry.ForwarderMetrics metrics, TimeProvider time, Microsoft.Extensions.Logging.ILogger<EventDelivery> logger)
{
    private readonly TimeSpan _call = storiesOptions.Value.CallTimeout;

    /// <summary>Stories calls this event will make: what it asks of the budget.</summary>
    public int CallsFor(EnvelopeEvent item) => mapper.CallsFor(EventTypeOf(item));

    /// <summary>One message's door to the budget, for this invocation: asks for its events in turn.</summary>
    internal MessageBudget BudgetFor(Envelope envelope) => new(budget, new BudgetAsks(envelope, this), time);

    /// <summary>Its turn first, then calls from the budget, then the calls. After a 429 the event asks once more, ahead of newer messages.</summary>
    internal async Task<DeliveryOutcome> TryAsync(EnvelopeEvent item, MessageBudget message, int index, CancellationToken cancellationToken)
    {
        var type = EventTypeOf(item);
        try
        {
            if (await order.WaitUntilAsync(item, cancellationToken).ConfigureAwait(false) is { } turn)
            {
                return DeliveryOutcome.WaitingOnUser(type, turn);
            }

            for (var round = 0; ; round++)
            {
                var grant = await message.AskAsync(index, scheduled: round > 0, cancellationToken).ConfigureAwait(false);
                if (grant is BudgetGrant.Wait wait)
                {
                    return DeliveryOutcome.Waiting(type, wait.Until);
                }

                var outcome = await DeliverAsync(item, type, (BudgetGrant.Go)grant, cancellationToken).ConfigureAwait(false);
                if (outcome.Result != DeliveryResult.Throttled || round > 0)
                {
                    return outcome;
                }

                message.Drop();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return DeliveryOutcome.Interrupted(type);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            return DeliveryOutcome.StorageFailed(type, ex);
        }
    }

    private async Task<DeliveryOutcome> DeliverAsync(EnvelopeEvent item, string type, BudgetGrant.Go grant, CancellationToken cancellationToken)
    {
        // The answer to a call that opens a span goes to the budget once it is recorded: the rest of the burst waits for it.
        // A call that was to open one and is not sent is reported too, so that the next grant opens the span instead.
        DateTimeOffset? opened = grant.Opens ? grant.At : null;
        var mapping = mapper.Map(item.Event);
        if (!mapping.IsValid)
        {
            await ReportOpeningAsync(null, opened).ConfigureAwait(false);
            return new DeliveryOutcome(DeliveryResult.Permanent, type, "cannot map: " + mapping.Error, null);
        }

        // The erased list is made fresh for the check after the claim, so that no table read sits between grant and call.
        await erased.RefreshIfStaleWithinAsync(Until(grant.At) + FreshnessMargin, cancellationToken).ConfigureAwait(false);

        // The grant's wait comes before the claim: a shutdown during it leaves nothing held.
        await WaitForAsync(grant.At, cancellationToken).ConfigureAwait(false);
        var claim = await claims.TryClaimAsync(item.MessageId, cancellationToken).ConfigureAwait(false);
        switch (claim.Status)
        {
            case ClaimStatus.Done:
                await ReportOpeningAsync(null, opened).ConfigureAwait(false);
                return new DeliveryOutcome(DeliveryResult.AlreadyDelivered, type, string.Empty, null);
            case ClaimStatus.Held:
                await ReportOpeningAsync(null, opened).ConfigureAwait(false);
                return DeliveryOutcome.Held(type, claim.HeldUntil);
            case ClaimStatus.Claimed:
                break;
        }

        // The one check for erased users, after the claim: the lease bounds how long a post that missed an erasure can
        // still land, which the erasure waits out before it deletes the user again (ErasureRunner.ConfirmDelay).
        if (await erased.IsErasedAsync(item.UserId, cancellationToken).ConfigureAwait(false))
        {
            await claims.ReleaseAsync(claim).ConfigureAwait(false);
            return DeliveryOutcome.Erased(type);
        }

        var slot = grant.At;
        if (mapping.User is { } user && !claim.UserDone)
        {
            var upsert = await SendAsync(user).ConfigureAwait(false);
            slot += grant.Spacing;
            if (!upsert.IsSuccess)
            {
                await claims.ReleaseAsync(claim).ConfigureAwait(false);
                return await OutcomeAsync(item, upsert, type, opened).ConfigureAwait(false);
            }

            var completed = await claims.CompleteUserAsync(claim).ConfigureAwait(false);
            await ReportOpeningAsync(upsert, opened).ConfigureAwait(false);
            opened = null;
            if (completed is not { } renewed)
            {
                // Our lease ran out while Stories answered and another copy took the event over: it posts, not us.
                return DeliveryOutcome.Held(type, claim.HeldUntil);
            }

            claim = renewed;
        }

        // A lease that could end during the post would let a copy post it too: only a lease that covers the call is used.
        var now = time.GetUtcNow();
        if (claim.HeldUntil < (slot > now ? slot : now) + _call)
        {
            await claims.ReleaseAsync(claim).ConfigureAwait(false);
            await ReportOpeningAsync(null, opened).ConfigureAwait(false);
            return new DeliveryOutcome(DeliveryResult.StorageDown, type, "our storage could not renew the claim before the event's post", null);
        }

        // A paced span's second call takes the next slot; a burst's goes at once. Past the claim, the token is not used.
        await WaitForAsync(slot, CancellationToken.None).ConfigureAwait(false);
        var posted = await SendAsync(mapping.Event).ConfigureAwait(false);
        if (posted.IsSuccess)
        {
            // First the record, then anything else: between Stories' 2xx and the record nothing may throw or wait.
            await claims.CompleteEventAsync(claim).ConfigureAwait(false);
        }
        else
        {
            await claims.ReleaseAsync(claim).ConfigureAwait(false);
        }

        return await OutcomeAsync(item, posted, type, opened).ConfigureAwait(false);
    }

    /// <summary>How long after its grant an event's check of the erased list may come: the claim, with room to spare.</summary>
    private static readonly TimeSpan FreshnessMargin = TimeSpan.FromSeconds(2);

    private TimeSpan Until(DateTimeOffset at) => at > time.GetUtcNow() ? at - time.GetUtcNow() : TimeSpan.Zero;

    /// <summary>Waits until <paramref name="at"/>: no longer than the budget's longest in-process wait (<see cref="BudgetLedger.MaxWaitFor"/>).</summary>
    private async Task WaitForAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var wait = at - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One call, bounded by the client's own timeouts, never by the invocation's token.</summary>
    private async Task<StoriesResponse> SendAsync(StoriesCall call)
    {
        var started = time.GetTimestamp();
        var response = await stories.SendAsync(call, CancellationToken.None).ConfigureAwait(false);
        metrics.StoriesCall(response.StatusCode is { } status ? (int)status : null, time.GetElapsedTime(started));
        return response;
    }

    /// <summary>Stories' answer (or none) to the call that was to open a span at <paramref name="openedAt"/>, if it was one; a 429 pauses instead.</summary>
    private Task ReportOpeningAsync(StoriesResponse? response, DateTimeOffset? openedAt) =>
        openedAt is { } at && response?.IsThrottled != true
            ? budget.ReportOpeningAsync(at, response, CancellationToken.None)
            : Task.CompletedTask;

    /// <summary>What the answer means, once it is recorded. The budget learns from it; a 429 pauses every instance.</summary>
    private async Task<DeliveryOutcome> OutcomeAsync(EnvelopeEvent item, StoriesResponse response, string type, DateTimeOffset? opened)
    {
        // The budget's writes here are advice: they never throw, so an answer already received cannot fail for them.
        await ReportOpeningAsync(response, opened).ConfigureAwait(false);
        await budget.ObserveAsync(response, CancellationToken.None).ConfigureAwait(false);
        if (!response.IsThrottled)
        {
            return DeliveryOutcome.From(response, type);
        }

        // Laravel names the end of its window in Retry-After; without one, a second's pause and our pacing do the rest.
        // A bogus header cannot stop the deployment for longer than the budget's longest pause.
        var wait = response.RetryAfter ?? TimeSpan.FromSeconds(1);
        var until = time.GetUtcNow() + (wait < BudgetLedger.MaxPause ? wait : BudgetLedger.MaxPause);
        await budget.PauseAsync(until, CancellationToken.None).ConfigureAwait(false);
        metrics.Throttled.Add(1);
        Telemetry.Log.Throttled(logger, item.MessageId, until);
        return DeliveryOutcome.Throttled(type, response, until);
    }

    internal static string EventTypeOf(EnvelopeEvent item) =>
        item.Event.ValueKind == System.Text.Json.JsonValueKind.Object && item.Event.TryGetProperty("type"u8, out var type)
            ? SegmentEventTypes.Parse(type).ToWireName()
            : "unknown";
}
