using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>Each built-in role the app identity needs, granted once, on the narrowest resource that works.</summary>
[TestFixture]
public sealed class RoleAssignmentTests
{
    private const string StorageAccount = "Microsoft.Storage/storageAccounts";

    private DeploymentSnapshot snapshot = null!;

    [OneTimeSetUp]
    public async Task LoadSnapshotAsync() => snapshot = await DeploymentSnapshot.SharedAsync();

    private string IdentityPrincipalId =>
        $"reference('{snapshot.ResourceId("Microsoft.ManagedIdentity/userAssignedIdentities")}', '2024-11-30').principalId";

    // Storage Blob Data Owner: the host keeps leases and keys in blobs it creates.
    [TestCase("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", StorageAccount)]
    // Storage Queue Data Contributor.
    [TestCase("974c5e8b-45b9-4653-ba55-5f855dd0fb88", StorageAccount)]
    // Storage Table Data Contributor: the app creates and drops its de-duplication tables.
    [TestCase("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StorageAccount)]
    // Key Vault Secrets User.
    [TestCase("4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults")]
    // Monitoring Metrics Publisher: Entra-authenticated telemetry.
    [TestCase("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components")]
    public void Role_Granted_OnceToTheIdentityOnTheResource(string roleId, string scopeType)
    {
        string scopeId = snapshot.ResourceId(scopeType);
        var assignments = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(assignment => ((string)assignment["properties"]!["roleDefinitionId"]!).EndsWith($"/{roleId}", StringComparison.Ordinal))
            .ToList();

        Assert.That(assignments, Has.Count.EqualTo(1));
        JsonObject assignment = assignments[0];
        var properties = assignment["properties"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)assignment["id"], Does.StartWith($"[extensionResourceId('{scopeId}', 'Microsoft.Authorization/roleAssignments'"));
            Assert.That((string?)assignment["name"], Is.EqualTo($"[guid('{scopeId}', {IdentityPrincipalId}, '{roleId}')]"));
            Assert.That((string?)properties["roleDefinitionId"], Is.EqualTo(
                $"/subscriptions/{DeploymentSnapshot.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleId}"));
            Assert.That((string?)properties["principalId"], Is.EqualTo($"[{IdentityPrincipalId}]"));
            Assert.That((string?)properties["principalType"], Is.EqualTo("ServicePrincipal"));
        }
    }

    [Test]
    public void Roles_All_AreTheFiveNeeded()
    {
        var assignments = snapshot.OfType("Microsoft.Authorization/roleAssignments");

        Assert.That(assignments.Count(), Is.EqualTo(5));
    }
}
