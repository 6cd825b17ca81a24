namespace QdFunctional.Cluster;

using QdFunctional.Core.Batches;

/// <summary>
/// A worker's answer to one chunk: the evaluation's arrays, or the one line that says why the
/// worker refused it (unknown task, another build) or could not evaluate it (the task threw).
/// Refusals are answers, not exceptions, so the client can tell them from a worker that died.
/// </summary>
[GenerateSerializer, Immutable, Alias("QdFunctional.Cluster.EvaluationReply")]
public sealed record EvaluationReply
{
    /// <summary>Why the worker refused or could not evaluate the chunk, or null when it evaluated it.</summary>
    [Id(0)]
    public string? Refusal { get; init; }

    /// <summary>The worker that answered (its silo address), for the client's log.</summary>
    [Id(1)]
    public string Worker { get; init; } = "";

    [Id(2)]
    public int Count { get; init; }

    [Id(3)]
    public int ObjectiveCount { get; init; }

    [Id(4)]
    public int MeasureDim { get; init; }

    [Id(5)]
    public double[] Objectives { get; init; } = [];

    [Id(6)]
    public double[] Measures { get; init; } = [];

    [Id(7)]
    public double[]? Jacobians { get; init; }

    [Id(8)]
    public int SolutionDim { get; init; }

    [Id(9)]
    public Dictionary<string, double[]> Extra { get; init; } = [];

    /// <summary>The reply of an evaluated chunk.</summary>
    public static EvaluationReply Of(Evaluation e, string worker) =>
        new()
        {
            Worker = worker,
            Count = e.Count,
            ObjectiveCount = e.ObjectiveCount,
            MeasureDim = e.MeasureDim,
            Objectives = e.Objectives,
            Measures = e.Measures,
            Jacobians = e.Jacobians,
            SolutionDim = e.SolutionDim,
            Extra = new Dictionary<string, double[]>(e.Extra),
        };

    /// <summary>The evaluation the reply carries (shapes checked again on this side).</summary>
    public Evaluation ToEvaluation() =>
        new(Count, ObjectiveCount, MeasureDim, Objectives, Measures, Jacobians, SolutionDim, Extra.Count == 0 ? null : Extra);
}
