using System.Globalization;
using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Functions;

/// <summary>
/// <c>GET /api/dead-letters?max=N&amp;next=T</c> lists dead letters a page at a time; <c>POST /api/dead-letters/replay?max=N</c>
/// moves them back for delivery. Admin level: they need the host's master key.
/// </summary>
public sealed class DeadLettersFunction(DeadLetterStore store, DeadLetterReplay replay)
{
    private const int DefaultMax = 20;

    /// <summary>The table service returns at most 1,000 entities a page.</summary>
    private const int MaxPage = 1000;

    [Function("ListDeadLetters")]
    public async Task<HttpResponseData> List(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "dead-letters")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (Max(request, MaxPage) is not { } max)
        {
            return request.CreateResponse(HttpStatusCode.BadRequest);
        }

        var next = System.Web.HttpUtility.ParseQueryString(request.Url.Query)["next"];
        var (page, following) = await store.ListAsync(max, string.IsNullOrEmpty(next) ? null : next, withBody: false, cancellationToken);

        return await JsonResponses.WriteAsync(request, 200, writer => DeadLetterResponse.Write(writer, page, following), cancellationToken);
    }

    [Function("ReplayDeadLetters")]
    public async Task<HttpResponseData> Replay(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "dead-letters/replay")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (Max(request, 10_000) is not { } max)
        {
            return request.CreateResponse(HttpStatusCode.BadRequest);
        }

        var replayed = await replay.ReplayAsync(max, cancellationToken);

        return await JsonResponses.WriteAsync(request, 200, writer => DeadLetterResponse.WriteReplayed(writer, replayed), cancellationToken);
    }

    /// <summary><c>?max=N</c>, 1 to <paramref name="limit"/>; default 20; null when not a number in range.</summary>
    private static int? Max(HttpRequestData request, int limit)
    {
        var text = System.Web.HttpUtility.ParseQueryString(request.Url.Query)["max"];
        if (text is null)
        {
            return Math.Min(DefaultMax, limit);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max is > 0 && max <= limit ? max : null;
    }
}
