using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace StoriesFunctions.Delivery;

/// <summary>
/// Packs events into as few envelopes as fit under <see cref="Envelope.MaxBytes"/>: a 4,000-event batch costs
/// tens of queue writes, not thousands. Events are written once into a scratch buffer, then copied whole.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Each envelope's writer is disposed when the envelope is flushed; Utf8JsonWriter holds no unmanaged resources.")]
public sealed class EnvelopePacker(int attempt = 1, DateTimeOffset? firstAttemptAt = null, int maxBytes = Envelope.MaxBytes)
{
    private const int EnvelopeOverhead = 96;
    private readonly ArrayBufferWriter<byte> _item = new(4096);
    private readonly List<BinaryData> _envelopes = [];
    private ArrayBufferWriter<byte>? _buffer;
    private Utf8JsonWriter? _writer;

    public int EventCount { get; private set; }

    /// <summary>Adds an event. With shared batch <c>context</c>/<c>integrations</c>, they are merged in (the event's own keys win).</summary>
    public void Add(string messageId, DateTimeOffset receivedAt, JsonElement evt, JsonElement? sharedContext = null, JsonElement? sharedIntegrations = null)
    {
        _item.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_item, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, messageId);
            writer.WriteString("receivedAt"u8, receivedAt);
            writer.WritePropertyName("event"u8);
            if (sharedContext is null && sharedIntegrations is null)
            {
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(evt), skipInputValidation: true);
            }
            else
            {
                BatchMerge.WriteMerged(writer, evt, sharedContext, sharedIntegrations);
            }

            writer.WriteEndObject();
        }

        Append(_item.WrittenSpan);
    }

    private void Append(ReadOnlySpan<byte> item)
    {
        if (_writer is not null && _writer.BytesCommitted + _writer.BytesPending + item.Length + 1 > maxBytes - EnvelopeOverhead)
        {
            Flush();
        }

        if (_writer is null)
        {
            _buffer = new ArrayBufferWriter<byte>(Math.Min(maxBytes, item.Length * 4 + 256));
            _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
            _writer.WriteStartObject();
            _writer.WriteNumber("v"u8, Envelope.Version);
            _writer.WriteNumber("attempt"u8, attempt);
            if (firstAttemptAt is { } first)
            {
                _writer.WriteString("firstAttemptAt"u8, first);
            }

            _writer.WriteStartArray("events"u8);
        }

        _writer.WriteRawValue(item, skipInputValidation: true);
        EventCount++;
    }

    private void Flush()
    {
        _writer!.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();
        _envelopes.Add(new BinaryData(_buffer!.WrittenMemory.ToArray()));
        _writer.Dispose();
        _writer = null;
        _buffer = null;
    }

    /// <summary>The finished envelopes, each a complete JSON message.</summary>
    public IReadOnlyList<BinaryData> Complete()
    {
        if (_writer is not null)
        {
            Flush();
        }

        return _envelopes;
    }
}
