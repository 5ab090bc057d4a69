using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Infra;

/// <summary>
/// The Bicep tests form a lane of their own (see <see cref="LaneAttribute"/>): they compile <c>infra/</c> with the Bicep
/// CLI and read the JSON, touching no storage, so they run beside the in-process and host-level lanes.
/// </summary>
[SetUpFixture]
[Parallelizable(ParallelScope.Self)]
[Lane]
public sealed class InfraLane
{
}
