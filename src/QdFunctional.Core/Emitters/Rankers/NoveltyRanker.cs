namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Ranks by novelty, most novel first (pyribs' NoveltyRanker, <c>nov</c>): novelty search with an
/// evolution strategy (NS-ES; pyribs' ns_cma). The novelty is the add report's, so it needs an
/// archive that measures it: the proximity archive.
/// </summary>
public sealed record NoveltyRanker : IRanker
{
    /// <inheritdoc/>
    public (int[] Indices, double[] Values) Rank(SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        var novelty =
            report.Novelty
            ?? throw new ArgumentException("NoveltyRanker: the archive reports no novelty; use a proximity archive.", nameof(report));
        return Ranking.Descending(null, novelty);
    }

    /// <inheritdoc/>
    public IRanker Reset(IArchive archive, Key key) => this;
}
