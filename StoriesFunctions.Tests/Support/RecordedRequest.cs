using System.Text.Json;

namespace StoriesFunctions.Tests.Support;

/// <summary>A request as <see cref="StoriesStandIn"/> received it.</summary>
public sealed class RecordedRequest
{
    private readonly Lazy<JsonElement> json;

    internal RecordedRequest(string method, string path, string query, IReadOnlyDictionary<string, string> headers, string body)
    {
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        Body = body;
        ReceivedAt = DateTimeOffset.UtcNow;
        json = new Lazy<JsonElement>(() => JsonSerializer.Deserialize<JsonElement>(Body));
    }

    /// <summary>HTTP method, upper case (e.g. <c>POST</c>).</summary>
    public string Method { get; }

    /// <summary>Path without the query, e.g. <c>/v1/events</c>.</summary>
    public string Path { get; }

    /// <summary>Query string including the leading '?', or empty.</summary>
    public string Query { get; }

    /// <summary>Request headers, looked up case-insensitively; repeated headers are joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body decoded as UTF-8 (empty when there was none).</summary>
    public string Body { get; }

    /// <summary>The body parsed as JSON on first use; throws <see cref="JsonException"/> if it is not JSON.</summary>
    public JsonElement Json => json.Value;

    /// <summary>When the request arrived.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The status the stand-in answered with; null while unanswered, or when it dropped the connection.</summary>
    public int? StatusCode { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path}{Query}";
}
