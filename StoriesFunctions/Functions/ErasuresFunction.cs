using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Erasure;
using StoriesFunctions.Segment;
using StoriesFunctions.Storage;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Functions;

/// <summary>
/// <c>POST /api/erasures</c> with <c>{"userId": "..."}</c> starts an erasure (202, the job, <c>Location</c>);
/// <c>GET /api/erasures/{id}</c> shows what it did; <c>POST /api/erasures/lift</c> with the same body lets the user's
/// later events through again. The id travels in bodies only, never in a URL, where it would land in logs.
/// </summary>
public sealed class ErasuresFunction(ErasureJobs jobs, ErasureRunner runner, ErasedUsers erased, Operators.OperatorAccess operators, ILogger<ErasuresFunction> logger)
{
    /// <summary>A body names one user id (at most 512 characters): anything near this size is not one.</summary>
    public const int MaxBodyBytes = 4096;

    [Function("StartErasure")]
    public async Task<HttpResponseData> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "erasures")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (await OperatorGate.RefuseAsync(operators, request, cancellationToken) is { } refused)
        {
            return refused;
        }

        var (userId, refusal) = await UserIdAsync(request, cancellationToken);
        if (userId is null)
        {
            return refusal!;
        }

        var job = await jobs.StartAsync(userId, cancellationToken);
        Log.ErasureStarted(logger, job.Id);
        var response = await JsonResponses.WriteAsync(request, 202, writer => ErasureResponse.Write(writer, job), cancellationToken);
        response.Headers.Add("Location", $"/api/erasures/{job.Id}");
        return response;
    }

    [Function("ShowErasure")]
    public async Task<HttpResponseData> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "erasures/{id}")] HttpRequestData request,
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

        return await JsonResponses.WriteAsync(request, 200, writer => ErasureResponse.Write(writer, job), cancellationToken);
    }

    [Function("LiftErasure")]
    public async Task<HttpResponseData> Lift(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "erasures/lift")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (await OperatorGate.RefuseAsync(operators, request, cancellationToken) is { } refused)
        {
            return refused;
        }

        var (userId, refusal) = await UserIdAsync(request, cancellationToken);
        if (userId is null)
        {
            return refusal!;
        }

        var lifted = await erased.LiftAsync(userId, cancellationToken);
        if (lifted)
        {
            Log.ErasureLifted(logger);
        }

        return await JsonResponses.WriteAsync(request, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("lifted"u8, lifted);
            writer.WriteEndObject();
        }, cancellationToken);
    }

    [Function("RunErasure")]
    public Task RunPass(
        [QueueTrigger(QueueNames.Erasures, Connection = StorageClients.ConnectionName)] string step,
        CancellationToken cancellationToken) => runner.RunAsync(step, cancellationToken);

    /// <summary>A pass the host gave up on: the job says so (the message, and the id in it, are then gone).</summary>
    [Function("FailErasure")]
    public async Task FailPass(
        [QueueTrigger(QueueNames.ErasuresPoison, Connection = StorageClients.ConnectionName)] string step,
        CancellationToken cancellationToken)
    {
        if (ErasureStep.JobIdOf(step) is { } jobId)
        {
            const string Error = "a pass failed 5 times in a row (see the RunErasure logs); the user stays suppressed";
            Log.ErasureFailed(logger, jobId, Error);
            await jobs.FailAsync(jobId, Error, cancellationToken);
        }
    }

    /// <summary>The body's <c>userId</c> (a string or number, as Segment sends it), or the answer refusing the body.</summary>
    private static async Task<(string? UserId, HttpResponseData? Refusal)> UserIdAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        using var body = await AdminBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return (null, await AdminBody.TooLargeAsync(request, MaxBodyBytes, cancellationToken));
        }

        return UserIdOf(body.Memory) is { } userId ? (userId, null) : (null, await BadBodyAsync(request, cancellationToken));
    }

    private static string? UserIdOf(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("userId"u8, out var id)
                && UserIds.Read(id) is { Length: > 0 and <= SegmentEventValidator.MaxIdLength } userId
                ? userId
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task<HttpResponseData> BadBodyAsync(HttpRequestData request, CancellationToken cancellationToken) =>
        DeadLetterResponse.BadRequestAsync(request, "the body must be {\"userId\": \"...\"}", cancellationToken);
}
