using System.Globalization;
using System.Net.Sockets;

namespace StoriesFunctions.Tests.Support;

/// <content>The network side: accepting connections and answering each request on them.</content>
public sealed partial class StoriesStandIn
{
    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (gate)
            {
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(Task.Run(() => ServeAsync(client)));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var wire = new HttpWire(client.GetStream());
            try
            {
                while (await wire.ReadRequestAsync(stopping.Token).ConfigureAwait(false) is var (request, keepAlive))
                {
                    Record(request);
                    if (!await AnswerAsync(wire, request, keepAlive).ConfigureAwait(false) || !keepAlive)
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException or FormatException)
            {
                // The client went away (e.g. its time-out), the stand-in is stopping, or the request was malformed.
            }
        }
    }

    /// <returns>False when the reply dropped the connection.</returns>
    private async Task<bool> AnswerAsync(HttpWire wire, RecordedRequest request, bool keepAlive)
    {
        if (BeforeAnswer is { } hook)
        {
            await hook(request).ConfigureAwait(false);
        }

        StoriesReply? reply = Choose(request.Path);
        if (reply is not null && reply.Latency > TimeSpan.Zero)
        {
            await Task.Delay(reply.Latency, stopping.Token).ConfigureAwait(false);
        }

        if (reply is { Drops: true })
        {
            return false;
        }

        (int status, string? body) = reply?.StatusCode is int scripted ? (scripted, reply.Body) : defaults.Answer(request);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-RateLimit-Limit"] = "300" };
        if (RateLimit is { } window && reply is null)
        {
            var (allowed, remaining, retryAfter) = window.Hit(DateTimeOffset.UtcNow);
            headers["X-RateLimit-Limit"] = window.Limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            if (!allowed)
            {
                (status, body) = (429, "{\"message\":\"Too Many Attempts.\"}");
                headers["Retry-After"] = ((long)retryAfter!.Value.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }
        }

        if (body is not null)
        {
            headers["Content-Type"] = body.TrimStart().StartsWith('{') || body.TrimStart().StartsWith('[')
                ? "application/json; charset=utf-8"
                : "text/plain; charset=utf-8";
        }

        foreach (var (name, value) in reply?.Headers ?? new Dictionary<string, string>())
        {
            headers[name] = value;
        }

        request.StatusCode = status;
        await wire.WriteResponseAsync(status, headers, body, keepAlive, stopping.Token).ConfigureAwait(false);
        return true;
    }
}
