using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>The Flex Consumption plan and function app as main.bicepparam would deploy them.</summary>
[TestFixture]
public sealed class FunctionAppResourceTests
{
    private DeploymentSnapshot snapshot = null!;
    private JsonObject site = null!;

    [OneTimeSetUp]
    public async Task LoadSnapshotAsync()
    {
        snapshot = await DeploymentSnapshot.SharedAsync();
        site = snapshot.Single("Microsoft.Web/sites");
    }

    private string IdentityId => snapshot.ResourceId("Microsoft.ManagedIdentity/userAssignedIdentities");

    [Test]
    public void Plan_Sku_IsFlexConsumptionOnLinux()
    {
        var plan = snapshot.Single("Microsoft.Web/serverfarms");

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)plan["sku"]!["name"], Is.EqualTo("FC1"));
            Assert.That((string?)plan["sku"]!["tier"], Is.EqualTo("FlexConsumption"));
            Assert.That((bool?)plan["properties"]!["reserved"], Is.True);
            Assert.That((string?)site["kind"], Is.EqualTo("functionapp,linux"));
            Assert.That((string?)site["properties"]!["serverFarmId"], Is.EqualTo((string?)plan["id"]));
        }
    }

    [Test]
    public void Site_Transport_IsHttpsOnlyWithTls12AndNoFtp()
    {
        var properties = site["properties"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((bool?)properties["httpsOnly"], Is.True);
            Assert.That((string?)properties["siteConfig"]!["minTlsVersion"], Is.EqualTo("1.2"));
            Assert.That((string?)properties["siteConfig"]!["ftpsState"], Is.EqualTo("Disabled"));
        }
    }

    [TestCase("ftp")]
    [TestCase("scm")]
    public void BasicPublishingCredentials_Policy_Disallows(string policy)
    {
        var resource = snapshot.Single("Microsoft.Web/sites/basicPublishingCredentialsPolicies", $"/{policy}");

        Assert.That((bool?)resource["properties"]!["allow"], Is.False);
    }

    [Test]
    public void Runtime_Worker_IsDotnetIsolated10()
    {
        var runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)runtime["name"], Is.EqualTo("dotnet-isolated"));
            Assert.That((string?)runtime["version"], Is.EqualTo("10.0"));
        }
    }

    [TestCase("FUNCTIONS_WORKER_RUNTIME")]
    [TestCase("FUNCTIONS_EXTENSION_VERSION")]
    [TestCase("WEBSITE_RUN_FROM_PACKAGE")]
    public void Settings_FlexConsumptionRejected_AreAbsent(string name)
    {
        // Flex Consumption takes the runtime from functionAppConfig and refuses these settings.
        Assert.That(snapshot.AppSettings.ContainsKey(name), Is.False);
    }

    [Test]
    public void Scale_Defaults_BoundInstancesAndMemory()
    {
        var scale = site["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int?)scale["maximumInstanceCount"], Is.EqualTo(40));
            Assert.That((int?)scale["instanceMemoryMB"], Is.EqualTo(2048));
        }
    }

    [Test]
    public void DeploymentStorage_Authentication_IsTheUserAssignedIdentity()
    {
        var storage = site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!;
        string accountName = (string)snapshot.Single("Microsoft.Storage/storageAccounts")["name"]!;
        string containerName = ((string)snapshot.Single("Microsoft.Storage/storageAccounts/blobServices/containers")["name"]!)
            .Split('/')[^1];

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)storage["type"], Is.EqualTo("blobContainer"));
            Assert.That((string?)storage["value"], Does.Contain($"'{accountName}'").And.Contain($"'{containerName}'"));
            Assert.That((string?)storage["authentication"]!["type"], Is.EqualTo("UserAssignedIdentity"));
            Assert.That((string?)storage["authentication"]!["userAssignedIdentityResourceId"], Is.EqualTo(IdentityId));
        }
    }

    [Test]
    public void Identity_KeyVaultReferences_ResolveWithTheUserAssignedIdentity()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)site["identity"]!["type"], Is.EqualTo("UserAssigned"));
            Assert.That(site["identity"]!["userAssignedIdentities"]!.AsObject().Select(pair => pair.Key), Is.EqualTo(new[] { IdentityId }));
            Assert.That((string?)site["properties"]!["keyVaultReferenceIdentity"], Is.EqualTo(IdentityId));
        }
    }

    [Test]
    public void Tags_AzdServiceName_IsStoriesFunctions()
    {
        Assert.That((string?)site["tags"]!["azd-service-name"], Is.EqualTo("StoriesFunctions"));
    }

    [Test]
    public void Outputs_IngestUrl_IsTheSegmentFunctionOnTheDefaultHost()
    {
        string? url = (string?)snapshot.Outputs["SEGMENT_WEBHOOK_URL"];
        string siteId = (string)site["id"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(url, Does.StartWith("[format('https://{0}/api/segment'").And.Contain($"reference('{siteId}'"));
            Assert.That(url, Does.EndWith(".defaultHostName)]"));
            Assert.That((string?)snapshot.Outputs["FUNCTION_APP_NAME"], Is.EqualTo((string?)site["name"]));
        }
    }
}
