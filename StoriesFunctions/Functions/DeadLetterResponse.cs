using System.Text.Json;
using StoriesFunctions.Delivery;
using StoriesFunctions.DeadLetters;

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
            WriteSummary(writer, d);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("next"u8, next);
        writer.WriteEndObject();
    }

    /// <summary>One dead letter with what the list leaves out: Stories' answer and the event itself, personal data and all.</summary>
    public static void WriteOne(Utf8JsonWriter writer, StoredDeadLetter stored)
    {
        writer.WriteStartObject();
        WriteSummary(writer, stored.Letter);
        writer.WriteString("firstAttemptAt"u8, stored.Letter.FirstAttemptAt);
        writer.WriteString("responseExcerpt"u8, stored.Letter.ResponseExcerpt);
        writer.WritePropertyName("event"u8);
        try
        {
            using var evt = JsonDocument.Parse(stored.Body, Envelope.ParseOptions);
            evt.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(System.Text.Encoding.UTF8.GetString(stored.Body.Span)); // an unreadable message, as it came
        }

        writer.WriteEndObject();
    }

    public static void WriteCount(Utf8JsonWriter writer, int count, bool more)
    {
        writer.WriteStartObject();
        writer.WriteNumber("count"u8, count);
        writer.WriteBoolean("more"u8, more);
        writer.WriteEndObject();
    }

    public static void WriteJob(Utf8JsonWriter writer, DeadLetterJob job)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, job.Id);
        writer.WriteString("kind"u8, job.Kind == DeadLetterJobKind.Replay ? "replay" : "purge");
        writer.WriteString("status"u8, job.Status);
        writer.WriteNumber("done"u8, job.Done);
        writer.WriteNumber("skipped"u8, job.Skipped);
        writer.WriteString("createdAt"u8, job.CreatedAt);
        writer.WriteString("updatedAt"u8, job.UpdatedAt);
        if (job.FinishedAt is { } finished)
        {
            writer.WriteString("finishedAt"u8, finished);
        }
        else
        {
            writer.WriteNull("finishedAt"u8);
        }

        writer.WriteString("error"u8, job.Error);
        writer.WritePropertyName("filter"u8);
        JsonSerializer.Serialize(writer, job.Filter, FilterJson);
        writer.WriteNumber("messageIds"u8, job.MessageIdCount ?? 0);
        writer.WriteEndObject();
    }

    public static Task<Microsoft.Azure.Functions.Worker.Http.HttpResponseData> BadRequestAsync(Microsoft.Azure.Functions.Worker.Http.HttpRequestData request, string error, CancellationToken cancellationToken) =>
        JsonResponses.WriteAsync(request, 400, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error"u8, error);
            writer.WriteEndObject();
        }, cancellationToken);

    private static readonly JsonSerializerOptions FilterJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static void WriteSummary(Utf8JsonWriter writer, DeadLetter d)
    {
        writer.WriteString("messageId"u8, d.MessageId);
        writer.WriteString("type"u8, d.Type);
        writer.WriteString("reason"u8, d.Reason);
        writer.WriteString("reasonKind"u8, DeadLetterFilter.KindOf(d.Reason));
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
    }
}
