using System.Net;
using System.Net.Sockets;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// A TCP proxy on a free 127.0.0.1 port to one upstream port, which a test can cut: <see cref="Cut"/> resets every open
/// connection and resets each new one at once, until <see cref="Restore"/>. What a storage outage looks like to a
/// client: connections die mid-request and reconnecting fails, while the listener (and so the port) stays the test's.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    // Bounded: a fixed buffer per direction, and connections over this many are reset rather than served.
    private const int MaxConnections = 512;
    private const int BufferSize = 16 * 1024;

    private readonly TcpListener listener;
    private readonly int upstreamPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly HashSet<Pair> open = [];
    private readonly Task acceptLoop;
    private bool cut;
    private int cuts;

    private FaultProxy(TcpListener listener, int upstreamPort)
    {
        this.listener = listener;
        this.upstreamPort = upstreamPort;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>True between <see cref="Cut"/> and <see cref="Restore"/>.</summary>
    public bool IsCut
    {
        get
        {
            lock (gate)
            {
                return cut;
            }
        }
    }

    /// <summary>Connections reset so far, open ones and refused new ones alike.</summary>
    public int Resets => Volatile.Read(ref cuts);

    /// <summary>Starts forwarding 127.0.0.1:<see cref="Port"/> to 127.0.0.1:<paramref name="upstreamPort"/>.</summary>
    public static FaultProxy Start(int upstreamPort)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 256);
        return new FaultProxy(listener, upstreamPort);
    }

    /// <summary>Resets every open connection, and every new one until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        List<Pair> victims;
        lock (gate)
        {
            cut = true;
            victims = [.. open];
            open.Clear();
        }

        victims.ForEach(Reset);
    }

    /// <summary>Forwards new connections again.</summary>
    public void Restore()
    {
        lock (gate)
        {
            cut = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        Cut();
        await acceptLoop.ConfigureAwait(false);
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token).ConfigureAwait(false);
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
        client.NoDelay = true;
        var pair = new Pair(client, new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        if (!Admit(pair))
        {
            return;
        }

        try
        {
            await pair.Upstream.ConnectAsync(IPAddress.Loopback, upstreamPort, stopping.Token).ConfigureAwait(false);
            Task<bool>[] pumps = [PumpAsync(client, pair.Upstream), PumpAsync(pair.Upstream, client)];

            // One side closed in order (FIN): the other may still be answering. A failure ends both at once.
            if (await await Task.WhenAny(pumps).ConfigureAwait(false))
            {
                await Task.WhenAll(pumps).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Upstream refused, or stopping: the client is closed below.
        }
        finally
        {
            bool ours;
            lock (gate)
            {
                ours = open.Remove(pair);
            }

            // Otherwise Cut took the pair and reset it.
            if (ours)
            {
                client.Dispose();
                pair.Upstream.Dispose();
            }
        }
    }

    /// <summary>Registers a new pair, or resets the client when cut (or over the bound); false when reset.</summary>
    private bool Admit(Pair pair)
    {
        lock (gate)
        {
            if (!cut && open.Count < MaxConnections)
            {
                open.Add(pair);
                return true;
            }
        }

        Reset(pair);
        return false;
    }

    /// <summary>
    /// Copies until <paramref name="from"/> ends its side, then ends the same side towards <paramref name="to"/>:
    /// true. False when either socket failed or was closed under it.
    /// </summary>
    private async Task<bool> PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[BufferSize];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, stopping.Token).ConfigureAwait(false)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stopping.Token).ConfigureAwait(false);
            }

            to.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void Reset(Pair pair)
    {
        Interlocked.Increment(ref cuts);
        Reset(pair.Client);
        pair.Upstream.Dispose();
    }

    /// <summary>Closes with RST (linger 0), as a dead peer or a dropped route would look: no orderly FIN.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer.
        }

        socket.Dispose();
    }

    /// <summary>An accepted client and its connection upstream, reset together.</summary>
    private sealed record Pair(Socket Client, Socket Upstream);
}
