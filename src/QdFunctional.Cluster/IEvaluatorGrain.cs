namespace QdFunctional.Cluster;

using Orleans.Concurrency;

/// <summary>
/// The evaluation service of one worker. Its key is the worker's silo address: the client picks
/// the worker for each chunk (see <see cref="SiloTargetedPlacement"/>), which lets it re-send the
/// chunks of a worker that died to the others.
/// </summary>
[Alias("QdFunctional.Cluster.IEvaluatorGrain")]
public interface IEvaluatorGrain : IGrainWithStringKey
{
    /// <summary>Evaluates one chunk, or answers why the worker refuses it.</summary>
    [Alias("Evaluate")]
    Task<EvaluationReply> Evaluate(EvaluationRequest request);

    /// <summary>Answers whether this worker would take <paramref name="task"/> from a client of <paramref name="version"/>: null, or the refusal.</summary>
    [Alias("Check"), AlwaysInterleave]
    Task<string?> Check(string version, string task, TaskSpec spec);

    /// <summary>The worker's load and counters.</summary>
    [Alias("Status"), AlwaysInterleave]
    Task<WorkerStatus> Status();
}
