using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>azd and plain `az deployment` read the same environment variables, and azd knows the service.</summary>
[TestFixture]
public sealed class ParameterFilesTests
{
    private static readonly string[] ServiceLines =
    [
        "StoriesFunctions:",
        "project: ./StoriesFunctions",
        "language: dotnet",
        "host: function",
    ];

    [TestCase("environmentName", "AZURE_ENV_NAME")]
    [TestCase("location", "AZURE_LOCATION")]
    [TestCase("storiesApiKey", "STORIES_API_KEY")]
    [TestCase("segmentSharedSecret", "SEGMENT_SHARED_SECRET")]
    [TestCase("erasureHashKey", "ERASURE_HASH_KEY")]
    [TestCase("alertEmail", "ALERT_EMAIL")]
    public void AzdParameters_Parameter_ReadsItsEnvironmentVariable(string parameter, string variable)
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Infra, "main.parameters.json")))!;

        string? value = (string?)parameters["parameters"]![parameter]?["value"];

        Assert.That(value, Is.EqualTo($"${{{variable}}}"));
    }

    [TestCase("storiesApiKey", "STORIES_API_KEY")]
    [TestCase("segmentSharedSecret", "SEGMENT_SHARED_SECRET")]
    [TestCase("erasureHashKey", "ERASURE_HASH_KEY")]
    [TestCase("alertEmail", "ALERT_EMAIL")]
    public void Bicepparam_Parameter_ReadsItsEnvironmentVariableWithoutDefault(string parameter, string variable)
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryLayout.Infra, "main.bicepparam"));

        Assert.That(lines, Has.One.EqualTo($"param {parameter} = readEnvironmentVariable('{variable}')"));
    }

    [Test]
    public void AzdParameters_HostingPlan_IsFlexUnlessHostingPlanIsSet()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Infra, "main.parameters.json")))!;

        string? value = (string?)parameters["parameters"]!["hostingPlan"]?["value"];

        Assert.That(value, Is.EqualTo("${HOSTING_PLAN=flex}"));
    }

    [Test]
    public void Bicepparam_HostingPlan_IsFlexUnlessHostingPlanIsSet()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryLayout.Infra, "main.bicepparam"));

        Assert.That(lines, Has.One.EqualTo("param hostingPlan = readEnvironmentVariable('HOSTING_PLAN', 'flex')"));
    }

    [Test]
    public void QueuePollingInterval_BothFiles_ReadQueuePollingIntervalAndDefaultToHostJson()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Infra, "main.parameters.json")))!;
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryLayout.Infra, "main.bicepparam"));

        Assert.That(
            ((string?)parameters["parameters"]!["queuePollingInterval"]?["value"], lines.Count(l => l == "param queuePollingInterval = readEnvironmentVariable('QUEUE_POLLING_INTERVAL', '')")),
            Is.EqualTo(("${QUEUE_POLLING_INTERVAL=}", 1)));
    }

    [Test]
    public void AzureYaml_Service_IsTheFunctionProject()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, "azure.yaml"))
            .Select(line => line.Trim())
            .ToArray();

        Assert.That(lines, Is.SupersetOf(ServiceLines));
    }
}
