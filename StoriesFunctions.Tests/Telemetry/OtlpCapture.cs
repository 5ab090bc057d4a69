using System.Globalization;
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
    private readonly HttpListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(string Path, byte[] Body)> _requests = [];
    private readonly Task _loop;

    public OtlpCapture()
    {
        BaseUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePorts.Take(1)[0]}/"));
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
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

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (HttpListenerException)
        {
            // Stopped while waiting for a request.
        }

        _listener.Close();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

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
