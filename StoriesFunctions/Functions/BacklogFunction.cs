using Microsoft.Azure.Functions.Worker;
using StoriesFunctions.Delivery;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Functions;

/// <summary>
/// Every minute: the backlog's gauges (queue length, oldest event's age, time to drain at Stories' limit), for the
/// dashboards and the backlog-age alert, and the minute's sample of them for the console's chart when anything is
/// queued. A timer runs on one instance at a time, however many there are.
/// </summary>
public sealed class BacklogFunction(Backlog backlog, DeliveryHistory history)
{
    [Function("BacklogGauges")]
    public async Task Run([TimerTrigger("0 * * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var figures = await backlog.EmitAsync(cancellationToken);
        await history.RecordBacklogAsync(figures.Messages, figures.OldestAge, cancellationToken);
    }
}
