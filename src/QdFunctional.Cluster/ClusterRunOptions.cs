namespace QdFunctional.Cluster;

/// <summary>How a run uses its cluster.</summary>
public sealed record ClusterRunOptions
{
    /// <summary>Rows per chunk; 0 splits each batch into two chunks per live worker.</summary>
    public int ChunkSize { get; init; }

    /// <summary>
    /// A chunk not answered within this time is re-sent to another worker; null (the default) scales
    /// it with the measured time per chunk (<see cref="ChunkTimeouts"/>). Dead workers are noticed
    /// sooner, by the membership.
    /// </summary>
    public TimeSpan? ChunkTimeout { get; init; }

    /// <summary>The bound on a question to the cluster that evaluates nothing (membership, task checks).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Orleans' own bound on every call, which must not cut off a chunk the dispatcher still waits
    /// for: the fixed chunk timeout plus a margin, or an hour with automatic timeouts.
    /// </summary>
    public TimeSpan ResponseTimeout => ChunkTimeout is { } t ? t + TimeSpan.FromSeconds(30) : TimeSpan.FromHours(1);

    /// <summary>How long to wait for a worker when none is left before the run stops (default 300 s).</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>The build the client claims (its own; a test may claim another).</summary>
    public string Version { get; init; } = ClusterVersion.Current;
}
