using StoriesFunctions.Segment;
using StoriesFunctions.Stories;

namespace StoriesFunctions.Delivery;

/// <summary>
/// One event's steps: map it, claim it, post the steps Stories has not accepted yet (the user upsert, then the event),
/// and record each as soon as Stories accepts it. Returns the facts; knows nothing of attempts or queues.
/// </summary>
public sealed class EventDelivery(StoriesMapper mapper, StoriesClient stories, DeliveryClaims claims)
{
    public async Task<DeliveryOutcome> DeliverAsync(EnvelopeEvent item, CancellationToken cancellationToken)
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

        if (mapping.User is { } user && !claim.UserDone)
        {
            var upsert = await stories.SendAsync(user, cancellationToken).ConfigureAwait(false);
            if (!upsert.IsSuccess)
            {
                await claims.ReleaseAsync(claim, cancellationToken).ConfigureAwait(false);
                return DeliveryOutcome.From(upsert, type);
            }

            if (await claims.CompleteUserAsync(claim, cancellationToken).ConfigureAwait(false) is not { } renewed)
            {
                // Our lease ran out while Stories answered and another copy took the event over: it posts, not us.
                return DeliveryOutcome.Held(type, claim.HeldUntil);
            }

            claim = renewed;
        }

        var posted = await stories.SendAsync(mapping.Event, cancellationToken).ConfigureAwait(false);
        if (posted.IsSuccess)
        {
            await claims.CompleteEventAsync(claim, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await claims.ReleaseAsync(claim, cancellationToken).ConfigureAwait(false);
        }

        return DeliveryOutcome.From(posted, type);
    }

    internal static string EventTypeOf(EnvelopeEvent item) =>
        item.Event.ValueKind == System.Text.Json.JsonValueKind.Object && item.Event.TryGetProperty("type"u8, out var type)
            ? SegmentEventTypes.Parse(type).ToWireName()
            : "unknown";
}
