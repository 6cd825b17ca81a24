namespace QdFunctional.Cluster;

/// <summary>
/// One worker as <c>qd cluster status</c> shows it: what the membership says (address, generation,
/// state, its last heartbeat) and, when it answers, what it says of itself. Dead and joining
/// workers are listed too: a worker that never became active, or died, is visible instead of
/// silently missing.
/// </summary>
public sealed record ClusterMember
{
    /// <summary>The worker's silo address (host:port), without its generation.</summary>
    public required string Address { get; init; }

    /// <summary>The silo's generation: a restarted worker on the same port is a new member.</summary>
    public required int Generation { get; init; }

    /// <summary>joining, active, leaving or dead.</summary>
    public required string State { get; init; }

    /// <summary>When the membership last heard from the worker (its "I am alive" time).</summary>
    public required DateTime LastHeartbeatUtc { get; init; }

    /// <summary>The worker's own report, or null when it did not answer (dead, joining, unreachable).</summary>
    public WorkerStatus? Status { get; init; }
}
