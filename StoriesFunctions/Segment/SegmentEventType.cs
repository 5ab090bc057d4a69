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
    public static bool IsSupportedByStories(this SegmentEventType type) =>
        type is SegmentEventType.Identify or SegmentEventType.Track or SegmentEventType.Page or SegmentEventType.Screen;

    public static string ToWireName(this SegmentEventType type) => type switch
    {
        SegmentEventType.Unknown => "unknown",
        _ => type.ToString().ToLowerInvariant(),
    };
}
