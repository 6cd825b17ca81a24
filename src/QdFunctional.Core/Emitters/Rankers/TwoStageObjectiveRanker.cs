namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// New cells first, then improved, then the rest, each group by objective (pyribs'
/// TwoStageObjectiveRanker, <c>2obj</c>): an optimizing emitter that still prefers what the
/// archive took.
/// </summary>
public sealed record TwoStageObjectiveRanker : IRanker
{
    /// <inheritdoc/>
    public (int[] Indices, double[] Values) Rank(SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        if (evaluation.ObjectiveCount != 1)
            throw new ArgumentException($"TwoStageObjectiveRanker needs one objective per solution, got {evaluation.ObjectiveCount}.");
        return Ranking.Descending(report.Status, evaluation.Objectives);
    }

    /// <inheritdoc/>
    public IRanker Reset(IArchive archive, Key key) => this;
}
