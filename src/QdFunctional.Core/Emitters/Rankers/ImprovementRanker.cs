namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Ranks by the add report's improvement value alone, one stage (pyribs' ImprovementRanker,
/// <c>imp</c>; ours is <c>1imp</c> because <c>--ranker imp</c> has long meant the two-stage one).
/// CMA-MAE's ranking: with an annealing archive every value is objective minus threshold, so new
/// cells and improvements share one scale. Over a plain archive a new cell's value is its whole
/// objective, which is why CMA-ME uses the two-stage ranking instead.
/// </summary>
public sealed record ImprovementRanker : IRanker
{
    /// <inheritdoc/>
    public (int[] Indices, double[] Values) Rank(SolutionBatch solutions, Evaluation evaluation, AddReport report) =>
        Ranking.Descending(null, report.Value);

    /// <inheritdoc/>
    public IRanker Reset(IArchive archive, Key key) => this;
}
