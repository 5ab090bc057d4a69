using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>infra/main.bicep compiles and passes the linter, with the rules bicepconfig.json raises to errors.</summary>
[TestFixture]
public sealed class MainBicepTests
{
    private BicepRun build = null!;
    private BicepRun lint = null!;
    private BicepRun lintParameters = null!;

    [OneTimeSetUp]
    public async Task RunBicepAsync()
    {
        var noEnvironment = new Dictionary<string, string>();
        var runs = await Task.WhenAll(
            BicepCli.RunAsync(RepositoryLayout.Infra, noEnvironment, "build", "main.bicep", "--stdout"),
            BicepCli.RunAsync(RepositoryLayout.Infra, noEnvironment, "lint", "main.bicep"),
            BicepCli.RunAsync(RepositoryLayout.Infra, DeploymentSnapshot.Environment, "lint", "main.bicepparam"));
        (build, lint, lintParameters) = (runs[0], runs[1], runs[2]);
    }

    [Test]
    public void Build_MainBicep_SucceedsWithoutDiagnostics()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(build.ExitCode, Is.Zero, build.ToString);
            Assert.That(build.Diagnostics, Is.Empty);
        }
    }

    [Test]
    public void Lint_MainBicep_ReportsNothing()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lint.ExitCode, Is.Zero, lint.ToString);
            Assert.That(lint.Diagnostics, Is.Empty);
        }
    }

    [Test]
    public void Lint_MainBicepparam_ReportsNothing()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lintParameters.ExitCode, Is.Zero, lintParameters.ToString);
            Assert.That(lintParameters.Diagnostics, Is.Empty);
        }
    }

    [Test]
    public void Build_CompiledTemplate_NeverReadsStorageKeys()
    {
        Assert.That(build.StandardOutput, Does.Not.Contain("listKeys").IgnoreCase.And.Not.Contain("AccountKey="));
    }

    [Test]
    public void Build_HostingPlan_DefaultsToFlexAndAllowsConsumption()
    {
        var parameter = JsonNode.Parse(build.StandardOutput)!["parameters"]!["hostingPlan"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)parameter["defaultValue"], Is.EqualTo("flex"));
            Assert.That(parameter["allowedValues"]!.AsArray().Select(value => (string?)value), Is.EquivalentTo(new[] { "flex", "consumption" }));
        }
    }

    [TestCase("storiesApiKey")]
    [TestCase("segmentSharedSecret")]
    [TestCase("erasureHashKey")]
    public void Build_SecretParameter_IsSecureString(string parameter)
    {
        var template = JsonNode.Parse(build.StandardOutput)!;

        string? type = (string?)template["parameters"]![parameter]!["type"];

        Assert.That(type, Is.EqualTo("securestring"));
    }
}
