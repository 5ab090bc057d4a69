using System.Text.Json.Nodes;
using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>The storage account reachable only with Entra ID, and the delivery queues.</summary>
[TestFixture]
public sealed class StorageResourceTests
{
    private DeploymentSnapshot snapshot = null!;
    private JsonNode account = null!;

    [OneTimeSetUp]
    public async Task LoadSnapshotAsync()
    {
        snapshot = await DeploymentSnapshot.SharedAsync();
        account = snapshot.Single("Microsoft.Storage/storageAccounts")["properties"]!;
    }

    [Test]
    public void Account_Access_NeedsEntraIdOverTls12()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((bool?)account["allowSharedKeyAccess"], Is.False);
            Assert.That((bool?)account["allowBlobPublicAccess"], Is.False);
            Assert.That((bool?)account["supportsHttpsTrafficOnly"], Is.True);
            Assert.That((string?)account["minimumTlsVersion"], Is.EqualTo("TLS1_2"));
        }
    }

    [TestCase("segment-events")]
    [TestCase("segment-events-poison")]
    [TestCase("segment-events-poison-poison")]
    [TestCase("deadletter-jobs")]
    [TestCase("deadletter-jobs-poison")]
    [TestCase("erasure-jobs")]
    [TestCase("erasure-jobs-poison")]
    public void Queue_Declared_Exists(string queue)
    {
        var queues = snapshot.OfType("Microsoft.Storage/storageAccounts/queueServices/queues")
            .Select(resource => ((string)resource["name"]!).Split('/')[^1]);

        Assert.That(queues, Does.Contain(queue));
    }

    [Test]
    public void DeploymentContainer_PublicAccess_IsNone()
    {
        var container = snapshot.Single("Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.That((string?)container["properties"]!["publicAccess"], Is.EqualTo("None"));
    }

    [Test]
    public void Tables_NoneDeclared_TheAppCreatesAndDropsItsOwn()
    {
        var tables = snapshot.OfType("Microsoft.Storage/storageAccounts/tableServices/tables");

        Assert.That(tables, Is.Empty);
    }
}
