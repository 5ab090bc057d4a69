using System.Net;
using System.Net.Sockets;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>Free TCP ports on the loopback interface for hosts to listen on.</summary>
internal static class HostPorts
{
    /// <summary>Distinct free ports: every listener stays open until all ports are read.</summary>
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
            listeners.ForEach(l => l.Dispose());
        }
    }
}
