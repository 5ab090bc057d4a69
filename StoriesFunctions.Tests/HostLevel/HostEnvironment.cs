namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// The environment of a host under test: this process's environment without anything the host or the app would read
/// as a setting, then exactly the settings the test gives. A developer's own AzureWebJobsStorage or Stories__ApiKey
/// must not decide what a test sees.
/// </summary>
internal static class HostEnvironment
{
    private static readonly string[] SettingPrefixes =
    [
        "AzureWebJobs", "AzureFunctionsJobHost", "AzureFunctionsWebHost", "FUNCTIONS_", "AZURE_FUNCTIONS_", "WEBSITE_",
        "APPLICATIONINSIGHTS_", "APPINSIGHTS_", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "Stories__", "Segment__", "Delivery__", "Erasure__", "Operators__",

        // Makes the host believe it runs in a Linux consumption container.
        "CONTAINER_NAME",

        // One instance's state folder must never be another's.
        "REALHOST_STATE",
    ];

    // Where a from-source func finds its host: tooling, not a setting of the app.
    private static readonly string[] Tooling = ["FUNCTIONS_HOST_HOME"];

    /// <summary>Removes inherited settings from <paramref name="target"/>, then applies <paramref name="settings"/> (null removes).</summary>
    public static void Apply(IDictionary<string, string?> target, IReadOnlyDictionary<string, string?> settings)
    {
        foreach (string name in target.Keys.Where(IsSetting).ToList())
        {
            target.Remove(name);
        }

        foreach (var (name, value) in settings)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else
            {
                target[name] = value;
            }
        }
    }

    private static bool IsSetting(string name) =>
        !Tooling.Contains(name, StringComparer.OrdinalIgnoreCase)
        && SettingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
