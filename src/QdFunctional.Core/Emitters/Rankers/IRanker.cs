namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Orders an emitter's told solutions best first, which is all an evolution strategy learns
/// from (CMA-ME, Fontaine et al. 2020; pyribs' rankers). Rankers are immutable values; one with
/// internal state (a random direction) draws it anew in <see cref="Reset"/>.
/// </summary>
public interface IRanker
{
    /// <summary>
    /// Indices of the solutions, best first, and the value each was ranked by (in that order,
    /// for the strategy's flat-fitness check). Ties keep batch order.
    /// </summary>
    (int[] Indices, double[] Values) Rank(SolutionBatch solutions, Evaluation evaluation, AddReport report);

    /// <summary>The ranker after an emitter restart (for example with a new random direction).</summary>
    IRanker Reset(IArchive archive, Key key);
}
