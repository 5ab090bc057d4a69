using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;

namespace StoriesFunctions.Telemetry;

/// <summary>
/// The worker's Functions telemetry module records every invocation as an in-process dependency ("Invoke", about
/// 0.8 KB), which repeats the request the host records for the same invocation: under the real host it was a quarter
/// of the telemetry of a batched event and 1.7 KB of a single one (docs/performance.md). A successful one is dropped;
/// a failed one, and every other item, goes on.
/// </summary>
internal sealed class InvocationDependencyFilter(ITelemetryProcessor next) : ITelemetryProcessor
{
    public const string InProcess = "InProc";

    public void Process(ITelemetry item)
    {
        if (item is DependencyTelemetry { Type: InProcess, Success: not false })
        {
            return;
        }

        next.Process(item);
    }
}
