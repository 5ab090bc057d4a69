using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Delivery;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Storage;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Functions;

/// <summary>
/// Delivers each <c>segment-events</c> message to Stories. Bound to <see cref="QueueMessage"/> to see the dequeue count.
/// Then records the backlog's gauges, at most once a minute on this instance: while events flow, that is what keeps
/// the backlog charts and alert current.
/// </summary>
public sealed class DeliveryFunction(EnvelopeDelivery delivery, Backlog backlog, ILogger<DeliveryFunction> logger)
{
    [Function("DeliverEvents")]
    public async Task Run(
        [QueueTrigger(QueueNames.Events, Connection = StorageClients.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        if (message.DequeueCount > 1)
        {
            // Our own retries come back as new messages: a second dequeue means an invocation died mid-way.
            Log.Redelivered(logger, message.MessageId, message.DequeueCount);
        }

        await delivery.DeliverAsync(message.MessageId, message.Body, cancellationToken);
        await backlog.EmitIfDueAsync(cancellationToken);
    }
}
