using System.Text.Json;

namespace StoriesFunctions.Segment;

/// <summary>Segment's <c>integrations</c> rule for one destination: keys are case-sensitive.</summary>
public static class Integrations
{
    /// <summary>
    /// True when <c>"Stories": false</c>, or <c>"All": false</c> without <c>"Stories": true</c>. The event's own keys
    /// win over the batch's shared ones.
    /// </summary>
    public static bool DisableStories(JsonElement own, JsonElement? shared)
    {
        var stories = Flag(own, "Stories"u8) ?? Flag(shared, "Stories"u8);
        if (stories is not null)
        {
            return stories == false;
        }

        return (Flag(own, "All"u8) ?? Flag(shared, "All"u8)) == false;
    }

    /// <summary>true/false for a boolean; true for an object of settings; null when absent.</summary>
    private static bool? Flag(JsonElement? integrations, ReadOnlySpan<byte> name)
    {
        if (integrations is not { ValueKind: JsonValueKind.Object } value || !value.TryGetProperty(name, out var flag))
        {
            return null;
        }

        return flag.ValueKind switch
        {
            JsonValueKind.False => false,
            JsonValueKind.True or JsonValueKind.Object => true,
            _ => null,
        };
    }
}
