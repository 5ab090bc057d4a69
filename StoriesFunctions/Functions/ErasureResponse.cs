using System.Text.Json;
using StoriesFunctions.Erasure;

namespace StoriesFunctions.Functions;

/// <summary>An erasure job as the API shows it: times and counts, nothing about the person.</summary>
internal static class ErasureResponse
{
    public static void Write(Utf8JsonWriter writer, ErasureJob job)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, job.Id);
        writer.WriteString("status"u8, job.Status);
        writer.WriteString("createdAt"u8, job.CreatedAt);
        writer.WriteString("updatedAt"u8, job.UpdatedAt);
        Time(writer, "suppressedAt", job.SuppressedAt);
        Time(writer, "finishedAt", job.FinishedAt);
        writer.WriteNumber("passes"u8, job.Passes);
        writer.WriteNumber("deadLettersPurged"u8, job.DeadLettersPurged);
        writer.WriteNumber("storiesUsersDeleted"u8, job.StoriesUsersDeleted);
        writer.WriteNumber("storiesUsersNotFound"u8, job.StoriesUsersNotFound);
        if (job.Error is { } error)
        {
            writer.WriteString("error"u8, error);
        }

        writer.WriteEndObject();
    }

    private static void Time(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteString(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
