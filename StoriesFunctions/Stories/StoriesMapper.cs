using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Stories;

/// <summary>
/// Segment event → Stories requests, as Segment's own Stories destination does it:
/// identify → event <c>Identify</c> with <c>data.traits</c> (and, with Sync Users, the user upsert first);
/// page/screen → <c>Page</c>/<c>Screen</c> with <c>data.content</c> = the name (else <c>properties.title</c>, else
/// <c>properties.name</c>); track → <c>Track</c> with <c>data.content</c> = the event name.
/// </summary>
public sealed class StoriesMapper(IOptions<StoriesOptions> options)
{
    private readonly bool _syncUsers = options.Value.SyncUsers;

    /// <summary>Stories calls an event of this Segment type costs: an identify also upserts its user with Sync Users on.</summary>
    public int CallsFor(string eventType) => _syncUsers && eventType == "identify" ? 2 : 1;
    private readonly EventDataFormat _format = options.Value.EventDataFormat;

    public StoriesMapping Map(JsonElement evt)
    {
        try
        {
            return MapEvent(evt);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Strings holding invalid UTF-8 or unpaired surrogates parse, but cannot be read or re-written as text.
            return StoriesMapping.Invalid("event holds text that is not valid UTF-8");
        }
    }

    private StoriesMapping MapEvent(JsonElement evt)
    {
        if (evt.ValueKind != JsonValueKind.Object)
        {
            return StoriesMapping.Invalid("event is not an object");
        }

        var type = evt.TryGetProperty("type"u8, out var t) ? SegmentEventTypes.Parse(t) : SegmentEventType.Unknown;
        var userId = evt.TryGetProperty("userId"u8, out var u) ? UserIds.Read(u) : null;
        if (userId is null)
        {
            return StoriesMapping.Invalid("event has no userId");
        }

        return type switch
        {
            SegmentEventType.Identify => MapIdentify(evt, userId),
            SegmentEventType.Track => Content(evt, "event") is { } name
                ? new StoriesMapping(null, EventCall(userId, "Track", name), null)
                : StoriesMapping.Invalid("track has no event name"),
            SegmentEventType.Page => new StoriesMapping(null, EventCall(userId, "Page", PageName(evt)), null),
            SegmentEventType.Screen => new StoriesMapping(null, EventCall(userId, "Screen", PageName(evt)), null),
            _ => StoriesMapping.Invalid($"type '{type.ToWireName()}' has no Stories mapping"),
        };
    }

    private StoriesMapping MapIdentify(JsonElement evt, string userId)
    {
        var traits = evt.TryGetProperty("traits"u8, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;
        var user = _syncUsers ? new StoriesCall(StoriesEndpoint.Users, UserBody(userId, traits)) : null;
        var body = Write(w =>
        {
            w.WriteString("user_id"u8, userId);
            w.WriteString("name"u8, "Identify"u8);
            WriteData(w, d => WriteObject(d, "traits"u8, traits));
        });
        return new StoriesMapping(user, new StoriesCall(StoriesEndpoint.Events, body), null);
    }

    private static byte[] UserBody(string userId, JsonElement traits) => Write(w =>
    {
        w.WriteString("user_id"u8, userId);
        WriteIfPresent(w, "name"u8, UserTraits.Name(traits));
        WriteIfPresent(w, "email"u8, UserTraits.Email(traits, userId));
        WriteIfPresent(w, "phone"u8, UserTraits.Phone(traits));
        WriteObject(w, "attributes"u8, traits);
    });

    private StoriesCall EventCall(string userId, string name, string? content) =>
        new(StoriesEndpoint.Events, Write(w =>
        {
            w.WriteString("user_id"u8, userId);
            w.WriteString("name"u8, name);
            WriteData(w, d => d.WriteString("content"u8, content));
        }));

    /// <summary><c>data</c> as an object, or as its JSON text when Stories wants a string.</summary>
    private void WriteData(Utf8JsonWriter writer, Action<Utf8JsonWriter> writeProperties)
    {
        var data = Write(writeProperties);
        if (_format == EventDataFormat.String)
        {
            writer.WriteString("data"u8, data);
        }
        else
        {
            writer.WritePropertyName("data"u8);
            writer.WriteRawValue(data, skipInputValidation: true);
        }
    }

    private static string? PageName(JsonElement evt) =>
        Content(evt, "name")
        ?? (evt.TryGetProperty("properties"u8, out var properties) ? Content(properties, "title") ?? Content(properties, "name") : null);

    private static string? Content(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    private static void WriteIfPresent(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, ReadOnlySpan<byte> name, JsonElement value)
    {
        writer.WritePropertyName(name);
        if (value.ValueKind == JsonValueKind.Object)
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
