namespace QdFunctional.Cluster;

/// <summary>
/// One chunk of a batch sent to a worker: everything its evaluation is a function of (the
/// task's name and configuration and the solution rows), so any worker returns the same numbers.
/// The tasks take no per-row random keys today; a task that draws would get them here.
/// </summary>
[GenerateSerializer, Immutable, Alias("QdFunctional.Cluster.EvaluationRequest")]
public sealed record EvaluationRequest
{
    /// <summary>The client's build (<see cref="ClusterVersion.Current"/>); a worker of another build refuses.</summary>
    [Id(0)]
    public required string Version { get; init; }

    /// <summary>The task's name (as <c>qd run --task</c> takes it).</summary>
    [Id(1)]
    public required string Task { get; init; }

    /// <summary>The task's configuration: solution dimension, gradient source and precision.</summary>
    [Id(2)]
    public required TaskSpec Spec { get; init; }

    /// <summary>The chunk's position in its batch (for the worker's log and the client's bookkeeping).</summary>
    [Id(3)]
    public int Chunk { get; init; }

    /// <summary>Rows in this chunk.</summary>
    [Id(4)]
    public int Count { get; init; }

    /// <summary>Count × dimension values, row-major.</summary>
    [Id(5)]
    public required double[] Solutions { get; init; }

    /// <summary>True to ask for Jacobians (gradient stages).</summary>
    [Id(6)]
    public bool WithJacobians { get; init; }
}
