using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using StoriesFunctions.Delivery;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Functions;

/// <summary>
/// Reading dead letters. <c>GET /api/dead-letters</c> lists them a page at a time with the filters of
/// <see cref="DeadLetterQuery"/>; <c>GET /api/dead-letters/count</c> counts what a filter matches (what a replay or purge
/// would touch); <c>GET /api/dead-letters/events/{messageId}</c> shows one, with its event: the only place personal data
/// appears. Operators only (<see cref="Operators.OperatorAccess"/>).
/// </summary>
public sealed class DeadLettersFunction(DeadLetterStore store, Operators.OperatorAccess operators)
{
    private const int DefaultMax = 20;

    /// <summary>The table service returns at most 1,000 entities a page.</summary>
    private const int MaxPage = 1000;

    private const int MaxCount = 100_000;

    [Function("ListDeadLetters")]
    public async Task<HttpResponseData> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dead-letters")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (await OperatorGate.RefuseAsync(operators, request, cancellationToken) is { } refused)
        {
            return refused;
        }

        var query = DeadLetterQuery.Of(request.Url);
        if (!DeadLetterQuery.TryFilter(query, out var filter, out var error) || !DeadLetterQuery.TryNumber(query, "max", MaxPage, out var max))
        {
            return await DeadLetterResponse.BadRequestAsync(request, error ?? $"max must be between 1 and {MaxPage}", cancellationToken);
        }

        var next = query["next"] is { Length: > 0 } token ? token : null;
        var (page, following) = await store.ListAsync(filter, max ?? DefaultMax, next, withBody: false, cancellationToken);

        return await JsonResponses.WriteAsync(request, 200, writer => DeadLetterResponse.Write(writer, page, following), cancellationToken);
    }

    [Function("CountDeadLetters")]
    public async Task<HttpResponseData> Count(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dead-letters/count")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (await OperatorGate.RefuseAsync(operators, request, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (!DeadLetterQuery.TryFilter(DeadLetterQuery.Of(request.Url), out var filter, out var error))
        {
            return await DeadLetterResponse.BadRequestAsync(request, error!, cancellationToken);
        }

        var (count, more) = await store.CountAsync(filter, MaxCount, cancellationToken);

        return await JsonResponses.WriteAsync(request, 200, writer => DeadLetterResponse.WriteCount(writer, count, more), cancellationToken);
    }

    [Function("ShowDeadLetter")]
    public async Task<HttpResponseData> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dead-letters/events/{messageId}")] HttpRequestData request,
        string messageId,
        CancellationToken cancellationToken)
    {
        if (await OperatorGate.RefuseAsync(operators, request, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (await store.FindAsync(messageId, cancellationToken) is not { } stored)
        {
            return request.CreateResponse(HttpStatusCode.NotFound);
        }

        return await JsonResponses.WriteAsync(request, 200, writer => DeadLetterResponse.WriteOne(writer, stored), cancellationToken);
    }
}
