using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace StoriesFunctions.Storage;

/// <summary>
/// Storage clients for the app's own queue writes and tables, from the same <c>AzureWebJobsStorage</c> connection the
/// host uses: a connection string locally (Azurite), or identity-based settings in Azure
/// (<c>AzureWebJobsStorage__queueServiceUri</c>, <c>__tableServiceUri</c>, <c>__credential</c>, <c>__clientId</c>).
/// </summary>
public static class StorageClients
{
    public const string ConnectionName = "AzureWebJobsStorage";

    public static QueueServiceClient CreateQueueService(IConfiguration configuration)
    {
        // The Functions queue extension reads and writes base64: plain text here would send messages to poison.
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        FailFast(options);
        var section = configuration.GetSection(ConnectionName);
        return section.Value is { Length: > 0 } connectionString
            ? new QueueServiceClient(connectionString, options)
            : new QueueServiceClient(ServiceUri(section, "queue"), Credential(section), options);
    }

    public static TableServiceClient CreateTableService(IConfiguration configuration)
    {
        var section = configuration.GetSection(ConnectionName);
        var options = new TableClientOptions();
        FailFast(options);
        return section.Value is { Length: > 0 } connectionString
            ? new TableServiceClient(connectionString, options)
            : new TableServiceClient(ServiceUri(section, "table"), Credential(section), options);
    }

    /// <summary>
    /// Segment waits about 5 s for the webhook: a few quick tries beat the SDK's default back-off of several seconds.
    /// Longer outages are what our queue retries and Segment's own retries are for.
    /// </summary>
    private static void FailFast(ClientOptions options)
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }

    private static Uri ServiceUri(IConfigurationSection section, string service)
    {
        if (section[$"{service}ServiceUri"] is { Length: > 0 } uri)
        {
            return new Uri(uri);
        }

        if (section["accountName"] is { Length: > 0 } account)
        {
            return new Uri($"https://{account}.{service}.core.windows.net");
        }

        throw new InvalidOperationException(
            $"Set {ConnectionName} to a connection string, or {ConnectionName}__{service}ServiceUri (or __accountName) for identity-based access.");
    }

    private static TokenCredential Credential(IConfigurationSection section) =>
        string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(section["clientId"] is { Length: > 0 } clientId
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
}
