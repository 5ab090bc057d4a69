using StoriesFunctions.Segment;
using StoriesFunctions.Stories;

namespace StoriesFunctions.Delivery;

/// <summary>
/// One event's steps: map it, claim it, post the steps Stories has not accepted yet (the user upsert, then the event),
/// each in its own budget slot, and record each as soon as Stories accepts it. Returns the facts; knows nothing of
/// attempts or queues. A 429 pauses every instance (<see cref="StoriesBudget"/>) and ends the attempt as throttled.
/// </summary>
public sealed class EventDelivery(StoriesMapper mapper, StoriesClient stories, DeliveryClaims claims, StoriesBudget budget, Telemetry.ForwarderMetrics metrics, TimeProvider time)
{
    /// <summary>Stories calls this event will make: what it asks of the budget.</summary>
    public int CallsFor(EnvelopeEvent item) => mapper.CallsFor(EventTypeOf(item));

    public async Task<DeliveryOutcome> DeliverAsync(EnvelopeEvent item, BudgetGrant.Go slots, CancellationToken cancellationToken)
    {
        var type = EventTypeOf(item);
        var mapping = mapper.Map(item.Event);
        if (!mapping.IsValid)
        {
            return new DeliveryOutcome(DeliveryResult.Permanent, type, "cannot map: " + mapping.Error, null);
        }

        var claim = await claims.TryClaimAsync(item.MessageId, cancellationToken).ConfigureAwait(false);
        switch (claim.Status)
        {
            case ClaimStatus.Done:
                return new DeliveryOutcome(DeliveryResult.AlreadyDelivered, type, string.Empty, null);
            case ClaimStatus.Held:
                return DeliveryOutcome.Held(type, claim.HeldUntil);
            case ClaimStatus.Claimed:
                break;
        }

        var slot = slots.At;
        if (mapping.User is { } user && !claim.UserDone)
        {
            var upsert = await SendAsync(user, slot, cancellationToken).ConfigureAwait(false);
            slot += slots.Interval;
            if (!upsert.IsSuccess)
            {
                await claims.ReleaseAsync(claim, cancellationToken).ConfigureAwait(false);
                return await OutcomeAsync(item, upsert, type, cancellationToken).ConfigureAwait(false);
            }

            if (await claims.CompleteUserAsync(claim, cancellationToken).ConfigureAwait(false) is not { } renewed)
            {
                // Our lease ran out while Stories answered and another copy took the event over: it posts, not us.
                return DeliveryOutcome.Held(type, claim.HeldUntil);
            }

            claim = renewed;
        }

        var posted = await SendAsync(mapping.Event, slot, cancellationToken).ConfigureAwait(false);
        if (posted.IsSuccess)
        {
            await claims.CompleteEventAsync(claim, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await claims.ReleaseAsync(claim, cancellationToken).ConfigureAwait(false);
        }

        return await OutcomeAsync(item, posted, type, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the call's slot (at most <see cref="BudgetLedger.MaxWait"/>: the budget promised no later), then calls.</summary>
    private async Task<StoriesResponse> SendAsync(StoriesCall call, DateTimeOffset slot, CancellationToken cancellationToken)
    {
        var wait = slot - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        var started = time.GetTimestamp();
        var response = await stories.SendAsync(call, cancellationToken).ConfigureAwait(false);
        metrics.StoriesCall(response.StatusCode is { } status ? (int)status : null, time.GetElapsedTime(started));
        await budget.ObserveAsync(response, cancellationToken).ConfigureAwait(false);
        return response;
    }

    private async Task<DeliveryOutcome> OutcomeAsync(EnvelopeEvent item, StoriesResponse response, string type, CancellationToken cancellationToken)
    {
        if (!response.IsThrottled)
        {
            return DeliveryOutcome.From(response, type);
        }

        // Laravel names the end of its window in Retry-After; without one, a second's pause and our pacing do the rest.
        var until = time.GetUtcNow() + (response.RetryAfter ?? TimeSpan.FromSeconds(1));
        await budget.PauseAsync(until, cancellationToken).ConfigureAwait(false);
        return DeliveryOutcome.Throttled(type, response, until);
    }

    internal static string EventTypeOf(EnvelopeEvent item) =>
        item.Event.ValueKind == System.Text.Json.JsonValueKind.Object && item.Event.TryGetProperty("type"u8, out var type)
            ? SegmentEventTypes.Parse(type).ToWireName()
            : "unknown";
}
