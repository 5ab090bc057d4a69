using System.Text.Json;

namespace StoriesFunctions.Segment;

/// <summary>
/// The fields ingest looks at, read in one pass over an event's properties. A key that appears twice is flagged:
/// parsers disagree on which copy wins, so such an event is ambiguous and is rejected.
/// </summary>
internal ref struct EventFields
{
    public JsonElement Type;
    public JsonElement MessageId;
    public JsonElement UserId;
    public JsonElement EventName;
    public JsonElement Integrations;
    public bool HasDuplicate;

    /// <summary>
    /// The parser accepts invalid UTF-8 and unpaired surrogates inside strings; reading them as text throws. Such an
    /// event is rejected here rather than failing the whole request or its delivery.
    /// </summary>
    public readonly bool HasInvalidText =>
        !IsReadable(Type) || !IsReadable(MessageId) || !IsReadable(UserId) || !IsReadable(EventName);

    public static EventFields Read(JsonElement item)
    {
        var fields = default(EventFields);
        foreach (var property in item.EnumerateObject())
        {
            if (property.NameEquals("type"u8))
            {
                fields.Set(ref fields.Type, property.Value);
            }
            else if (property.NameEquals("messageId"u8))
            {
                fields.Set(ref fields.MessageId, property.Value);
            }
            else if (property.NameEquals("userId"u8))
            {
                fields.Set(ref fields.UserId, property.Value);
            }
            else if (property.NameEquals("event"u8))
            {
                fields.Set(ref fields.EventName, property.Value);
            }
            else if (property.NameEquals("integrations"u8))
            {
                fields.Set(ref fields.Integrations, property.Value);
            }
        }

        return fields;
    }

    private static bool IsReadable(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        // Invalid UTF-8 shows in the raw bytes; an unpaired surrogate only as an escape. Most values need no string.
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value);
        if (!System.Text.Unicode.Utf8.IsValid(raw))
        {
            return false;
        }

        if (!raw.Contains((byte)'\\'))
        {
            return true;
        }

        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private void Set(ref JsonElement field, JsonElement value)
    {
        HasDuplicate |= field.ValueKind != JsonValueKind.Undefined;
        field = value;
    }
}
