using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Delivery;
using StoriesFunctions.Telemetry;
using StoriesFunctions.DeadLetters;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Functions;

/// <summary>
/// <c>POST /api/dead-letters/replay</c> and <c>POST /api/dead-letters/purge</c> take the list's filters, or a body
/// <c>{"messageIds": [...]}</c>, and an optional <c>max</c>; they answer 202 with the job, whose progress
/// <c>GET /api/dead-letters/jobs/{id}</c> shows. The work runs in pieces from <c>deadletter-jobs</c>.
/// </summary>
public sealed class DeadLetterJobsFunction(DeadLetterJobs jobs, DeadLetterJobRunner runner, Operators.OperatorAccess operators, ILogger<DeadLetterJobsFunction> logger)
{
    private const int MaxEvents = 1_000_000;

    /// <summary>Why a job failed whose piece the host moved to poison (after host.json's maxDequeueCount, 5).</summary>
    private const string PoisonedError = "a piece failed 5 times in a row and went to deadletter-jobs-poison (see the RunDeadLetterJob logs)";

    [Function("ReplayDeadLetters")]
    public Task<HttpResponseData> Replay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dead-letters/replay")] HttpRequestData request,
        CancellationToken cancellationToken) => StartAsync(request, DeadLetterJobKind.Replay, cancellationToken);

    [Function("PurgeDeadLetters")]
    public Task<HttpResponseData> Purge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dead-letters/purge")] HttpRequestData request,
        CancellationToken cancellationToken) => StartAsync(request, DeadLetterJobKind.Purge, cancellationToken);

    [Function("ShowDeadLetterJob")]
    public async Task<HttpResponseData> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dead-letters/jobs/{id}")] HttpRequestData request,
        string id,
        CancellationToken cancellationToken)
    {
        if (await OperatorGate.RefuseAsync(operators, request, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (await jobs.GetAsync(id, cancellationToken) is not { } job)
        {
            return request.CreateResponse(HttpStatusCode.NotFound);
        }

        return await JsonResponses.WriteAsync(request, 200, writer => DeadLetterResponse.WriteJob(writer, job), cancellationToken);
    }

    [Function("RunDeadLetterJob")]
    public Task RunPiece(
        [QueueTrigger(QueueNames.Jobs, Connection = StorageClients.ConnectionName)] string piece,
        CancellationToken cancellationToken) => runner.RunPieceAsync(piece, cancellationToken);

    /// <summary>A piece the host gave up on (it failed maxDequeueCount times): its job says so, rather than "running" forever.</summary>
    [Function("FailDeadLetterJob")]
    public async Task FailPiece(
        [QueueTrigger(QueueNames.JobsPoison, Connection = StorageClients.ConnectionName)] string piece,
        CancellationToken cancellationToken)
    {
        var jobId = DeadLetterJobPiece.Parse(piece).JobId;
        Log.JobFailed(logger, jobId, PoisonedError);
        await jobs.FailAsync(jobId, PoisonedError, null, cancellationToken);
    }

    private async Task<HttpResponseData> StartAsync(HttpRequestData request, DeadLetterJobKind kind, CancellationToken cancellationToken)
    {
        if (await OperatorGate.RefuseAsync(operators, request, cancellationToken) is { } refused)
        {
            return refused;
        }

        var query = DeadLetterQuery.Of(request.Url);
        if (!DeadLetterQuery.TryFilter(query, out var filter, out var error) || !DeadLetterQuery.TryNumber(query, "max", MaxEvents, out var max))
        {
            return await DeadLetterResponse.BadRequestAsync(request, error ?? $"max must be between 1 and {MaxEvents}", cancellationToken);
        }

        using var body = await AdminBody.ReadAsync(request, DeadLetterQuery.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return await AdminBody.TooLargeAsync(request, DeadLetterQuery.MaxBodyBytes, cancellationToken);
        }

        if (DeadLetterQuery.MessageIds(body.Memory) is not { } ids)
        {
            return await DeadLetterResponse.BadRequestAsync(request, "the body must be {\"messageIds\": [\"...\"]} with at most 10,000 distinct ids of at most 512 characters, or empty", cancellationToken);
        }

        var job = await jobs.StartAsync(kind, filter, ids.Count > 0 ? ids : null, max, cancellationToken);
        Log.JobStarted(logger, job.Id, kind.ToString());
        var response = await JsonResponses.WriteAsync(request, 202, writer => DeadLetterResponse.WriteJob(writer, job), cancellationToken);
        response.Headers.Add("Location", $"/api/dead-letters/jobs/{job.Id}");
        return response;
    }
}
