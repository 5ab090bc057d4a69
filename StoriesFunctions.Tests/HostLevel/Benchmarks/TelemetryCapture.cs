using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// An Application Insights ingestion endpoint on 127.0.0.1 that accepts everything and keeps what it was sent: the
/// host's and the worker's real telemetry, as their channels send it (<c>POST /v2.1/track</c>, newline-delimited JSON,
/// gzip or not). <see cref="ConnectionString"/> goes into <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>. Bytes are
/// counted as Azure Monitor receives them: each item's uncompressed JSON.
/// </summary>
internal sealed class TelemetryCapture : IAsyncDisposable
{
    private readonly LocalHttpListener _listener;
    private readonly Lock _gate = new();
    private readonly List<TelemetryItem> _items = [];

    public TelemetryCapture() => _listener = new LocalHttpListener(AnswerAsync);

    public string BaseUrl => _listener.BaseUrl;

    public string ConnectionString =>
        $"InstrumentationKey=00000000-0000-0000-0000-0000000b3c12;IngestionEndpoint={BaseUrl};LiveEndpoint={BaseUrl}";

    public IReadOnlyList<TelemetryItem> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        int received = 0;
        try
        {
            if (context.Request.HttpMethod == "POST" && context.Request.Url!.AbsolutePath.Contains("/track", StringComparison.Ordinal))
            {
                Stream body = context.Request.InputStream;
                if (string.Equals(context.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
                {
                    body = new GZipStream(body, CompressionMode.Decompress);
                }

                using var reader = new StreamReader(body, Encoding.UTF8);
                var items = new List<TelemetryItem>();
                while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
                {
                    if (!string.IsNullOrWhiteSpace(line))
                    {
                        items.Add(TelemetryItem.Parse(line));
                    }
                }

                received = items.Count;
                lock (_gate)
                {
                    _items.AddRange(items);
                }
            }

            byte[] answer = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"itemsReceived":{{received}},"itemsAccepted":{{received}},"errors":[]}"""));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(answer).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or JsonException or InvalidDataException)
        {
            context.Response.Abort();
        }
    }
}

/// <summary>
/// One telemetry item as sent: its size, type, time, which SDK sent it, for requests the invocation, and its
/// <c>baseData</c> (message, properties, metrics) as sent.
/// </summary>
internal sealed record TelemetryItem(int Bytes, string BaseType, DateTimeOffset Time, string Sdk, string? Name, TimeSpan? Duration, string? LogCategory, JsonElement BaseData)
{
    /// <summary><c>baseData.properties</c>, the <c>customDimensions</c> column: empty when there are none.</summary>
    public IReadOnlyDictionary<string, string> Properties =>
        BaseData.ValueKind == JsonValueKind.Object && BaseData.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? p.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.ToString())
            : new Dictionary<string, string>();

    /// <summary><c>baseData.message</c> of a trace, the <c>message</c> column.</summary>
    public string? Message => BaseData.ValueKind == JsonValueKind.Object && BaseData.TryGetProperty("message", out var m) ? m.GetString() : null;

    /// <summary>The names of a metric item's data points, the <c>name</c> column of <c>customMetrics</c>.</summary>
    public IEnumerable<string> MetricNames => BaseData.ValueKind == JsonValueKind.Object && BaseData.TryGetProperty("metrics", out var ms)
        ? ms.EnumerateArray().Select(m => m.GetProperty("name").GetString() ?? "")
        : [];

    /// <summary>The host's items say <c>azurefunctions: 4.…</c> (its SDK version tag); everything else came from the worker.</summary>
    public bool FromHost => Sdk.StartsWith("azurefunctions:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The SDK tag without its version, e.g. <c>azurefunctions</c>.</summary>
    public string SdkName => Sdk.Split(':')[0];

    /// <summary>The union of the invocations' [start, start + duration] intervals: time with at least one execution running.</summary>
    public static double ActiveSeconds(IEnumerable<TelemetryItem> invocations)
    {
        double total = 0;
        DateTimeOffset? start = null, end = null;
        foreach (var item in invocations.OrderBy(i => i.Time))
        {
            var itemEnd = item.Time + item.Duration!.Value;
            if (end is null || item.Time > end)
            {
                total += end is null ? 0 : (end.Value - start!.Value).TotalSeconds;
                (start, end) = (item.Time, itemEnd);
            }
            else if (itemEnd > end)
            {
                end = itemEnd;
            }
        }

        return total + (end is null ? 0 : (end.Value - start!.Value).TotalSeconds);
    }

    public static TelemetryItem Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var data = root.TryGetProperty("data", out var d) ? d : default;
        string baseType = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("baseType", out var t) ? t.GetString() ?? "?" : "?";
        var baseData = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("baseData", out var b) ? b : default;
        string sdk = root.TryGetProperty("tags", out var tags) && tags.TryGetProperty("ai.internal.sdkVersion", out var v) ? v.GetString() ?? "" : "";
        string? name = baseData.ValueKind == JsonValueKind.Object && baseData.TryGetProperty("name", out var n) ? n.GetString() : null;
        TimeSpan? duration = baseData.ValueKind == JsonValueKind.Object && baseData.TryGetProperty("duration", out var du)
            && TimeSpan.TryParse(du.GetString(), CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        string? category = baseData.ValueKind == JsonValueKind.Object && baseData.TryGetProperty("properties", out var p)
            && (p.TryGetProperty("Category", out var c) || p.TryGetProperty("CategoryName", out c)) ? c.GetString() : null;
        return new TelemetryItem(
            Encoding.UTF8.GetByteCount(line),
            baseType,
            root.TryGetProperty("time", out var time) ? time.GetDateTimeOffset() : DateTimeOffset.MinValue,
            sdk,
            name,
            duration,
            category,
            baseData.ValueKind == JsonValueKind.Object ? baseData.Clone() : default);
    }
}
