using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>The analyzer rules that guard secrets and portability fail the lint, not just warn.</summary>
[TestFixture]
public sealed class BicepConfigTests
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip };

    [TestCase("no-hardcoded-env-urls")]
    [TestCase("secure-parameter-default")]
    [TestCase("secure-secrets-in-params")]
    [TestCase("outputs-should-not-contain-secrets")]
    [TestCase("use-secure-value-for-secure-inputs")]
    [TestCase("protect-commandtoexecute-secrets")]
    [TestCase("adminusername-should-not-be-literal")]
    [TestCase("no-unused-params")]
    [TestCase("no-unused-vars")]
    [TestCase("use-resource-id-functions")]
    [TestCase("prefer-interpolation")]
    [TestCase("simplify-interpolation")]
    [TestCase("use-stable-resource-identifiers")]
    [TestCase("use-recent-api-versions")]
    public void Rule_Level_IsError(string rule)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryLayout.Infra, "bicepconfig.json"));
        var config = JsonNode.Parse(text, nodeOptions: null, DocumentOptions)!;

        string? level = (string?)config["analyzers"]!["core"]!["rules"]![rule]?["level"];

        Assert.That(level, Is.EqualTo("error"));
    }
}
