using System.Text.Json;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Functions;

internal static class DeadLetterResponse
{
    public static void Write(Utf8JsonWriter writer, int count, IReadOnlyList<DeadLetterSummary> first)
    {
        writer.WriteStartObject();
        writer.WriteNumber("count"u8, count);
        writer.WriteStartArray("deadLetters"u8);
        foreach (var d in first)
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

            if (d.FailedAt is { } failedAt)
            {
                writer.WriteString("failedAt"u8, failedAt);
            }
            else
            {
                writer.WriteNull("failedAt"u8);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteReplayed(Utf8JsonWriter writer, int replayed)
    {
        writer.WriteStartObject();
        writer.WriteNumber("replayed"u8, replayed);
        writer.WriteEndObject();
    }
}
