namespace QdFunctional.Cluster;

using System.Net;
using System.Net.Sockets;

/// <summary>
/// A worker's two ports (silo port p, gateway p + 1), checked before the silo starts. Orleans
/// listens with address reuse on Linux, so a second worker on a taken port starts anyway, shares
/// the port with the first and answers for it: the check binds each port exclusively first, which
/// fails while anything listens there.
/// </summary>
public static class WorkerPorts
{
    /// <summary>Throws <see cref="WorkerPortInUseException"/> (one line naming the port and the fix) when <paramref name="port"/> or port + 1 is taken on <paramref name="listen"/>.</summary>
    public static void EnsureFree(IPAddress listen, int port)
    {
        foreach (var (p, role) in new[] { (port, "silo"), (port + 1, "gateway") })
            if (!IsFree(listen, p))
                throw new WorkerPortInUseException(
                    $"worker {role} port {p} on {listen} is in use (another worker?); give this worker its own "
                        + $"--port (silo port; the gateway takes the next one), two apart from the others, or --port 0 for free ones."
                );
    }

    /// <summary>A silo port whose next port is free too, on <paramref name="listen"/>, chosen by the system.</summary>
    public static int PickFree(IPAddress listen)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var probe = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(listen, 0));
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            probe.Close();
            if (port < 65535 && IsFree(listen, port) && IsFree(listen, port + 1))
                return port;
        }
        throw new WorkerPortInUseException($"worker: found no two consecutive free ports on {listen} in 100 tries; give --port.");
    }

    /// <summary>True when a listener without address reuse can bind <paramref name="port"/>.</summary>
    static bool IsFree(IPAddress listen, int port)
    {
        using var probe = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(listen, port));
            probe.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>A worker's port is taken: the message is the one line a user needs (which port, which option fixes it).</summary>
public sealed class WorkerPortInUseException(string message) : IOException(message);
