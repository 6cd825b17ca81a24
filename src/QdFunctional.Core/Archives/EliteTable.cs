namespace QdFunctional.Core.Archives;

/// <summary>
/// A columnar snapshot of an archive's elites: what <c>archive.parquet</c> holds, row by row.
/// Arrays are row-major blocks: row <c>i</c> of <see cref="Solutions"/> is
/// <c>Solutions[i*SolutionDim .. (i+1)*SolutionDim)</c>.
/// </summary>
/// <param name="Layout">How measures map to cells (grid resolution and bounds, or CVT centroids).</param>
/// <param name="SolutionDim">d: numbers per solution.</param>
/// <param name="ObjectiveCount">m: 0 for diversity only, 1 for QD, 2 or more for multi-objective.</param>
/// <param name="Cells">n cell indices.</param>
/// <param name="Objectives">n × m objectives.</param>
/// <param name="Measures">n × k measures, k = Layout.MeasureDim.</param>
/// <param name="Solutions">n × d solutions.</param>
/// <param name="Extra">Named extra per-elite columns, n values each.</param>
public sealed record EliteTable(
    ArchiveLayout Layout,
    int SolutionDim,
    int ObjectiveCount,
    int[] Cells,
    double[] Objectives,
    double[] Measures,
    double[] Solutions,
    IReadOnlyDictionary<string, double[]> Extra
)
{
    /// <summary>Number of elites (rows).</summary>
    public int Count => Cells.Length;
}
