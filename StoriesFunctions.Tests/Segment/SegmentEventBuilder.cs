using System.Text.Json;
using System.Text.Json.Nodes;

namespace StoriesFunctions.Tests.Segment;

/// <summary>A valid Segment event by default; each With changes one thing.</summary>
internal sealed class SegmentEventBuilder
{
    private readonly JsonObject _event;

    public SegmentEventBuilder(string type = "track")
    {
        _event = new JsonObject
        {
            ["type"] = type,
            ["messageId"] = $"msg-{Guid.NewGuid():N}",
            ["userId"] = "user-1",
            ["timestamp"] = "2026-11-20T14:05:01.000Z",
        };
        switch (type)
        {
            case "track":
                _event["event"] = "Signed Up";
                _event["properties"] = new JsonObject { ["plan"] = "trial" };
                break;
            case "identify":
                _event["traits"] = new JsonObject { ["name"] = "Ada Lovelace", ["email"] = "ada@example.com" };
                break;
            case "page" or "screen":
                _event["name"] = "Home";
                break;
        }
    }

    public static SegmentEventBuilder Track() => new("track");

    public static SegmentEventBuilder Identify() => new("identify");

    public SegmentEventBuilder With(string name, JsonNode? value)
    {
        _event[name] = value;
        return this;
    }

    public SegmentEventBuilder Without(string name)
    {
        _event.Remove(name);
        return this;
    }

    public string MessageId => (string)_event["messageId"]!;

    public JsonObject Build() => (JsonObject)_event.DeepClone();

    public string Json() => _event.ToJsonString();

    public byte[] Bytes() => JsonSerializer.SerializeToUtf8Bytes(_event);

    public JsonElement Element() => JsonDocument.Parse(Json()).RootElement.Clone();
}
