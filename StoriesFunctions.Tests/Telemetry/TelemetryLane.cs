using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Telemetry;

/// <summary>
/// The telemetry tests form a lane with an Azurite of its own (see <see cref="LaneAttribute"/>): they run the app
/// in-process on the app's fixed queue names, as the functions' lane does, so they cannot share its emulator.
/// </summary>
[SetUpFixture]
[Parallelizable(ParallelScope.Self)]
[Lane(OwnStorage = true)]
public sealed class TelemetryLane
{
}
