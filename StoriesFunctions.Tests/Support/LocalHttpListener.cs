using System.Globalization;
using System.Net;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// An HTTP listener on a free 127.0.0.1 port that hands each request to <c>answer</c> on the thread pool until it is
/// disposed: the shell of the local endpoints tests point the app's telemetry at.
/// </summary>
internal sealed class LocalHttpListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _answer;
    private readonly Task _loop;

    public LocalHttpListener(Func<HttpListenerContext, Task> answer)
    {
        _answer = answer;
        BaseUrl = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePorts.Take(1)[0]}/");
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary><c>http://127.0.0.1:{port}/</c>.</summary>
    public string BaseUrl { get; }

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

            _ = Task.Run(() => _answer(context));
        }
    }
}
