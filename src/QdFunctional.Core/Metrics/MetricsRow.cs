namespace QdFunctional.Core.Metrics;

/// <summary>
/// One iteration's figures, as <c>metrics.parquet</c> stores them (one row per iteration).
/// Computed from the archive's incremental statistics, never by rescanning the archive.
/// </summary>
/// <param name="Iteration">1-based iteration number.</param>
/// <param name="Evaluations">Evaluations so far, this iteration's included.</param>
/// <param name="NumElites">Occupied cells.</param>
/// <param name="Coverage">Occupied cells over all cells, in [0, 1].</param>
/// <param name="QdScore">Sum over elites of (objective - offset).</param>
/// <param name="NormQdScore">QD score divided by the number of cells (pyribs' normalized QD score).</param>
/// <param name="BestObjective">Best objective in the archive (NaN while it is empty).</param>
/// <param name="MeanObjective">Mean objective of the elites (NaN while it is empty).</param>
/// <param name="ElapsedSeconds">Wall time since the run started.</param>
/// <param name="GlobalHypervolume">
/// MOME: hypervolume of the Pareto front of every solution in the archive (all cells pooled), w.r.t.
/// the archive's reference point (<see cref="MomeMetrics.GlobalHypervolumeOf"/>). NaN for other archives.
/// </param>
/// <param name="MeanNovelty">
/// Novelty search: mean over the entries of their novelty against the archive
/// (<see cref="QdFunctional.Core.Archives.ProximityArchive.MeanNovelty"/>). NaN for other archives.
/// </param>
/// <remarks>
/// The last two are optional columns: a file written before they existed, or by a run whose archive
/// has no such figure, reads them as NaN.
/// </remarks>
public sealed record MetricsRow(
    int Iteration,
    long Evaluations,
    int NumElites,
    double Coverage,
    double QdScore,
    double NormQdScore,
    double BestObjective,
    double MeanObjective,
    double ElapsedSeconds,
    double GlobalHypervolume = double.NaN,
    double MeanNovelty = double.NaN
);
