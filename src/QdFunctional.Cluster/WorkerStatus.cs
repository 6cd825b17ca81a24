namespace QdFunctional.Cluster;

/// <summary>What <c>qd cluster status</c> shows of one worker.</summary>
[GenerateSerializer, Immutable, Alias("QdFunctional.Cluster.WorkerStatus")]
public sealed record WorkerStatus
{
    /// <summary>The worker's silo address.</summary>
    [Id(0)]
    public string Worker { get; init; } = "";

    /// <summary>The worker's build.</summary>
    [Id(1)]
    public string Version { get; init; } = "";

    /// <summary>Chunks being evaluated right now (its load).</summary>
    [Id(2)]
    public int InFlight { get; init; }

    /// <summary>Chunks evaluated since the worker started.</summary>
    [Id(3)]
    public long ChunksServed { get; init; }

    /// <summary>Solutions evaluated since the worker started.</summary>
    [Id(4)]
    public long EvaluationsServed { get; init; }

    /// <summary>Seconds since the worker started.</summary>
    [Id(5)]
    public double UptimeSeconds { get; init; }

    /// <summary>Requests refused (unknown task, another build).</summary>
    [Id(6)]
    public long Refused { get; init; }
}
