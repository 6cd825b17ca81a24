namespace QdFunctional.Cluster;

/// <summary>What <c>qd cluster status</c> shows of one worker, as the worker itself reports it.</summary>
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

    /// <summary>Seconds spent evaluating chunks: evaluations over this is the worker's speed, idle time left out.</summary>
    [Id(7)]
    public double EvaluatingSeconds { get; init; }

    /// <summary>Seconds since the worker last answered a chunk, or null when it has answered none.</summary>
    [Id(8)]
    public double? SecondsSinceLastAnswer { get; init; }

    /// <summary>The subject of the certificate the worker presents, or empty in a plain (loopback) cluster.</summary>
    [Id(9)]
    public string Certificate { get; init; } = "";

    /// <summary>The connections the worker refused (<see cref="PeerRefusals"/>), one entry per address and reason.</summary>
    [Id(10)]
    public PeerRefusal[] Refusals { get; init; } = [];

    /// <summary>Evaluations per second of evaluating time (0 before the first chunk).</summary>
    public double EvaluationsPerSecond => EvaluatingSeconds > 0 ? EvaluationsServed / EvaluatingSeconds : 0;
}
