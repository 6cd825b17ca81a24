namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// CMA-ME's improvement ranking (Fontaine et al. 2020): solutions that found new cells first,
/// then those that improved an elite, then the rest, each group by its improvement value
/// (the archive's add report, so no second look at the archive is needed).
/// </summary>
public sealed record TwoStageImprovementRanker : IRanker
{
    /// <inheritdoc/>
    public (int[] Indices, double[] Values) Rank(SolutionBatch solutions, Evaluation evaluation, AddReport report) =>
        Ranking.Descending(report.Status, report.Value);

    /// <inheritdoc/>
    public IRanker Reset(IArchive archive, Key key) => this;
}
