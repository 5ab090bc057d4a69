using System.Globalization;
using System.Text.Json;

namespace StoriesFunctions.Tests.Support;

/// <summary>What <see cref="StoriesStandIn"/> answers when no scripted reply applies: a healthy Stories API.</summary>
internal sealed class StoriesDefaultAnswers
{
    private int lastEventId;
    private int lastUserId;

    public (int Status, string? Body) Answer(RecordedRequest request)
    {
        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return (404, NotFound(request));
        }

        return request.Path.TrimEnd('/').ToUpperInvariant() switch
        {
            "/V1/EVENTS" => (201, Json(new { id = Interlocked.Increment(ref lastEventId) })),
            "/V1/USERS" => (200, Json(new { user_id = UserId(request) })),
            _ => (404, NotFound(request)),
        };
    }

    private static string NotFound(RecordedRequest request) => Json(new { message = $"No route for {request.Method} {request.Path}" });

    private static string Json(object value) => JsonSerializer.Serialize(value);

    // Echoes the caller's user_id when it sent one, as an upsert would; otherwise makes one up.
    private string UserId(RecordedRequest request)
    {
        try
        {
            if (request.Json.ValueKind == JsonValueKind.Object
                && request.Json.TryGetProperty("user_id", out JsonElement sent)
                && sent.ValueKind == JsonValueKind.String)
            {
                return sent.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the stand-in still answers; the test asserts on the recorded body.
        }

        return "user-" + Interlocked.Increment(ref lastUserId).ToString(CultureInfo.InvariantCulture);
    }
}
