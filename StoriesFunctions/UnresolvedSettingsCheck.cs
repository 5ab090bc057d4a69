using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace StoriesFunctions;

/// <summary>
/// Refuses to start while any setting still holds a Key Vault reference's own text. App Service resolves
/// <c>@Microsoft.KeyVault(...)</c> before the app sees it; when it cannot (no role on the vault, a wrong secret name),
/// the app gets the literal text, and would send it to Stories as the key: every event refused. Better a start-up
/// failure that names the setting.
/// </summary>
internal sealed class UnresolvedSettingsCheck(IConfiguration configuration) : IHostedService
{
    private const string KeyVaultReference = "@Microsoft.KeyVault(";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var unresolved = Find(configuration);
        if (unresolved.Count > 0)
        {
            throw new InvalidOperationException(
                $"These settings hold a Key Vault reference that was not resolved: {string.Join(", ", unresolved)}. "
                + "Give the app's identity the 'Key Vault Secrets User' role on the vault and check the secret's name; "
                + "the app's Configuration blade in the portal shows each reference's status.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The settings, named as app settings are (<c>Stories__ApiKey</c>), whose value is an unresolved reference.</summary>
    internal static List<string> Find(IConfiguration configuration) =>
        configuration.AsEnumerable()
            .Where(setting => setting.Value?.TrimStart().StartsWith(KeyVaultReference, StringComparison.OrdinalIgnoreCase) == true)
            .Select(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
}
