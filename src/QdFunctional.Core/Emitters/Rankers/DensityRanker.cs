namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Density Descent Search's ranking (Lee et al., GECCO 2024; pyribs' DensityRanker): the solution
/// whose measures lie where the archive's density estimate is lowest comes first, so the evolution
/// strategy descends the density of the measures seen. It reads the density from the add report of a
/// <see cref="DensityArchive"/>, whose value is −density; ties keep batch order.
/// </summary>
public sealed record DensityRanker : IRanker
{
    /// <inheritdoc/>
    public (int[] Indices, double[] Values) Rank(SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Ranking.Descending(null, report.Value);
    }

    /// <inheritdoc/>
    public IRanker Reset(IArchive archive, Key key) => this;
}
