using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// The functions' in-process tests form one lane (see <see cref="LaneAttribute"/>): their fixtures run one after another,
/// as before, but beside the host-level lane (<see cref="HostLevel.HostRunFixture"/>), which has its own Azurite, and the
/// Bicep lane. Fixtures elsewhere that share this lane's Azurite and fixed queue and table names are NonParallelizable.
/// Starts the shared Azurite before the first fixture, so its start counts against no test.
/// </summary>
[SetUpFixture]
[Parallelizable(ParallelScope.Self)]
[Lane]
[Order(1)] // The second longest lane, beside the host-level one from the start.
public sealed class InProcessLane
{
    [OneTimeSetUp]
    public Task StartStorageAsync() => Azurite.EnsureStartedAsync();
}
