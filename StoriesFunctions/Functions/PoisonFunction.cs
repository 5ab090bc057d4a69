using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Delivery;
using StoriesFunctions.Telemetry;
using StoriesFunctions.DeadLetters;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Functions;

/// <summary>
/// Adopts what the host moves to <c>segment-events-poison</c> after <c>maxDequeueCount</c> failed invocations (a crash
/// loop, a queue that could not be written): the poison queue's default time-to-live would drop it after 7 days, and
/// nothing would list or alert on it. Each event not yet delivered becomes a never-expiring dead letter like the app's
/// own. When our storage fails meanwhile, the message goes back to the poison queue for later instead of failing (which
/// would end in <c>segment-events-poison-poison</c>); that queue, reached only by crashes, is adopted the same way.
/// </summary>
public sealed class PoisonFunction(DeadLetterIntake deadLetters, EventQueue queue, ILogger<PoisonFunction> logger)
{
    private static readonly TimeSpan AdoptLater = TimeSpan.FromMinutes(1);

    [Function("AdoptPoisonMessages")]
    public Task Run(
        [QueueTrigger(QueueNames.Poison, Connection = StorageClients.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => AdoptAsync(message, cancellationToken);

    [Function("AdoptPoisonOfPoison")]
    public Task RunPoisonOfPoison(
        [QueueTrigger(QueueNames.PoisonOfPoison, Connection = StorageClients.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => AdoptAsync(message, cancellationToken);

    private async Task AdoptAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await deadLetters.AdoptAsync(message.MessageId, message.Body, HostQueueSettings.MaxDequeueCount, cancellationToken);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            // A fresh message starts a fresh dequeue count; if even this write fails, the host tries again.
            await queue.SendToPoisonAsync(message.Body, AdoptLater, cancellationToken);
            Log.AdoptionDeferred(logger, message.MessageId, ex.GetType().Name, AdoptLater);
        }
    }
}
