namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Ranks by objective alone, ignoring the archive: CMA-ME's optimizing emitter, a plain CMA-ES
/// that only feeds the archive as a side effect.
/// </summary>
public sealed record ObjectiveRanker : IRanker
{
    /// <inheritdoc/>
    public (int[] Indices, double[] Values) Rank(SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        if (evaluation.ObjectiveCount != 1)
            throw new ArgumentException($"ObjectiveRanker needs one objective per solution, got {evaluation.ObjectiveCount}.");
        return Ranking.Descending(null, evaluation.Objectives);
    }

    /// <inheritdoc/>
    public IRanker Reset(IArchive archive, Key key) => this;
}
