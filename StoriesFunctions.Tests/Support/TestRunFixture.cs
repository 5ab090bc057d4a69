using NUnit.Framework;
using StoriesFunctions.Tests.Support;

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
