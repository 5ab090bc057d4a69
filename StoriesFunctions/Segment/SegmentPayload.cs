using System.Runtime.InteropServices;
using System.Text.Json;

namespace StoriesFunctions.Segment;

public enum PayloadForm
{
    SingleEvent,
    Array,
    Batch,
}

/// <summary>
/// A parsed webhook body in one of Segment's three forms: one event, an array of events, or the HTTP API's
/// <c>{"batch": [...], "context": {...}, "integrations": {...}}</c>. Holds the parsed document: dispose it.
/// </summary>
public sealed class SegmentPayload : IDisposable
{
    /// <summary>Nesting allowed in a body. Real Segment events nest a handful of levels; this stops stack-depth abuse.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDepth };
    private readonly JsonDocument _document;

    private SegmentPayload(JsonDocument document, PayloadForm form, JsonElement events, JsonElement? context, JsonElement? integrations)
    {
        _document = document;
        Form = form;
        Events = events;
        SharedContext = context;
        SharedIntegrations = integrations;
    }

    public PayloadForm Form { get; }

    /// <summary>The events: an array, or for <see cref="PayloadForm.SingleEvent"/> the event itself.</summary>
    public JsonElement Events { get; }

    /// <summary>Batch form only: the top-level <c>context</c> that applies to every item.</summary>
    public JsonElement? SharedContext { get; }

    /// <summary>Batch form only: the top-level <c>integrations</c> that apply to every item.</summary>
    public JsonElement? SharedIntegrations { get; }

    public int Count => Form == PayloadForm.SingleEvent ? 1 : Events.GetArrayLength();

    /// <summary>Every event in order (for the single form, the one event), without boxing an enumerator.</summary>
    public ItemEnumerator Items => new(this);

    /// <summary>The raw bytes of the first element of an array or batch (what Segment signs), else empty.</summary>
    public ReadOnlySpan<byte> FirstElementBytes =>
        Form != PayloadForm.SingleEvent && Events.GetArrayLength() > 0
            ? JsonMarshal.GetRawUtf8Value(Events[0])
            : [];

    /// <summary>Parses a body; returns null with the reason when it is not JSON or not one of the forms.</summary>
    public static SegmentPayload? TryParse(ReadOnlyMemory<byte> body, out string? error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(WithoutBom(body), ParseOptions);
        }
        catch (JsonException)
        {
            error = "body is not valid JSON (UTF-8, at most 64 levels deep)";
            return null;
        }

        var root = document.RootElement;
        var payload = root.ValueKind switch
        {
            JsonValueKind.Array => new SegmentPayload(document, PayloadForm.Array, root, null, null),
            JsonValueKind.Object when root.TryGetProperty("batch"u8, out var batch) => batch.ValueKind == JsonValueKind.Array
                ? new SegmentPayload(document, PayloadForm.Batch, batch, ObjectOrNull(root, "context"u8), ObjectOrNull(root, "integrations"u8))
                : null,
            JsonValueKind.Object => new SegmentPayload(document, PayloadForm.SingleEvent, root, null, null),
            _ => null,
        };

        if (payload is null)
        {
            document.Dispose();
            error = "body must be an event object, an array of events, or {\"batch\": [...]}";
            return null;
        }

        error = payload.Count == 0 ? "body holds no events" : null;
        return payload;
    }

    private static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith("\uFEFF"u8) ? body[3..] : body;

    private static JsonElement? ObjectOrNull(JsonElement root, ReadOnlySpan<byte> name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public void Dispose() => _document.Dispose();

    /// <summary>A struct enumerator over the events: ingest walks up to 4,000 of them per request.</summary>
    public struct ItemEnumerator(SegmentPayload payload)
    {
        private JsonElement.ArrayEnumerator _array = payload.Form == PayloadForm.SingleEvent ? default : payload.Events.EnumerateArray();
        private int _state = payload.Form == PayloadForm.SingleEvent ? 0 : 2;

        public JsonElement Current { get; private set; }

        public readonly ItemEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            switch (_state)
            {
                case 0:
                    _state = 1;
                    Current = payload.Events;
                    return true;
                case 1:
                    return false;
                default:
                    var more = _array.MoveNext();
                    Current = more ? _array.Current : default;
                    return more;
            }
        }
    }
}
