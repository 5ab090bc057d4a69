using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Functions;

/// <summary>
/// Adopts what the host moves to <c>segment-events-poison</c> after <c>maxDequeueCount</c> failed invocations (a crash
/// loop, storage down at the end of an invocation): the poison queue's default time-to-live would drop it after 7 days,
/// and nothing would list or alert on it. Each event becomes a never-expiring dead letter like the app's own.
/// </summary>
public sealed class PoisonFunction(DeadLetters deadLetters)
{
    [Function("AdoptPoisonMessages")]
    public Task Run(
        [QueueTrigger(QueueNames.Poison, Connection = StorageClients.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        deadLetters.AdoptAsync(message.MessageId, message.Body, HostQueueSettings.MaxDequeueCount, cancellationToken);
}
