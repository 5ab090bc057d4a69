namespace StoriesFunctions.Tests.Support;

/// <summary>
/// A scripted answer of <see cref="StoriesStandIn"/>: a status with an optional body and headers, a late
/// answer, or a dropped connection; optionally only for requests to one path.
/// </summary>
public sealed record StoriesReply
{
    private StoriesReply()
    {
    }

    /// <summary>Status code to answer with; null means the stand-in's default answer for the request.</summary>
    public int? StatusCode { get; private init; }

    /// <summary>Response body (JSON when it starts with '{' or '['); null for none.</summary>
    public string? Body { get; private init; }

    /// <summary>Extra response headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; private init; } = new Dictionary<string, string>();

    /// <summary>How long to wait before answering (or dropping).</summary>
    public TimeSpan Latency { get; private init; }

    /// <summary>True to close the connection without any response.</summary>
    public bool Drops { get; private init; }

    /// <summary>Only requests to this path (e.g. <c>/v1/users</c>) match; null matches every request.</summary>
    public string? Path { get; private init; }

    /// <summary>Answers with <paramref name="statusCode"/> and an optional body.</summary>
    public static StoriesReply Status(int statusCode, string? body = null) =>
        new() { StatusCode = statusCode, Body = body };

    /// <summary>Gives the default answer, but only after <paramref name="latency"/>: for client time-outs.</summary>
    public static StoriesReply Delay(TimeSpan latency) => new() { Latency = latency };

    /// <summary>Closes the connection without sending a response.</summary>
    public static StoriesReply Drop() => new() { Drops = true };

    /// <summary>Adds a response header, e.g. <c>Retry-After</c>.</summary>
    public StoriesReply WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value } };

    /// <summary>Waits <paramref name="latency"/> before answering as this reply says.</summary>
    public StoriesReply After(TimeSpan latency) => this with { Latency = latency };

    /// <summary>Restricts this reply to requests whose path is <paramref name="path"/>.</summary>
    public StoriesReply ForPath(string path) => this with { Path = path };

    internal bool Matches(string requestPath) =>
        Path is null || string.Equals(Path.TrimEnd('/'), requestPath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
