using System.Text.Json;

namespace StoriesFunctions.Delivery;

/// <summary>
/// The HTTP API's batch form: top-level <c>context</c> and <c>integrations</c> apply to every item, and the item's
/// own keys win. Merged at ingest so that every queued event stands alone.
/// </summary>
internal static class BatchMerge
{
    public static void WriteMerged(Utf8JsonWriter writer, JsonElement evt, JsonElement? sharedContext, JsonElement? sharedIntegrations)
    {
        var hasContext = false;
        var hasIntegrations = false;
        writer.WriteStartObject();
        foreach (var property in evt.EnumerateObject())
        {
            if (property.NameEquals("context"u8) && sharedContext is { } context)
            {
                hasContext = true;
                WriteProperty(writer, property, context);
            }
            else if (property.NameEquals("integrations"u8) && sharedIntegrations is { } integrations)
            {
                hasIntegrations = true;
                WriteProperty(writer, property, integrations);
            }
            else
            {
                property.WriteTo(writer);
            }
        }

        if (!hasContext && sharedContext is { } c)
        {
            writer.WritePropertyName("context"u8);
            c.WriteTo(writer);
        }

        if (!hasIntegrations && sharedIntegrations is { } i)
        {
            writer.WritePropertyName("integrations"u8);
            i.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteProperty(Utf8JsonWriter writer, JsonProperty own, JsonElement shared)
    {
        if (own.Value.ValueKind != JsonValueKind.Object)
        {
            own.WriteTo(writer);
            return;
        }

        writer.WritePropertyName(own.Name);
        writer.WriteStartObject();
        foreach (var property in own.Value.EnumerateObject())
        {
            property.WriteTo(writer);
        }

        foreach (var property in shared.EnumerateObject())
        {
            if (!own.Value.TryGetProperty(property.Name, out _))
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Bytes the shared objects add to an item at most, for the per-event size limit.</summary>
    public static int SharedBytes(JsonElement? sharedContext, JsonElement? sharedIntegrations) =>
        (sharedContext is { } c ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(c).Length : 0)
        + (sharedIntegrations is { } i ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(i).Length : 0);
}
