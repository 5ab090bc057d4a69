using System.Net.Http.Headers;
using System.Text;
using Polly.Timeout;

namespace StoriesFunctions.Stories;

/// <summary>
/// The Stories API over a typed <see cref="HttpClient"/> whose handler runs the resilience pipeline
/// (<see cref="StoriesResilience"/>). Every call ends in a <see cref="StoriesResponse"/>; only cancellation of the
/// invocation itself throws.
/// </summary>
public sealed class StoriesClient(HttpClient http)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<StoriesResponse> SendAsync(StoriesCall call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, call.Path)
        {
            Content = new ReadOnlyMemoryContent(call.Body) { Headers = { ContentType = Json } },
        };

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var excerpt = await ReadExcerptAsync(response.Content, cancellationToken).ConfigureAwait(false);
            return new StoriesResponse(
                response.StatusCode, excerpt, RetryAfter(response.Headers.RetryAfter), null,
                HeaderNumber(response.Headers, "X-RateLimit-Limit"), HeaderNumber(response.Headers, "X-RateLimit-Remaining"));
        }
        catch (HttpRequestException ex)
        {
            return StoriesResponse.NoAnswer(ex.HttpRequestError.ToString());
        }
        catch (TimeoutRejectedException)
        {
            return StoriesResponse.NoAnswer("timed out");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return StoriesResponse.NoAnswer("timed out");
        }
    }

    /// <summary>Seconds or an HTTP date, as a delay from now; null when absent.</summary>
    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date && date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : null;
    }

    private static int? HeaderNumber(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { } value
            && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private static async Task<string?> ReadExcerptAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = new byte[StoriesResponse.MaxExcerptChars];
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (length == 0)
            {
                return null;
            }

            // Cut on a character boundary: a partial UTF-8 sequence at the end decodes as U+FFFD, which we drop.
            return Encoding.UTF8.GetString(buffer, 0, length).TrimEnd('\uFFFD');
        }
    }
}
