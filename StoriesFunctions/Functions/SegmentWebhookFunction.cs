using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Functions;

/// <summary><c>POST /api/segment</c>: Segment's Webhooks destination calls this with the function key.</summary>
public sealed class SegmentWebhookFunction(WebhookIngest ingest)
{
    [Function("SegmentWebhook")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "segment")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var signature = request.Headers.TryGetValues("X-Signature", out var values) ? values.FirstOrDefault() : null;
        var contentLength = request.Headers.TryGetValues("Content-Length", out var lengths) && long.TryParse(lengths.FirstOrDefault(), out var length)
            ? length
            : (long?)null;

        var result = await ingest.IngestAsync(request.Body, contentLength, signature, cancellationToken);

        return await JsonResponses.WriteAsync(request, result.StatusCode, writer => IngestResponse.Write(writer, result), cancellationToken);
    }
}
