using System.Text.Json;

namespace StoriesFunctions.Storage;

/// <summary>
/// What the host's queue listener is told in <c>host.json</c> (<c>extensions.queues</c>), read from the app folder where
/// the host reads it too: the worker needs <c>maxDequeueCount</c> to say why the host moved a message.
/// </summary>
public static class HostQueueSettings
{
    /// <summary>The host's default when host.json does not set it.</summary>
    public const int DefaultMaxDequeueCount = 5;

    /// <summary>An app setting that overrides host.json, as the host reads it (<c>AzureFunctionsJobHost__</c> + the JSON path).</summary>
    internal const string OverrideSetting = "AzureFunctionsJobHost__extensions__queues__maxDequeueCount";

    private static readonly Lazy<int> Cached = new(() =>
        int.TryParse(Environment.GetEnvironmentVariable(OverrideSetting), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var set) && set > 0
            ? set
            : ReadMaxDequeueCount(Path.Combine(AppContext.BaseDirectory, "host.json")));

    public static int MaxDequeueCount => Cached.Value;

    internal static int ReadMaxDequeueCount(string hostJsonPath)
    {
        try
        {
            using var stream = File.OpenRead(hostJsonPath);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.TryGetProperty("extensions", out var extensions)
                && extensions.TryGetProperty("queues", out var queues)
                && queues.TryGetProperty("maxDequeueCount", out var count)
                && count.TryGetInt32(out var value) && value > 0
                ? value
                : DefaultMaxDequeueCount;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return DefaultMaxDequeueCount;
        }
    }
}
