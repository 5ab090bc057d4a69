using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using StoriesFunctions.Delivery;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Baseline;

/// <summary>
/// <c>POST /api/bare-enqueue</c>: the least an HTTP function must do to queue a body durably, for the host-level
/// benchmark to compare the webhook with in the same host and worker. It reads the body, cuts it into pieces no larger
/// than an envelope, and writes them as the app writes envelopes (base64, <see cref="EventQueue.MaxParallelWrites"/> at
/// a time) to a queue nothing reads; no signature, no parsing, no validation, no logging. Compiled only with
/// <c>-p:HostBenchmarkBaseline=true</c> (StoriesFunctions.csproj): the deployed app does not have it.
/// </summary>
public sealed class BareEnqueueFunction(QueueServiceClient queues)
{
    public const string QueueName = "bare-enqueue";

    private readonly Lazy<Task<QueueClient>> _queue = new(async () =>
    {
        var queue = queues.GetQueueClient(QueueName);
        await queue.CreateIfNotExistsAsync().ConfigureAwait(false);
        return queue;
    });

    [Function("BareEnqueue")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "bare-enqueue")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
        var pieces = new List<BinaryData>();
        for (int offset = 0; offset < bytes.Length; offset += Envelope.MaxBytes)
        {
            pieces.Add(new BinaryData(bytes.Slice(offset, Math.Min(Envelope.MaxBytes, bytes.Length - offset))));
        }

        var queue = await _queue.Value;
        if (pieces.Count == 1)
        {
            await queue.SendMessageAsync(pieces[0], null, TimeSpan.FromSeconds(-1), cancellationToken);
        }
        else
        {
            await Parallel.ForEachAsync(
                pieces,
                new ParallelOptions { MaxDegreeOfParallelism = EventQueue.MaxParallelWrites, CancellationToken = cancellationToken },
                async (piece, ct) => await queue.SendMessageAsync(piece, null, TimeSpan.FromSeconds(-1), ct).ConfigureAwait(false));
        }

        var response = request.CreateResponse(System.Net.HttpStatusCode.OK);
        await response.WriteStringAsync($"{{\"queued\":{pieces.Count}}}", cancellationToken);
        return response;
    }
}
