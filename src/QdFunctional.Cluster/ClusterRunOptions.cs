namespace QdFunctional.Cluster;

/// <summary>How a run uses its cluster.</summary>
public sealed record ClusterRunOptions
{
    /// <summary>Rows per chunk; 0 splits each batch into two chunks per live worker.</summary>
    public int ChunkSize { get; init; }

    /// <summary>A chunk not answered within this time is re-sent to another worker (default 30 s).</summary>
    public TimeSpan ChunkTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a worker when none is left before the run stops (default 300 s).</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>The build the client claims (its own; a test may claim another).</summary>
    public string Version { get; init; } = ClusterVersion.Current;
}
