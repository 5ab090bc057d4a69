using System.Net;
using System.Net.Sockets;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// Free TCP ports on the loopback interface, for the servers tests start (Azurite, hosts, stand-ins). They come from
/// below the kernel's ephemeral range: a port the kernel handed out would be free when read but could be taken again by
/// any outgoing connection (the lanes run beside each other, each making many) before a host, which takes seconds to
/// start, binds it. No port is handed out twice in a run.
/// </summary>
internal static class FreePorts
{
    private const int First = 20000;
    private const int Last = 32000;

    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];
    private static int next = First + Random.Shared.Next(Last - First);

    public static int[] Take(int count)
    {
        lock (Gate)
        {
            var ports = new List<int>(count);
            for (int tried = 0; ports.Count < count; tried++)
            {
                if (tried > Last - First)
                {
                    throw new InvalidOperationException($"No free port left between {First} and {Last}.");
                }

                next = next >= Last ? First : next + 1;
                if (!HandedOut.Contains(next) && IsFree(next))
                {
                    HandedOut.Add(next);
                    ports.Add(next);
                }
            }

            return [.. ports];
        }
    }

    private static bool IsFree(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
