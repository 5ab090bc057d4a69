using System.Net;
using System.Text.Json;
using Polly.Timeout;

namespace StoriesFunctions.Stories;

/// <summary>What an erasure's call to Stories came to.</summary>
public enum UserDeletion
{
    Deleted,

    /// <summary>Stories had no such user (404): already gone.</summary>
    NotFound,
}

/// <content>
/// Deleting a user. Stories deletes by its own <c>id</c>, and only its users upsert is known to return it for our
/// <c>user_id</c> (listing every page is the other way): so the user is upserted (created if missing, with nothing but
/// the id) and then deleted, which leaves Stories without the user either way.
/// </content>
public sealed partial class StoriesClient
{
    private const int MaxUserAnswerBytes = 64 * 1024;

    /// <summary>Upserts then deletes <paramref name="userId"/>. Throws <see cref="HttpRequestException"/> when Stories fails either call.</summary>
    public async Task<UserDeletion> DeleteUserAsync(string userId, CancellationToken cancellationToken)
    {
        var storiesId = await UpsertForIdAsync(userId, cancellationToken).ConfigureAwait(false);
        using var response = await CallAsync(new HttpRequestMessage(HttpMethod.Delete, "users/" + Uri.EscapeDataString(storiesId)), cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => UserDeletion.NotFound,
            _ when response.IsSuccessStatusCode => UserDeletion.Deleted,
            var status => throw new HttpRequestException($"Stories answered {(int)status} to the user's deletion", null, status),
        };
    }

    private async Task<string> UpsertForIdAsync(string userId, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["user_id"] = userId });
        var request = new HttpRequestMessage(HttpMethod.Post, "users") { Content = new ByteArrayContent(body) { Headers = { ContentType = Json } } };
        using var response = await CallAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Stories answered {(int)response.StatusCode} to the user's lookup", null, response.StatusCode);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return bytes.Length <= MaxUserAnswerBytes && IdOf(bytes) is { } id
            ? id
            : throw new HttpRequestException("Stories' answer to the user's lookup holds no id");
    }

    /// <summary>The user's Stories <c>id</c>: at the root of the answer, or under <c>data</c> (Laravel's resource form).</summary>
    internal static string? IdOf(ReadOnlySpan<byte> answer)
    {
        try
        {
            var reader = new Utf8JsonReader(answer);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var user = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data"u8, out var data) && data.ValueKind == JsonValueKind.Object ? data : root;
            return user.ValueKind == JsonValueKind.Object && user.TryGetProperty("id"u8, out var id)
                ? id.ValueKind switch
                {
                    JsonValueKind.String => id.GetString(),
                    JsonValueKind.Number => id.GetRawText(),
                    _ => null,
                }
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<HttpResponseMessage> CallAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutRejectedException ex)
            {
                throw new HttpRequestException("no answer from Stories: timed out", ex);
            }
        }
    }
}
