using Microsoft.Extensions.Configuration;

namespace StoriesFunctions.Tests;

public class UnresolvedSettingsCheckTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Test]
    public void StartAsync_UnresolvedKeyVaultReference_RefusesNamingTheSetting()
    {
        var settings = Settings(
            ("Stories:ApiKey", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/stories-api-key/)"),
            ("Segment:SharedSecret", "resolved-secret"));

        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => new UnresolvedSettingsCheck(settings).StartAsync(CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain("Stories__ApiKey"));
            Assert.That(refused.Message, Does.Not.Contain("Segment__SharedSecret").And.Not.Contain("resolved-secret"));
        });
    }

    [Test]
    public void StartAsync_ResolvedSettings_Starts() =>
        Assert.DoesNotThrowAsync(() => new UnresolvedSettingsCheck(Settings(("Stories:ApiKey", "sk-live-123"))).StartAsync(CancellationToken.None));
}
