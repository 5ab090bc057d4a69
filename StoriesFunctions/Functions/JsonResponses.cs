using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;

namespace StoriesFunctions.Functions;

internal static class JsonResponses
{
    /// <summary>Seconds Segment (or an operator) should wait before retrying a 503.</summary>
    public const string RetryAfterSeconds = "30";

    public static async Task<HttpResponseData> WriteAsync(HttpRequestData request, int statusCode, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var response = request.CreateResponse((HttpStatusCode)statusCode);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        if (statusCode == (int)HttpStatusCode.ServiceUnavailable)
        {
            response.Headers.Add("Retry-After", RetryAfterSeconds);
        }

        await using (var writer = new Utf8JsonWriter(response.Body))
        {
            write(writer);
            await writer.FlushAsync(cancellationToken);
        }

        return response;
    }
}
