using System.Net;
using System.Net.Sockets;

namespace StoriesFunctions.Tests.Support;

/// <summary>The fault suite's proxy does what its tests rely on: forwards, then fails every connection while cut.</summary>
[CancelAfter(20_000)]
public class FaultProxyTests
{
    [Test]
    public async Task Forwarding_BytesReachUpstreamAndBack(CancellationToken cancellationToken)
    {
        await using var echo = EchoServer.Start();
        await using var proxy = FaultProxy.Start(echo.Port);

        using var client = await ConnectAsync(proxy.Port, cancellationToken);
        byte[] answer = await RoundTripAsync(client, [1, 2, 3], cancellationToken);

        Assert.That(answer, Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Cut_OpenConnectionFailsAndNewOnesFailUntilRestored(CancellationToken cancellationToken)
    {
        await using var echo = EchoServer.Start();
        await using var proxy = FaultProxy.Start(echo.Port);
        using var open = await ConnectAsync(proxy.Port, cancellationToken);
        await RoundTripAsync(open, [1], cancellationToken);

        proxy.Cut();
        var openFails = await FailsAsync(() => RoundTripAsync(open, [2], cancellationToken));
        var newFails = await FailsAsync(async () =>
        {
            // The reset can reach the connect itself or the first round trip, depending on timing.
            using var during = await ConnectAsync(proxy.Port, cancellationToken);
            await RoundTripAsync(during, [3], cancellationToken);
        });
        proxy.Restore();
        using var after = await ConnectAsync(proxy.Port, cancellationToken);
        byte[] restored = await RoundTripAsync(after, [4], cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(openFails, Is.True, "the connection open at the cut");
            Assert.That(newFails, Is.True, "a connection made while cut");
            Assert.That(restored, Is.EqualTo(new byte[] { 4 }));
            Assert.That(proxy.Resets, Is.EqualTo(2));
        });
    }

    private static async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        return socket;
    }

    private static async Task<byte[]> RoundTripAsync(Socket socket, byte[] data, CancellationToken cancellationToken)
    {
        await socket.SendAsync(data, SocketFlags.None, cancellationToken);
        var buffer = new byte[data.Length];
        int read = 0;
        while (read < data.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new IOException("closed by the proxy");
            }

            read += n;
        }

        return buffer;
    }

    private static async Task<bool> FailsAsync(Func<Task> roundTrip)
    {
        try
        {
            await roundTrip();
            return false;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return true;
        }
    }

    /// <summary>Sends back whatever each connection sends.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stopping = new();
        private Task? loop;

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public static EchoServer Start()
        {
            var server = new EchoServer();
            server.listener.Start();
            server.loop = Task.Run(server.AcceptAsync);
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await stopping.CancelAsync();
            listener.Stop();
            await loop!;
            stopping.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(stopping.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => EchoAsync(socket));
            }
        }

        private async Task EchoAsync(Socket socket)
        {
            using (socket)
            {
                var buffer = new byte[1024];
                try
                {
                    int n;
                    while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, stopping.Token)) > 0)
                    {
                        await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, stopping.Token);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    // Stopping, or the proxy reset the connection.
                }
            }
        }
    }
}
