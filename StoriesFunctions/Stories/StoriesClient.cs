using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Polly.Timeout;

namespace StoriesFunctions.Stories;

/// <summary>
/// The Stories API over a typed <see cref="HttpClient"/> whose handler runs the resilience pipeline
/// (<see cref="StoriesResilience"/>). Every call ends in a <see cref="StoriesResponse"/>; only cancellation of the
/// invocation itself throws. The pipeline's timeouts cover the headers; reading the body has its own
/// <c>Stories__AttemptTimeout</c>, so a body that trickles cannot hold a claim past its lease.
/// </summary>
public sealed partial class StoriesClient(HttpClient http, Microsoft.Extensions.Options.IOptions<StoriesOptions> options)
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
            var excerpt = await ReadExcerptAsync(response.Content, options.Value.AttemptTimeout, cancellationToken).ConfigureAwait(false);
            return new StoriesResponse(
                response.StatusCode, excerpt, RetryAfter(response.Headers.RetryAfter), null,
                HeaderNumber(response.Headers, "X-RateLimit-Limit"), HeaderNumber(response.Headers, "X-RateLimit-Remaining"));
        }
        catch (HttpRequestException ex)
        {
            return StoriesResponse.NoAnswer(ex.HttpRequestError.ToString());
        }
        catch (SocketException ex)
        {
            // A connection reset while it opens can surface unwrapped from .NET's connection pool.
            return StoriesResponse.NoAnswer(ex.SocketErrorCode.ToString());
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

    /// <summary>The body's first characters, or null when it is empty or does not come within <paramref name="timeout"/>: the status is the answer.</summary>
    private static async Task<string?> ReadExcerptAsync(HttpContent content, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var buffer = new byte[StoriesResponse.MaxExcerptChars];
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        reading.CancelAfter(timeout);
        int length;
        try
        {
            var stream = await content.ReadAsStreamAsync(reading.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, reading.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException or SocketException or HttpRequestException) && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        // Cut on a character boundary: a partial UTF-8 sequence at the end decodes as U+FFFD, which we drop.
        return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length).TrimEnd('\uFFFD');
    }
}
