using System.Text.Encodings.Web;
using System.Text.Json;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// What one tenant's traffic made the app do under the real host, as the billing model reads it
/// (<c>docs/costs/recordings/&lt;tenant&gt;.json</c>, docs/costs/recording.md): every invocation that started in the
/// recorded span, the storage requests and telemetry bytes of that span, and <see cref="Scale"/>, which turns the span's
/// traffic into one month of the tenant's.
/// </summary>
internal sealed record TenantRecording(
    string Tenant,
    string Description,
    string Compression,
    DateTime RecordedAt,
    TimeSpan RecordedSpan,
    double Scale,
    int Events,
    int WebhookCalls,
    IReadOnlyList<RecordedInvocation> Invocations,
    StorageOperations Storage,
    long TelemetryBytes,
    int PeakMemoryMiB)
{
    // camelCase; DateTime in UTC is written with a Z, TimeSpan as 00:06:00; ÷ and ' as themselves, for people reading it.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <c>&lt;tenant&gt;.json</c> into <paramref name="directory"/> and returns its path.</summary>
    public string WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, Tenant + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + Environment.NewLine);
        return path;
    }
}

/// <summary>One execution: which function, its trigger, on which instance, when it started (UTC) and how long it ran.</summary>
internal sealed record RecordedInvocation(string Function, string Trigger, string Instance, DateTime Start, TimeSpan Duration);

/// <summary>Storage requests of the span by meter: every queue request, every table request, every blob request.</summary>
internal sealed record StorageOperations(int QueueClass2, int TableTransactions, int BlobTransactions)
{
    public static StorageOperations Count(IEnumerable<StorageRequest> requests)
    {
        var list = requests.ToList();
        return new StorageOperations(
            list.Count(r => r.Service == StorageService.Queue),
            list.Count(r => r.Service == StorageService.Table),
            list.Count(r => r.Service == StorageService.Blob));
    }
}
