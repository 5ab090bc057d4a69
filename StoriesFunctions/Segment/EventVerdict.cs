namespace StoriesFunctions.Segment;

public enum EventOutcome
{
    Accepted,
    Skipped,
    Rejected,
}

/// <summary>What ingest decided for one event. <see cref="Reason"/> is one of <see cref="EventReasons"/>.</summary>
public readonly record struct EventVerdict(EventOutcome Outcome, string? Reason, string? MessageId, SegmentEventType Type)
{
    public static EventVerdict Accept(string messageId, SegmentEventType type) => new(EventOutcome.Accepted, null, messageId, type);

    public static EventVerdict Skip(string reason, string? messageId, SegmentEventType type) => new(EventOutcome.Skipped, reason, messageId, type);

    public static EventVerdict Reject(string reason, string? messageId, SegmentEventType type = SegmentEventType.Unknown) =>
        new(EventOutcome.Rejected, reason, messageId, type);
}

/// <summary>
/// The fixed set of reasons an event is not queued. Fixed strings, so that they are safe as metric dimensions and
/// never echo what a caller sent.
/// </summary>
public static class EventReasons
{
    // Skipped: valid Segment events that Stories cannot take. Answered 200 so that Segment does not retry them.
    public const string NoUserId = "no userId";
    public const string UnsupportedType = "type not supported by Stories";
    public const string DisabledByIntegrations = "disabled by integrations";

    // Rejected: not a valid event.
    public const string NotAnObject = "not an object";
    public const string NoType = "no type";
    public const string UnknownType = "unknown type";
    public const string InvalidUserId = "userId must be a string or number";
    public const string UserIdTooLong = "userId longer than 512 characters";
    public const string InvalidMessageId = "messageId must be a string or number of at most 512 characters";
    public const string NoEventName = "track without event name";
    public const string TooLarge = "event larger than 32 KB";
    public const string DuplicateProperty = "duplicate property";
    public const string InvalidText = "type, messageId, userId or event is not valid UTF-8 text";
}
