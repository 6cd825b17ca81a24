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
public sealed record MetricsRow(
    int Iteration,
    long Evaluations,
    int NumElites,
    double Coverage,
    double QdScore,
    double NormQdScore,
    double BestObjective,
    double MeanObjective,
    double ElapsedSeconds
);
