namespace QdFunctional.Cluster;

using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

/// <summary>
/// The connections a worker refused (a peer without this cluster's certificate, or not speaking
/// TLS): each is logged on the worker at once, and the run is told of them too (intruders connect
/// to workers, never to the run). A peer that retries is one entry per address and reason, with a
/// count, so a retrying intruder cannot push the others out of what the run sees.
/// </summary>
public sealed class PeerRefusals(ILogger<PeerRefusals> log)
{
    /// <summary>Distinct (address, reason) entries kept for the run.</summary>
    public const int Kept = 64;

    readonly ConcurrentDictionary<(string, string), PeerRefusal> entries = new();
    long count;

    /// <summary>Refused connections since the worker started.</summary>
    public long Count => Interlocked.Read(ref count);

    /// <summary>Records that the connection from <paramref name="remote"/> was refused, and why.</summary>
    public void Add(EndPoint? remote, string why)
    {
        Interlocked.Increment(ref count);
        var endpoint = remote?.ToString() ?? "an unknown address";
        var address = remote is IPEndPoint ip ? ip.Address.ToString() : endpoint;
        log.LogWarning("qd worker: refused a connection from {Remote}: {Why}", endpoint, why);
        if (entries.Count < Kept || entries.ContainsKey((address, why)))
            entries.AddOrUpdate(
                (address, why),
                _ => new PeerRefusal
                {
                    Address = address,
                    Why = why,
                    Count = 1,
                    Last = endpoint,
                },
                (_, e) => e with { Count = e.Count + 1, Last = endpoint }
            );
    }

    /// <summary>One entry per refusing address and reason, in address order.</summary>
    public PeerRefusal[] Recent() =>
        entries.Values.OrderBy(e => e.Address, StringComparer.Ordinal).ThenBy(e => e.Why, StringComparer.Ordinal).ToArray();
}

/// <summary>Connections from one address refused for one reason, as a worker reports them.</summary>
[GenerateSerializer, Immutable, Alias("QdFunctional.Cluster.PeerRefusal")]
public sealed record PeerRefusal
{
    /// <summary>The peer's IP address.</summary>
    [Id(0)]
    public string Address { get; init; } = "";

    /// <summary>Why its connections were refused.</summary>
    [Id(1)]
    public string Why { get; init; } = "";

    /// <summary>How many were refused.</summary>
    [Id(2)]
    public long Count { get; init; }

    /// <summary>The last refused connection's address and port.</summary>
    [Id(3)]
    public string Last { get; init; } = "";

    /// <summary>"refused N connection(s) from ADDRESS (the last from ADDRESS:PORT): WHY".</summary>
    public override string ToString() => $"refused {Count} connection(s) from {Address} (the last from {Last}): {Why}";
}
