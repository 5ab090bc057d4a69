using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>
/// The function app's settings on either hosting plan: identity-based storage, Key Vault references, tunables with
/// their defaults. What the app reads must not depend on the plan.
/// </summary>
[TestFixture("flex")]
[TestFixture("consumption")]
public sealed class AppSettingsTests(string hostingPlan)
{
    private DeploymentSnapshot snapshot = null!;
    private JsonObject settings = null!;

    [OneTimeSetUp]
    public async Task LoadSnapshotAsync()
    {
        snapshot = hostingPlan == "flex" ? await DeploymentSnapshot.SharedAsync() : await DeploymentSnapshot.ConsumptionAsync();
        settings = snapshot.AppSettings;
    }

    private string IdentityClientId =>
        $"reference('{snapshot.ResourceId("Microsoft.ManagedIdentity/userAssignedIdentities")}', '2024-11-30').clientId";

    private string StorageAccountName => (string)snapshot.Single("Microsoft.Storage/storageAccounts")["name"]!;

    private string Setting(string name) =>
        (string?)settings[name] ?? throw new AssertionException($"App setting {name} is missing.");

    [Test]
    public void Storage_Credential_IsTheUserAssignedIdentity()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Setting("AzureWebJobsStorage__credential"), Is.EqualTo("managedidentity"));
            Assert.That(Setting("AzureWebJobsStorage__clientId"), Is.EqualTo($"[{IdentityClientId}]"));
            Assert.That(settings.ContainsKey("AzureWebJobsStorage"), Is.False, "a connection string would carry a key");
        }
    }

    [TestCase("AzureWebJobsStorage__blobServiceUri", "blob")]
    [TestCase("AzureWebJobsStorage__queueServiceUri", "queue")]
    [TestCase("AzureWebJobsStorage__tableServiceUri", "table")]
    public void Storage_ServiceUri_PointsAtTheAccount(string name, string service)
    {
        Assert.That(Setting(name), Is.EqualTo(
            $"[format('https://{{0}}.{service}.{{1}}', '{StorageAccountName}', environment().suffixes.storage)]"));
    }

    [Test]
    public void Settings_AnyValue_HoldsNoStorageKey()
    {
        var values = settings.Select(pair => (string?)pair.Value);

        Assert.That(values, Has.None.Contain("AccountKey=").And.None.Contain("listKeys").IgnoreCase);
    }

    [TestCase("Stories__ApiKey", "Stories--ApiKey")]
    [TestCase("Segment__SharedSecret", "Segment--SharedSecret")]
    [TestCase("Erasure__HashKey", "Erasure--HashKey")]
    public void Secret_Setting_IsAKeyVaultReference(string name, string secret)
    {
        string vaultName = (string)snapshot.Single("Microsoft.KeyVault/vaults")["name"]!;

        Assert.That(Setting(name), Is.EqualTo(
            "[format('@Microsoft.KeyVault(SecretUri={0})', format('{0}/secrets/{1}', "
            + $"format('https://{{0}}{{1}}', '{vaultName}', environment().suffixes.keyvaultDns), '{secret}'))]"));
    }

    [Test]
    public void Telemetry_Authentication_IsEntraWithTheIdentity()
    {
        string insightsId = snapshot.ResourceId("Microsoft.Insights/components");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Setting("APPLICATIONINSIGHTS_CONNECTION_STRING"), Is.EqualTo($"[reference('{insightsId}', '2020-02-02').ConnectionString]"));
            Assert.That(Setting("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"), Is.EqualTo(
                $"[format('ClientId={{0}};Authorization=AAD', {IdentityClientId})]"));
        }
    }

    [TestCase("Stories__BaseUrl", "https://api.getstories.io/v1/")]
    [TestCase("Stories__SyncUsers", "true")]
    [TestCase("Stories__EventDataFormat", "object")]
    [TestCase("Stories__RateLimit", "")]
    [TestCase("DeadLetters__RetentionDays", "0")]
    [TestCase("DeadLetters__JobPieceSize", "200")]
    [TestCase("Telemetry__EventTraces", "false")]
    [TestCase("Stories__AttemptTimeout", "00:00:10")]
    [TestCase("Stories__QuickRetries", "2")]
    [TestCase("Stories__QuickRetryDelay", "00:00:01")]
    [TestCase("Delivery__InvocationBudget", "00:02:00")]
    [TestCase("Segment__MaxBodyBytes", "8388608")]
    [TestCase("Segment__SignatureScope", "either")]
    [TestCase("Delivery__InitialRetryDelay", "00:00:30")]
    [TestCase("Delivery__MaxRetryDelay", "01:00:00")]
    [TestCase("Delivery__MaxAttempts", "10")]
    [TestCase("Delivery__DedupeRetention", "7.00:00:00")]
    public void Tunable_Default_IsTheDocumentedValue(string name, string expected)
    {
        Assert.That(Setting(name), Is.EqualTo(expected));
    }

    [Test]
    public void QueuePolling_OverridesHostJsonOnlyWhenSet()
    {
        // The Flex snapshot keeps the parameter's default (host.json's minute); the Consumption one sets it.
        const string Name = "AzureFunctionsJobHost__extensions__queues__maxPollingInterval";
        Assert.That((string?)settings[Name], Is.EqualTo(hostingPlan == "flex" ? null : DeploymentSnapshot.ConsumptionQueuePolling));
    }

    /// <summary>Operators read local.settings.sample.json, the README and infra/ as one: every setting must agree.</summary>
    [Test]
    public void EverySampleSetting_IsDeployedWithTheSameDefault()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "local.settings.sample.json")))!["Values"]!.AsObject();
        // Local-only, or deployed differently: secrets come from Key Vault (the second one only while rotating), and
        // only local runs accept unsigned webhook calls.
        var local = new[]
        {
            "FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage", "Stories__ApiKey", "Segment__SharedSecret", "Segment__SecondSharedSecret", "Erasure__HashKey",
            "Segment__AllowUnsignedCalls", "Operators__LocalDevelopment", "Operators__TenantId", "Operators__ClientId",
        };

        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, value) in sample.Where(s => !local.Contains(s.Key)))
            {
                Assert.That(Setting(name), Is.EqualTo((string?)value), name);
            }
        }
    }

    [Test]
    public void Operators_SignIn_IsRequiredWithTheDeploymentsTenant()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Setting("Operators__LocalDevelopment"), Is.EqualTo("false"));
            Assert.That(Setting("Operators__TenantId"), Is.EqualTo(DeploymentSnapshot.TenantId));
            Assert.That(Setting("Operators__ClientId"), Is.Empty, "until the app registration's id is given, nobody is let in");
            Assert.That(Setting("Operators__Role"), Is.EqualTo("Operator"));
        }
    }

    [Test]
    public void Webhook_UnsignedCalls_AreRefused()
    {
        Assert.That(Setting("Segment__AllowUnsignedCalls"), Is.EqualTo("false"));
    }

}
