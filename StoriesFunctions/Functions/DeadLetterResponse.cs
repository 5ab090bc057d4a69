using System.Text.Json;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Functions;

/// <summary>The listing contract: <c>{"deadLetters": [...], "next": "&lt;opaque token&gt;" | null}</c>, with no traits or other personal data.</summary>
internal static class DeadLetterResponse
{
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<StoredDeadLetter> page, string? next)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("deadLetters"u8);
        foreach (var d in page.Select(s => s.Letter))
        {
            writer.WriteStartObject();
            writer.WriteString("messageId"u8, d.MessageId);
            writer.WriteString("type"u8, d.Type);
            writer.WriteString("reason"u8, d.Reason);
            if (d.StatusCode is { } status)
            {
                writer.WriteNumber("statusCode"u8, status);
            }
            else
            {
                writer.WriteNull("statusCode"u8);
            }

            writer.WriteNumber("attempts"u8, d.Attempts);
            writer.WriteString("receivedAt"u8, d.ReceivedAt);
            writer.WriteString("failedAt"u8, d.FailedAt);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("next"u8, next);
        writer.WriteEndObject();
    }

    public static void WriteReplayed(Utf8JsonWriter writer, int replayed)
    {
        writer.WriteStartObject();
        writer.WriteNumber("replayed"u8, replayed);
        writer.WriteEndObject();
    }
}
