using System.Net;
using System.Net.Sockets;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// A pass-through on a free 127.0.0.1 port to one Azurite endpoint that notes every request going up, read from the
/// wire: exact counts of the storage operations a host makes, whichever client in it (the host's lease and timer
/// blobs, the queue listener, the app's own clients) sent them. Answers flow back untouched.
/// </summary>
internal sealed class StorageCountingProxy : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly StorageService service;
    private readonly int upstreamPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<StorageRequest> requests = [];
    private readonly HashSet<Socket> open = [];
    private readonly Task acceptLoop;

    private StorageCountingProxy(TcpListener listener, StorageService service, int upstreamPort)
    {
        this.listener = listener;
        this.service = service;
        this.upstreamPort = upstreamPort;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Every request so far, in the order they went up.</summary>
    public IReadOnlyList<StorageRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public static StorageCountingProxy Start(StorageService service, int upstreamPort)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 256);
        return new StorageCountingProxy(listener, service, upstreamPort);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Socket[] sockets;
        lock (gate)
        {
            sockets = [.. open];
        }

        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        await acceptLoop;
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        Track(client, upstream, add: true);
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, upstreamPort, stopping.Token);
            using var fromClient = new NetworkStream(client, ownsSocket: false);
            using var toUpstream = new NetworkStream(upstream, ownsSocket: false);
            var relay = new HttpRequestRelay(fromClient, toUpstream);
            Task up = relay.RunAsync(head => Record(StorageRequest.Parse(service, head, DateTimeOffset.UtcNow)), stopping.Token)
                .ContinueWith(_ => Shutdown(upstream), TaskScheduler.Default);
            Task down = PumpAsync(upstream, client);

            // Either side may end first in order; a failure of one ends both (the sockets are closed below).
            await Task.WhenAny(up, down);
            await Task.WhenAll(up, down).WaitAsync(TimeSpan.FromMinutes(5), stopping.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException or TimeoutException)
        {
            // A side went away, or the proxy is stopping.
        }
        finally
        {
            Track(client, upstream, add: false);
            client.Dispose();
            upstream.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, stopping.Token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stopping.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed under us.
        }

        Shutdown(to);
    }

    private static void Shutdown(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    private void Record(StorageRequest request)
    {
        lock (gate)
        {
            requests.Add(request);
        }
    }

    private void Track(Socket client, Socket upstream, bool add)
    {
        lock (gate)
        {
            if (add)
            {
                open.Add(client);
                open.Add(upstream);
            }
            else
            {
                open.Remove(client);
                open.Remove(upstream);
            }
        }
    }
}
