using System.Globalization;
using System.Text.Json;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// What <see cref="StoriesStandIn"/> answers when no scripted reply applies: a healthy Stories API that keeps its users
/// (created by an upsert or by an event for an unknown <c>user_id</c>, each with Stories' own <c>id</c>, deleted by
/// <c>DELETE /v1/users/{id}</c>).
/// </summary>
internal sealed class StoriesDefaultAnswers
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> users = new(StringComparer.Ordinal);
    private int lastEventId;
    private int lastUserId;

    /// <summary>The <c>user_id</c>s Stories holds now.</summary>
    public IReadOnlyCollection<string> Users => [.. users.Keys];

    public (int Status, string? Body) Answer(RecordedRequest request)
    {
        var path = request.Path.TrimEnd('/').ToUpperInvariant();
        if (string.Equals(request.Method, "DELETE", StringComparison.OrdinalIgnoreCase) && path.StartsWith("/V1/USERS/", StringComparison.Ordinal))
        {
            var id = request.Path.TrimEnd('/')["/v1/users/".Length..];
            var owner = users.FirstOrDefault(pair => pair.Value == id).Key;
            return owner is not null && users.TryRemove(owner, out _) ? (204, null) : (404, NotFound(request));
        }

        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return (404, NotFound(request));
        }

        return path switch
        {
            "/V1/EVENTS" => Event(request),
            "/V1/USERS" => Upsert(UserId(request)),
            _ => (404, NotFound(request)),
        };
    }

    private (int, string?) Event(RecordedRequest request)
    {
        if (UserIdSent(request) is { } userId)
        {
            StoriesId(userId);
        }

        return (201, Json(new { id = Interlocked.Increment(ref lastEventId) }));
    }

    private (int, string?) Upsert(string userId) => (200, Json(new { id = StoriesId(userId), user_id = userId }));

    private string StoriesId(string userId) =>
        users.GetOrAdd(userId, _ => "u-" + Guid.NewGuid().ToString("N")[..12]);

    private static string? UserIdSent(RecordedRequest request)
    {
        try
        {
            return request.Json.ValueKind == JsonValueKind.Object && request.Json.TryGetProperty("user_id", out JsonElement sent)
                && sent.ValueKind == JsonValueKind.String ? sent.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
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
