using System.Net;
using System.Net.Sockets;

namespace StoriesFunctions.Tests.Support;

/// <summary>Free TCP ports on the loopback interface, for the servers tests start (Azurite, hosts).</summary>
internal static class FreePorts
{
    // All listeners stay open until every port is read, so the ports handed out are distinct.
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
            listeners.ForEach(l => l.Dispose());
        }
    }
}
