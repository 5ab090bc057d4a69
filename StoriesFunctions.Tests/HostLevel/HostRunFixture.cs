using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// Run-wide set-up and tear-down for host-level tests: skips them all when <c>func</c> is missing; otherwise builds the
/// app and starts their own Azurite before the first (so neither counts against a test's time), and deletes the build at
/// the end. The host-level fixtures form one lane (see <see cref="LaneAttribute"/>): one after another, beside the
/// in-process lane (<see cref="Functions.InProcessLane"/>), since their hosts mostly wait on I/O and timers.
/// </summary>
[SetUpFixture]
[Parallelizable(ParallelScope.Self)]
[Lane(OwnStorage = true)]
[Order(0)] // The longest lane: dispatched first, before fixtures outside lanes take the workers.
public sealed class HostRunFixture
{
    [OneTimeSetUp]
    public async Task BuildAppAndStartStorageAsync()
    {
        FuncCli.RequireOrSkip();
        await AppBuild.OutputAsync();
        await Azurite.EnsureStartedAsync();
    }

    [OneTimeTearDown]
    public void DeleteAppBuild() => AppBuild.DeleteOutput();
}
