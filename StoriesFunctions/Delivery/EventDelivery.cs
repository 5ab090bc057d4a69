using Microsoft.Extensions.Logging;
using StoriesFunctions.Segment;
using StoriesFunctions.Stories;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Delivers one event: maps it, skips the steps Stories already accepted, calls Stories, and records each step
/// as soon as it succeeds, so that a retry never repeats a completed post.
/// </summary>
public sealed class EventDelivery(StoriesMapper mapper, StoriesClient stories, DeliveryRecords records, ILogger<EventDelivery> logger)
{
    public async Task<DeliveryOutcome> DeliverAsync(EnvelopeEvent item, CancellationToken cancellationToken)
    {
        var type = EventTypeOf(item);
        var mapping = mapper.Map(item.Event);
        if (!mapping.IsValid)
        {
            return new DeliveryOutcome(DeliveryResult.Permanent, type, "cannot map: " + mapping.Error, null);
        }

        var done = await records.GetAsync(item.MessageId, cancellationToken).ConfigureAwait(false);
        if (done.HasFlag(DeliveredSteps.Event))
        {
            return new DeliveryOutcome(DeliveryResult.AlreadyDelivered, type, string.Empty, null);
        }

        if (mapping.User is { } user && !done.HasFlag(DeliveredSteps.User))
        {
            var upsert = await stories.SendAsync(user, cancellationToken).ConfigureAwait(false);
            if (!upsert.IsSuccess)
            {
                return DeliveryOutcome.From(upsert, type);
            }

            done |= DeliveredSteps.User;
            await RecordAsync(item.MessageId, done, cancellationToken).ConfigureAwait(false);
        }

        var posted = await stories.SendAsync(mapping.Event, cancellationToken).ConfigureAwait(false);
        if (posted.IsSuccess)
        {
            await RecordAsync(item.MessageId, done | DeliveredSteps.Event, cancellationToken).ConfigureAwait(false);
        }

        return DeliveryOutcome.From(posted, type);
    }

    /// <summary>
    /// Stories has accepted the step: a failed record must not turn that into a failure (which would send it
    /// again). The only cost is that a later copy of this event would not be recognised.
    /// </summary>
    private async Task RecordAsync(string messageId, DeliveredSteps steps, CancellationToken cancellationToken)
    {
        try
        {
            await records.RecordAsync(messageId, steps, cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex)
        {
            Log.RecordFailed(logger, ex, messageId);
        }
    }

    internal static string EventTypeOf(EnvelopeEvent item) =>
        item.Event.ValueKind == System.Text.Json.JsonValueKind.Object && item.Event.TryGetProperty("type"u8, out var type)
            ? SegmentEventTypes.Parse(type).ToWireName()
            : "unknown";
}
