using Microsoft.Azure.Functions.Worker.Http;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Functions;

/// <summary>
/// An operator request's body, read with a cap: an operator endpoint never buffers more than its largest meaningful
/// body, whoever calls it. A declared <c>Content-Length</c> over the cap is refused before anything is read.
/// </summary>
internal static class AdminBody
{
    /// <summary>Reads at most <paramref name="maxBytes"/>; null when the body is larger (answer it with <see cref="TooLargeAsync"/>).</summary>
    public static Task<RequestBody?> ReadAsync(HttpRequestData request, int maxBytes, CancellationToken cancellationToken) =>
        RequestBody.ReadAsync(request.Body, ContentLength(request), maxBytes, cancellationToken);

    public static Task<HttpResponseData> TooLargeAsync(HttpRequestData request, int maxBytes, CancellationToken cancellationToken) =>
        JsonResponses.WriteAsync(request, 413, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error"u8, $"the body must be at most {maxBytes} bytes");
            writer.WriteEndObject();
        }, cancellationToken);

    public static long? ContentLength(HttpRequestData request) =>
        request.Headers.TryGetValues("Content-Length", out var lengths) && long.TryParse(lengths.FirstOrDefault(), out var length)
            ? length
            : null;
}
