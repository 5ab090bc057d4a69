using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Packs events into as few envelopes as fit under <see cref="Envelope.MaxBytes"/>: a 4,000-event batch costs
/// tens of queue writes, not thousands. An event is copied straight into the envelope; only a batch item that needs
/// the shared fields merged in (whose size is not known in advance) goes through a scratch buffer first. One writer
/// and one buffer serve every envelope of a packer.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Utf8JsonWriter holds no unmanaged resources; the buffers are plain arrays.")]
public sealed class EnvelopePacker(int attempt = 1, DateTimeOffset? firstAttemptAt = null, int maxBytes = Envelope.MaxBytes, bool scheduled = false)
{
    // Closing the envelope (its own keys are written when it opens), and an item's own keys: {"id":"…","receivedAt":"2026-11-28T18:00:00.0000000+00:00",
    // "attempt":10,"firstAttemptAt":"2026-11-28T18:00:00.0000000+00:00","stalls":10,"event":…},
    private const int EnvelopeOverhead = 8;
    private const int ItemOverhead = 152;
    private static readonly JsonWriterOptions Unchecked = new() { SkipValidation = true };

    private readonly List<BinaryData> _envelopes = [];
    private ArrayBufferWriter<byte>? _buffer;
    private Utf8JsonWriter? _writer;
    private ArrayBufferWriter<byte>? _scratch;
    private Utf8JsonWriter? _scratchWriter;
    private bool _open;
    private bool _completed;

    // Each user's last event so far, and the envelope it went into: a user's next event in another envelope names it.
    private Dictionary<string, (string MessageId, int Envelope)>? _lastByUser;

    public int EventCount { get; private set; }

    /// <summary>Adds an event. With shared batch <c>context</c>/<c>integrations</c>, they are merged in (the event's own keys win).</summary>
    public void Add(string messageId, DateTimeOffset receivedAt, JsonElement evt, JsonElement? sharedContext = null, JsonElement? sharedIntegrations = null) =>
        Add(messageId, receivedAt, evt, 1, null, sharedContext, sharedIntegrations);

    /// <summary>Adds an event going back to the queue: its own attempt count and first attempt travel with it.</summary>
    public void Add(EnvelopeEvent item, int attempt) => Add(item.MessageId, item.ReceivedAt, item.Event, attempt, item.FirstAttemptAt, null, null, item.Stalls, item.After);

