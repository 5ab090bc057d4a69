using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace StoriesFunctions.Segment;

/// <summary>Decides, for one item of a webhook body, whether it is queued, skipped or rejected.</summary>
public static class SegmentEventValidator
{
    /// <summary>Segment's own limit per event.</summary>
    public const int MaxEventBytes = 32 * 1024;

    public const int MaxIdLength = 512;

    /// <param name="item">One item of the body.</param>
    /// <param name="sharedBytes">Bytes the batch form's shared <c>context</c>/<c>integrations</c> add to it.</param>
    /// <param name="sharedIntegrations">The batch form's top-level <c>integrations</c>, if any.</param>
    public static EventVerdict Validate(JsonElement item, int sharedBytes, JsonElement? sharedIntegrations)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return EventVerdict.Reject(EventReasons.NotAnObject, null);
        }

        var fields = EventFields.Read(item);
        var raw = JsonMarshal.GetRawUtf8Value(item);
        if (fields.HasInvalidText)
        {
            return EventVerdict.Reject(EventReasons.InvalidText, DeriveMessageId(raw));
        }

        var messageId = IsAbsent(fields.MessageId) ? DeriveMessageId(raw) : ReadId(fields.MessageId);
        var type = SegmentEventTypes.Parse(fields.Type);

        if (fields.HasDuplicate)
        {
            return EventVerdict.Reject(EventReasons.DuplicateProperty, messageId, type);
        }

        if (raw.Length + sharedBytes > MaxEventBytes)
        {
            return EventVerdict.Reject(EventReasons.TooLarge, messageId, type);
        }

        if (fields.Type.ValueKind != JsonValueKind.String)
        {
            return EventVerdict.Reject(EventReasons.NoType, messageId);
        }

        if (type == SegmentEventType.Unknown)
        {
            return EventVerdict.Reject(EventReasons.UnknownType, messageId);
        }

        if (messageId is null)
        {
            return EventVerdict.Reject(EventReasons.InvalidMessageId, null, type);
        }

        var userId = fields.UserId;
        if (userId.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.True or JsonValueKind.False)
        {
            return EventVerdict.Reject(EventReasons.InvalidUserId, messageId, type);
        }

        if (userId.ValueKind == JsonValueKind.String && userId.GetString()!.Length > MaxIdLength)
        {
            return EventVerdict.Reject(EventReasons.UserIdTooLong, messageId, type);
        }

        if (type == SegmentEventType.Track && !IsNonBlankString(fields.EventName))
        {
            return EventVerdict.Reject(EventReasons.NoEventName, messageId, type);
        }

        if (!type.IsSupportedByStories())
        {
            return EventVerdict.Skip(EventReasons.UnsupportedType, messageId, type);
        }

        if (Integrations.DisableStories(fields.Integrations, sharedIntegrations))
        {
            return EventVerdict.Skip(EventReasons.DisabledByIntegrations, messageId, type);
        }

        return UserIds.IsAbsent(userId)
            ? EventVerdict.Skip(EventReasons.NoUserId, messageId, type)
            : EventVerdict.Accept(messageId, type);
    }

    /// <summary>
    /// An id for an event that has none, derived from its bytes: a retried copy of the same event gets the same id,
    /// so de-duplication still recognises it.
    /// </summary>
    public static string DeriveMessageId(ReadOnlySpan<byte> rawEvent)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(rawEvent, hash);
        return string.Concat("sf-", Convert.ToHexStringLower(hash[..16]));
    }

    private static string? ReadId(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.String when id.GetString() is { Length: <= MaxIdLength } s => s,
        JsonValueKind.Number when id.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static bool IsAbsent(JsonElement id) =>
        id.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
        || (id.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(id.GetString()));

    private static bool IsNonBlankString(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString());
}
