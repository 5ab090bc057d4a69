using NUnit.Framework;
using StoriesFunctions.Tests.Support;

// Fixtures outside the lanes (see LaneAttribute) may run beside them and each other when a worker is free; those that
// share the functions lane's Azurite say [NonParallelizable] and run once every lane is done. Inside a lane, fixtures
// run one after another whatever this says.
[assembly: Parallelizable(ParallelScope.Fixtures)]

namespace StoriesFunctions.Tests;

/// <summary>
/// Run-wide set-up and tear-down for every test under the root test namespace: stops the Azurite that
/// <see cref="Azurite.EnsureStartedAsync"/> started, if any.
/// </summary>
[SetUpFixture]
public sealed class TestRunFixture
{
    [OneTimeTearDown]
    public Task StopServicesAsync() => Azurite.StopAsync();
}
