using System.Net;
using System.Text;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP collector on 127.0.0.1 that accepts everything and keeps each request's body as sent
/// (protobuf, <c>POST /v1/logs</c>, <c>/v1/metrics</c>, <c>/v1/traces</c>): the bytes an OTLP backend receives.
/// </summary>
internal sealed class OtlpCapture : IAsyncDisposable
{
    private readonly LocalHttpListener _listener;
    private readonly Lock _gate = new();
    private readonly List<(string Path, byte[] Body)> _requests = [];

    public OtlpCapture()
    {
        _listener = new LocalHttpListener(AnswerAsync);
        BaseUrl = new Uri(_listener.BaseUrl);
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<(string Path, byte[] Body)> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Bytes received on one signal's path, e.g. <c>/v1/logs</c>.</summary>
    public long Bytes(string path) => Requests.Where(r => r.Path == path).Sum(r => (long)r.Body.Length);

    /// <summary>
    /// How many of <paramref name="values"/> occur in the bodies sent to <paramref name="path"/>: protobuf keeps a string
    /// attribute's UTF-8 bytes as they are, so an id that was exported can be found without decoding the message.
    /// </summary>
    public int Occurring(string path, IEnumerable<string> values)
    {
        var bodies = Requests.Where(r => r.Path == path).Select(r => r.Body).ToList();
        return values.Count(v => bodies.Any(b => b.AsSpan().IndexOf(Encoding.UTF8.GetBytes(v)) >= 0));
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
            lock (_gate)
            {
                _requests.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
            }

            // An empty Export*ServiceResponse: everything accepted.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException)
        {
            context.Response.Abort();
        }
    }
}
