using Microsoft.Azure.Functions.Worker;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Functions;

/// <summary>
/// Every 15 minutes: the backlog's gauges (queue length, oldest event's age, time to drain at Stories' limit), for the
/// backlog-age alert when nothing is being delivered: a stuck backlog. While events flow, the delivery path records the
/// same gauges every minute (<see cref="Backlog.EmitIfDueAsync"/>). Not every minute: on Flex Consumption each run is
/// an execution billed for at least a second on an instance of its own (docs/costs/model.md).
/// Each reading also keeps the minute's sample for the console's chart when anything is queued.
/// </summary>
public sealed class BacklogFunction(Backlog backlog)
{
    /// <summary>Every 15 minutes, on the quarter hour (six fields: Flex Consumption's scale controller reads it).</summary>
    public const string Schedule = "0 */15 * * * *";

    [Function("BacklogGauges")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        backlog.EmitAsync(cancellationToken);
}
