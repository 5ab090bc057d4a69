using System.Text.Json;

namespace StoriesFunctions.Delivery;

/// <summary>
/// One event inside an envelope: its de-duplication key, when we received it, the event as Segment sent it, and its own
/// delivery attempt (1-based) with when its retry window began (its first attempt, or its first wait behind its user's
/// failing event), and how many times in a row our own storage stalled it. Attempts are per event: events of one
/// message can have failed a different number of times (one that waited on its user, or on a claim, has used none).
/// </summary>
/// <param name="After">
/// The <c>messageId</c> of the same user's previous event of the call when that travels in another envelope: this one
/// waits until that one is delivered or dead-lettered (<see cref="CallOrder"/>).
/// </param>
public sealed record EnvelopeEvent(
    string MessageId, DateTimeOffset ReceivedAt, JsonElement Event, int Attempt = 1, DateTimeOffset? FirstAttemptAt = null, int Stalls = 0, string? After = null)
{
    /// <summary>The event's <c>userId</c> as Stories gets it (<see cref="Segment.UserIds.Read"/>): the one reader of it in delivery.</summary>
    public string? UserId =>
        Event.ValueKind == JsonValueKind.Object && Event.TryGetProperty("userId"u8, out var id) ? Segment.UserIds.Read(id) : null;
}

/// <summary>
/// The queue message format: a small versioned envelope holding one or more raw Segment events, so that one
/// request's events share storage writes. <see cref="Attempt"/> counts delivery attempts of these events.
/// </summary>
public sealed class Envelope : IDisposable
{
    public const int Version = 1;

    /// <summary>
    /// A queue message holds at most 64 KiB of text; base64 turns 3 bytes into 4, so an envelope keeps under 48 KiB
    /// with room to spare.
    /// </summary>
    public const int MaxBytes = 47 * 1024;

    /// <summary>
    /// An envelope nests each event three levels below its root (object, array, item), a dead letter one; events
    /// may nest <see cref="Segment.SegmentPayload.MaxDepth"/> levels at ingest, so envelopes must allow a little more.
    /// </summary>
    public static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = Segment.SegmentPayload.MaxDepth + 8 };

    private readonly JsonDocument _document;

    private Envelope(JsonDocument document, int attempt, DateTimeOffset? firstAttemptAt, IReadOnlyList<EnvelopeEvent> events, bool scheduled)
    {
        _document = document;
        Scheduled = scheduled;
        Attempt = attempt;
        FirstAttemptAt = firstAttemptAt;
        Events = events;
    }

    public int Attempt { get; }

    /// <summary>The message waited for Stories budget with slots reserved: its events go ahead of newer messages.</summary>
    public bool Scheduled { get; }

    public DateTimeOffset? FirstAttemptAt { get; }

    public IReadOnlyList<EnvelopeEvent> Events { get; }

    /// <summary>Reads an envelope; null when the message is not one (e.g. written by something else).</summary>
    public static Envelope? TryParse(BinaryData message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message.ToMemory(), ParseOptions);
        }
        catch (JsonException)
        {
            return null;
        }

        var envelope = FromDocument(document);
        if (envelope is null)
        {
            document.Dispose();
        }

        return envelope;
    }

    private static Envelope? FromDocument(JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("v"u8, out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != Version
            || !root.TryGetProperty("events"u8, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        // Envelope-level values: the defaults for items that carry none (every item of a first attempt, and older envelopes).
        var attempt = AttemptOf(root) ?? 1;
        var first = FirstAttemptOf(root);
        var events = new List<EnvelopeEvent>(items.GetArrayLength());
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("id"u8, out var id) || id.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("receivedAt"u8, out var receivedAt) || receivedAt.ValueKind != JsonValueKind.String
                || !receivedAt.TryGetDateTimeOffset(out var received)
                || !item.TryGetProperty("event"u8, out var evt))
            {
                return null;
            }

            var stalls = item.TryGetProperty("stalls"u8, out var st) && st.TryGetInt32(out var n) ? Math.Max(n, 0) : 0;
            var after = item.TryGetProperty("after"u8, out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            events.Add(new EnvelopeEvent(id.GetString()!, received, evt, AttemptOf(item) ?? attempt, FirstAttemptOf(item) ?? first, stalls, after));
        }

        var scheduled = root.TryGetProperty("scheduled"u8, out var s) && s.ValueKind == JsonValueKind.True;
        return new Envelope(document, attempt, first, events, scheduled);
    }

    private static int? AttemptOf(JsonElement element) =>
        element.TryGetProperty("attempt"u8, out var a) && a.TryGetInt32(out var n) ? Math.Max(n, 1) : null;

    private static DateTimeOffset? FirstAttemptOf(JsonElement element) =>
        element.TryGetProperty("firstAttemptAt"u8, out var f) && f.ValueKind == JsonValueKind.String && f.TryGetDateTimeOffset(out var at) ? at : null;

    public void Dispose() => _document.Dispose();
}
