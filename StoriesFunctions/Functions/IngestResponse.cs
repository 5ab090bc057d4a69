using System.Text.Json;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Functions;

/// <summary>The webhook's JSON answer: <c>{"queued": n, "skipped": [...], "rejected": [...]}</c>, plus <c>error</c> when refused.</summary>
internal static class IngestResponse
{
    public static void Write(Utf8JsonWriter writer, IngestResult result)
    {
        writer.WriteStartObject();
        if (result.Error is not null)
        {
            writer.WriteString("error"u8, result.Error);
        }

        writer.WriteNumber("queued"u8, result.Queued);
        WriteNotes(writer, "skipped"u8, result.Skipped);
        WriteNotes(writer, "rejected"u8, result.Rejected);
        writer.WriteEndObject();
    }

    private static void WriteNotes(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<EventNote> notes)
    {
        writer.WriteStartArray(name);
        foreach (var note in notes)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index"u8, note.Index);
            writer.WriteString("messageId"u8, note.MessageId);
            writer.WriteString("reason"u8, note.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