    private void Add(
        string messageId, DateTimeOffset receivedAt, JsonElement evt, int itemAttempt, DateTimeOffset? itemFirstAttemptAt,
        JsonElement? sharedContext, JsonElement? sharedIntegrations, int stalls = 0, string? after = null)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The packer has completed: its last envelope holds its buffer.");
        }

        var user = evt.ValueKind == JsonValueKind.Object && evt.TryGetProperty("userId"u8, out var id) ? Segment.UserIds.Read(id) : null;
        (string MessageId, int Envelope)? previous = user is not null && _lastByUser?.TryGetValue(user, out var last) == true ? last : null;
        var afterBytes = ((previous?.MessageId ?? after)?.Length * 6) + 12 ?? 0;
        if (sharedContext is null && sharedIntegrations is null)
        {
            var raw = JsonMarshal.GetRawUtf8Value(evt);
            // Room for the worst case (every id character escaped) decides the split; the buffer is sized for the usual case.
            var writer = Reserve(raw.Length + (messageId.Length * 6) + ItemOverhead + afterBytes, raw.Length + messageId.Length + ItemOverhead + 32);
            StartItem(writer, messageId, receivedAt, itemAttempt, itemFirstAttemptAt, stalls, AfterIn(_envelopes.Count, previous, after));
            writer.WriteRawValue(raw, skipInputValidation: true);
            writer.WriteEndObject();
        }
        else
        {
            var item = Merged(messageId, receivedAt, evt, sharedContext, sharedIntegrations, null);
            var target = _open && Overflows(item.Length + afterBytes) ? _envelopes.Count + 1 : _envelopes.Count;
            if (AfterIn(target, previous, after) is { } named)
            {
                item = Merged(messageId, receivedAt, evt, sharedContext, sharedIntegrations, named);
            }

            // The same room as the guess above, so the envelope is the one the guess named.
            Reserve(item.Length + afterBytes, item.Length + 32).WriteRawValue(item, skipInputValidation: true);
        }

        if (user is not null)
        {
            (_lastByUser ??= new(StringComparer.Ordinal))[user] = (messageId, _envelopes.Count);
        }

        EventCount++;
    }

    /// <summary>
    /// The event its own user's events must wait for, when it lands in envelope <paramref name="envelope"/>: the user's
    /// previous event when that went into another envelope (envelopes are delivered in parallel); none when it is in the
    /// same one (the envelope keeps their order); else what the event named before it was packed here.
    /// </summary>
    private static string? AfterIn(int envelope, (string MessageId, int Envelope)? previous, string? after) =>
        previous is { } p ? (p.Envelope != envelope ? p.MessageId : null) : after;

    private ReadOnlySpan<byte> Merged(string messageId, DateTimeOffset receivedAt, JsonElement evt, JsonElement? sharedContext, JsonElement? sharedIntegrations, string? after)
    {
        _scratch ??= new ArrayBufferWriter<byte>(4096);
        _scratch.ResetWrittenCount();
        _scratchWriter ??= new Utf8JsonWriter(_scratch, Unchecked);
        _scratchWriter.Reset(_scratch);
        StartItem(_scratchWriter, messageId, receivedAt, 1, null, 0, after);
        BatchMerge.WriteMerged(_scratchWriter, evt, sharedContext, sharedIntegrations);
        _scratchWriter.WriteEndObject();
        _scratchWriter.Flush();
        return _scratch.WrittenSpan;
    }

    private static void StartItem(Utf8JsonWriter writer, string messageId, DateTimeOffset receivedAt, int itemAttempt, DateTimeOffset? itemFirstAttemptAt, int stalls, string? after)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, messageId);
        writer.WriteString("receivedAt"u8, receivedAt);
        if (itemAttempt > 1)
        {
            writer.WriteNumber("attempt"u8, itemAttempt);
        }

        if (itemFirstAttemptAt is { } first)
        {
            writer.WriteString("firstAttemptAt"u8, first);
        }

        if (stalls > 0)
        {
            writer.WriteNumber("stalls"u8, stalls);
        }

        if (after is not null)
        {
            writer.WriteString("after"u8, after);
        }

        writer.WritePropertyName("event"u8);
    }

    /// <summary>The envelope writer, with room for <paramref name="itemBytes"/> more: a new envelope when the open one is full.</summary>
    private Utf8JsonWriter Reserve(int itemBytes, int sizeHint)
    {
        if (_open && Overflows(itemBytes))
        {
            _envelopes.Add(new BinaryData(Close().ToArray()));
        }

        if (!_open)
        {
            Open(sizeHint);
        }

        return _writer!;
    }

    private bool Overflows(int itemBytes) => _writer!.BytesCommitted + _writer.BytesPending + itemBytes + 1 > maxBytes - EnvelopeOverhead;

    private void Open(int firstItemBytes)
    {
        // Sized for the first item: a lone event costs one array of about its own size.
        _buffer ??= new ArrayBufferWriter<byte>(Math.Min(maxBytes, firstItemBytes));
        _buffer.ResetWrittenCount();
        _writer ??= new Utf8JsonWriter(_buffer, Unchecked);
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteNumber("v"u8, Envelope.Version);
        _writer.WriteNumber("attempt"u8, attempt);
        if (scheduled)
        {
            // Its events' slots are reserved on the Stories budget's schedule: they go when the message comes back.
            _writer.WriteBoolean("scheduled"u8, true);
        }

        if (firstAttemptAt is { } first)
        {
            _writer.WriteString("firstAttemptAt"u8, first);
        }

        _writer.WriteStartArray("events"u8);
        _open = true;
    }

    private ReadOnlyMemory<byte> Close()
    {
        _writer!.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();
        _open = false;
        return _buffer!.WrittenMemory;
    }

    /// <summary>The finished envelopes, each a complete JSON message. The packer is done after this.</summary>
    public IReadOnlyList<BinaryData> Complete()
    {
        _completed = true;
        if (_open)
        {
            // The last envelope keeps the buffer: nothing will be written to it again.
            _envelopes.Add(new BinaryData(Close()));
        }

        return _envelopes;
    }
}
