namespace StoriesFunctions.Tests.HostLevel;

/// <summary>Run-wide tear-down for host-level tests: deletes the app build that <see cref="AppBuild"/> made.</summary>
[SetUpFixture]
public sealed class HostRunFixture
{
    [OneTimeTearDown]
    public void DeleteAppBuild() => AppBuild.DeleteOutput();
}
