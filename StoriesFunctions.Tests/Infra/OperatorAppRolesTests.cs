using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>
/// The app role operators need, as <c>az ad app create --app-roles @infra/operator-app-roles.json</c> declares it (Bicep
/// cannot create an app registration without the Microsoft Graph extension), and the role the deployed app checks.
/// </summary>
[TestFixture]
public sealed class OperatorAppRolesTests
{
    [Test]
    public async Task AppRoles_OperatorRole_IsDeclaredForUsersAndApplicationsAndChecked()
    {
        var roles = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Infra, "operator-app-roles.json")))!.AsArray();
        var deployed = (string?)(await DeploymentSnapshot.SharedAsync()).AppSettings["Operators__Role"];

        var role = roles.Single(r => (string?)r!["value"] == deployed)!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deployed, Is.EqualTo("Operator"));
            Assert.That(role["allowedMemberTypes"]!.AsArray().Select(t => (string?)t), Is.EquivalentTo(new[] { "User", "Application" }));
            Assert.That((bool?)role["isEnabled"], Is.True);
        }
    }
}
