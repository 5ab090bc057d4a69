using System.Buffers;
using System.Text.Json;

namespace StoriesFunctions.Delivery;

/// <summary>
/// An event that will not be delivered without help, kept in <c>segment-events-poison</c> with why: the original
/// event plus the reason, Stories' status and a short excerpt of its answer, and when it was tried.
/// </summary>
public sealed record DeadLetter(
    string MessageId,
    string Type,
    string Reason,
    int? StatusCode,
    string? ResponseExcerpt,
    int Attempts,
    DateTimeOffset ReceivedAt,
    DateTimeOffset FirstAttemptAt,
    DateTimeOffset FailedAt)
{
    public const string Kind = "deadLetter";

    public BinaryData ToMessage(JsonElement evt)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, Envelope.Version);
            writer.WriteString("kind"u8, Kind);
            writer.WriteString("messageId"u8, MessageId);
            writer.WriteString("type"u8, Type);
            writer.WriteString("reason"u8, Reason);
            if (StatusCode is { } status)
            {
                writer.WriteNumber("statusCode"u8, status);
            }
            else
            {
                writer.WriteNull("statusCode"u8);
            }

            writer.WriteString("responseExcerpt"u8, ResponseExcerpt);
            writer.WriteNumber("attempts"u8, Attempts);
            writer.WriteString("receivedAt"u8, ReceivedAt);
            writer.WriteString("firstAttemptAt"u8, FirstAttemptAt);
            writer.WriteString("failedAt"u8, FailedAt);
            writer.WritePropertyName("event"u8);
            evt.WriteTo(writer);
            writer.WriteEndObject();
        }

        return new BinaryData(buffer.WrittenMemory);
    }

    /// <summary>Reads a dead letter written by <see cref="ToMessage"/>; null for anything else.</summary>
    public static DeadLetter? TryRead(JsonElement root, out JsonElement evt)
    {
        evt = default;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("kind"u8, out var kind) || !kind.ValueEquals(Kind)
            || !root.TryGetProperty("event"u8, out evt))
        {
            return null;
        }

        return new DeadLetter(
            Text(root, "messageId") ?? string.Empty,
            Text(root, "type") ?? "unknown",
            Text(root, "reason") ?? string.Empty,
            root.TryGetProperty("statusCode"u8, out var s) && s.TryGetInt32(out var status) ? status : null,
            Text(root, "responseExcerpt"),
            root.TryGetProperty("attempts"u8, out var a) && a.TryGetInt32(out var attempts) ? attempts : 0,
            Time(root, "receivedAt"),
            Time(root, "firstAttemptAt"),
            Time(root, "failedAt"));
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset Time(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time
            : default;
}
