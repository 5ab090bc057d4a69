using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>The vault holding the two secrets, readable through RBAC only.</summary>
[TestFixture]
public sealed class KeyVaultResourceTests
{
    private DeploymentSnapshot snapshot = null!;

    [OneTimeSetUp]
    public async Task LoadSnapshotAsync() => snapshot = await DeploymentSnapshot.SharedAsync();

    [Test]
    public void Vault_Authorization_IsRbacWithSoftDelete()
    {
        var vault = snapshot.Single("Microsoft.KeyVault/vaults")["properties"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((bool?)vault["enableRbacAuthorization"], Is.True);
            Assert.That((bool?)vault["enableSoftDelete"], Is.True);
            Assert.That((string?)vault["tenantId"], Is.EqualTo(DeploymentSnapshot.TenantId));
        }
    }

    [TestCase("Stories--ApiKey", "storiesApiKey")]
    [TestCase("Segment--SharedSecret", "segmentSharedSecret")]
    [TestCase("Erasure--HashKey", "erasureHashKey")]
    public void Secret_Value_ComesFromItsSecureParameter(string secret, string parameter)
    {
        var resource = snapshot.Single("Microsoft.KeyVault/vaults/secrets", $"/{secret}");

        Assert.That((string?)resource["properties"]!["value"], Is.EqualTo($"[parameters('{parameter}')]"));
    }

    [TestCase("STORIES_API_KEY")]
    [TestCase("SEGMENT_SHARED_SECRET")]
    [TestCase("ERASURE_HASH_KEY")]
    public void Snapshot_SecretValue_NeverAppears(string variable)
    {
        string value = DeploymentSnapshot.Environment[variable];

        Assert.That(snapshot.Text, Does.Not.Contain(value));
    }
}
