using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>
/// The Windows Consumption plan and function app, as main.bicepparam deploys them with HOSTING_PLAN=consumption:
/// the same app, settings and roles as on Flex, no key anywhere, the package fetched with the identity.
/// </summary>
[TestFixture]
public sealed class ConsumptionPlanResourceTests
{
    // Read by the platform on this plan only; Flex takes the runtime from functionAppConfig and refuses them.
    private static readonly string[] PlatformSettings =
    [
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_WORKER_RUNTIME",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
        "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED",
    ];

    private DeploymentSnapshot flex = null!;
    private DeploymentSnapshot snapshot = null!;
    private JsonObject site = null!;
    private JsonObject settings = null!;

    [OneTimeSetUp]
    public async Task LoadSnapshotsAsync()
    {
        flex = await DeploymentSnapshot.SharedAsync();
        snapshot = await DeploymentSnapshot.ConsumptionAsync();
        site = snapshot.Single("Microsoft.Web/sites");
        settings = snapshot.AppSettings;
    }

    private string IdentityId => snapshot.ResourceId("Microsoft.ManagedIdentity/userAssignedIdentities");

    private string Setting(string name) =>
        (string?)settings[name] ?? throw new AssertionException($"App setting {name} is missing.");

    [Test]
    public void Plan_Sku_IsDynamicY1OnWindows()
    {
        var plan = snapshot.Single("Microsoft.Web/serverfarms");

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)plan["sku"]!["name"], Is.EqualTo("Y1"));
            Assert.That((string?)plan["sku"]!["tier"], Is.EqualTo("Dynamic"));
            Assert.That((bool?)plan["properties"]!["reserved"], Is.False, "reserved means Linux");
            Assert.That((string?)site["kind"], Is.EqualTo("functionapp"));
            Assert.That((string?)site["properties"]!["serverFarmId"], Is.EqualTo((string?)plan["id"]));
            Assert.That(site["properties"]!.AsObject().ContainsKey("functionAppConfig"), Is.False, "a Flex-only property");
        }
    }

    [Test]
    public void Runtime_Site_IsDotnetIsolated10In64Bit()
    {
        var config = site["properties"]!["siteConfig"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)config["netFrameworkVersion"], Is.EqualTo("v10.0"));
            Assert.That((bool?)config["use32BitWorkerProcess"], Is.False, "placeholders need a 64-bit worker");
            Assert.That(Setting("FUNCTIONS_WORKER_RUNTIME"), Is.EqualTo("dotnet-isolated"));
            Assert.That(Setting("FUNCTIONS_EXTENSION_VERSION"), Is.EqualTo("~4"));
            Assert.That(Setting("WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED"), Is.EqualTo("1"));
        }
    }

    [Test]
    public void Package_RunsFromTheDeploymentContainer_WithTheIdentity()
    {
        string accountName = (string)snapshot.Single("Microsoft.Storage/storageAccounts")["name"]!;
        string containerName = ((string)snapshot.Single("Microsoft.Storage/storageAccounts/blobServices/containers")["name"]!)
            .Split('/')[^1];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Setting("WEBSITE_RUN_FROM_PACKAGE"), Is.EqualTo(
                $"[format('https://{{0}}.blob.{{1}}/{{2}}/StoriesFunctions.zip', '{accountName}', environment().suffixes.storage, '{containerName}')]"));
            Assert.That(Setting("WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID"), Is.EqualTo(IdentityId));
        }
    }

    [TestCase("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [TestCase("WEBSITE_CONTENTSHARE")]
    [TestCase("AzureWebJobsStorage")]
    public void Settings_KeyedStorage_AreAbsent(string name)
    {
        // Azure Files takes no managed identity: a content share would put an account key in the settings.
        Assert.That(settings.ContainsKey(name), Is.False);
    }

    [Test]
    public void Storage_SharedKeys_StayOff()
    {
        var account = snapshot.Single("Microsoft.Storage/storageAccounts")["properties"]!;

        Assert.That((bool?)account["allowSharedKeyAccess"], Is.False);
    }

    [TestCase("AccountKey=")]
    [TestCase("listKeys")]
    [TestCase("stories-key-4f1c9e")]
    [TestCase("segment-secret-7b2d0a")]
    public void Snapshot_KeyOrSecret_NeverAppears(string value)
    {
        Assert.That(snapshot.Text, Does.Not.Contain(value).IgnoreCase);
    }

    /// <summary>Everything but the platform's own settings is what Flex deploys, name for name and value for value.</summary>
    [Test]
    public void Settings_TheAppReads_AreTheFlexSettings()
    {
        // Less the polling lever, which only the Consumption snapshot sets (DeploymentSnapshot.ConsumptionQueuePolling).
        var read = settings.Where(pair => !PlatformSettings.Contains(pair.Key) && pair.Key != "AzureFunctionsJobHost__extensions__queues__maxPollingInterval")
            .ToDictionary(pair => pair.Key, pair => pair.Value?.ToJsonString());
        var flexSettings = flex.AppSettings.ToDictionary(pair => pair.Key, pair => pair.Value?.ToJsonString());

        Assert.That(read, Is.EquivalentTo(flexSettings));
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
    public void Roles_Granted_AreTheFlexRoles()
    {
        // Storage Blob Data Owner on the account covers reading the package blob.
        static IEnumerable<string?> Roles(DeploymentSnapshot deployment) =>
            deployment.OfType("Microsoft.Authorization/roleAssignments").Select(role => (string?)role["name"]);

        Assert.That(Roles(snapshot), Is.EquivalentTo(Roles(flex)));
    }

    [Test]
    public void Scale_Limit_IsMaximumInstanceCount()
    {
        Assert.That((int?)site["properties"]!["siteConfig"]!["functionAppScaleLimit"], Is.EqualTo(40));
    }

    [Test]
    public void Site_Transport_IsHttpsOnlyWithTls12AndNoBasicPublishing()
    {
        var properties = site["properties"]!;
        var policies = snapshot.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((bool?)properties["httpsOnly"], Is.True);
            Assert.That((string?)properties["siteConfig"]!["minTlsVersion"], Is.EqualTo("1.2"));
            Assert.That((string?)properties["siteConfig"]!["ftpsState"], Is.EqualTo("Disabled"));
            Assert.That(policies.Select(policy => ((string)policy["name"]!).Split('/')[^1]), Is.EquivalentTo(new[] { "ftp", "scm" }));
            Assert.That(policies.Select(policy => (bool?)policy["properties"]!["allow"]), Is.All.False);
        }
    }

    [Test]
    public void Outputs_AppAndIngestUrl_AreThoseOfFlex()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)snapshot.Outputs["FUNCTION_APP_NAME"], Is.EqualTo((string?)site["name"]));
            Assert.That((string?)snapshot.Outputs["SEGMENT_WEBHOOK_URL"], Is.EqualTo((string?)flex.Outputs["SEGMENT_WEBHOOK_URL"]));
            Assert.That((string?)site["tags"]!["azd-service-name"], Is.EqualTo("StoriesFunctions"));
        }
    }
}
