namespace StoriesFunctions.Segment;

public enum SegmentEventType
{
    Unknown,
    Identify,
    Track,
    Page,
    Screen,
    Group,
    Alias,
    Delete,
}

public static class SegmentEventTypes
{
    /// <summary>
    /// Reads a Segment <c>type</c>. Case and surrounding white space are normalised (<c>" Track "</c> is track):
    /// libraries in the wild differ, and the meaning is not in doubt.
    /// </summary>
    public static SegmentEventType Parse(string? type) => type?.Trim().ToLowerInvariant() switch
    {
        "identify" => SegmentEventType.Identify,
        "track" => SegmentEventType.Track,
        "page" => SegmentEventType.Page,
        "screen" => SegmentEventType.Screen,
        "group" => SegmentEventType.Group,
        "alias" => SegmentEventType.Alias,
        "delete" => SegmentEventType.Delete,
        _ => SegmentEventType.Unknown,
    };

    /// <summary>The types Stories takes; group, alias and delete have no Stories counterpart.</summary>
    private static readonly (byte[] Name, SegmentEventType Type)[] Exact =
    [
        ("track"u8.ToArray(), SegmentEventType.Track),
        ("identify"u8.ToArray(), SegmentEventType.Identify),
        ("page"u8.ToArray(), SegmentEventType.Page),
        ("screen"u8.ToArray(), SegmentEventType.Screen),
    ];

    /// <summary>Reads a <c>type</c> value, without allocating for the usual lower-case names.</summary>
    public static SegmentEventType Parse(System.Text.Json.JsonElement type)
    {
        if (type.ValueKind != System.Text.Json.JsonValueKind.String)
        {
            return SegmentEventType.Unknown;
        }

        foreach (var (name, value) in Exact)
        {
            if (type.ValueEquals(name))
            {
                return value;
            }
        }

        return Parse(type.GetString());
    }

    public static bool IsSupportedByStories(this SegmentEventType type) =>
        type is SegmentEventType.Identify or SegmentEventType.Track or SegmentEventType.Page or SegmentEventType.Screen;

    public static string ToWireName(this SegmentEventType type) => type switch
    {
        SegmentEventType.Identify => "identify",
        SegmentEventType.Track => "track",
        SegmentEventType.Page => "page",
        SegmentEventType.Screen => "screen",
        SegmentEventType.Group => "group",
        SegmentEventType.Alias => "alias",
        SegmentEventType.Delete => "delete",
        _ => "unknown",
    };
}
