namespace QdFunctional.Core.Archives;

/// <summary>
/// The tessellation of measure space that gave each elite its cell, stored with the elites
/// so a report can draw the map without the run's configuration.
/// </summary>
/// <param name="Kind">
/// "grid", "cvt", "sliding" (a grid whose boundaries move, <see cref="Boundaries"/>), "categorical"
/// (a grid whose measures may be categories, <see cref="Categories"/>), or "proximity" and "dns"
/// (unstructured: cells are entries, no tessellation).
/// </param>
/// <param name="Low">Lower measure bound per dimension (k values).</param>
/// <param name="High">Upper measure bound per dimension (k values).</param>
/// <param name="Resolution">Cells per dimension for a grid (k values); empty for CVT.</param>
/// <param name="Centroids">CVT centroids, cells × k row-major; empty for a grid.</param>
public sealed record ArchiveLayout(string Kind, double[] Low, double[] High, int[] Resolution, double[] Centroids)
{
    /// <summary>
    /// A sliding-boundaries archive's cell edges: per measure j, Resolution[j] + 1 increasing values
    /// (cell c of measure j spans [Boundaries[j][c], Boundaries[j][c + 1])). Null for other kinds.
    /// </summary>
    public double[][]? Boundaries { get; init; }

    /// <summary>
    /// A categorical archive's categories: per measure j, its allowed values (Resolution[j] of them, cell
    /// c is value c), or an empty array for a continuous measure cut into Resolution[j] equal cells
    /// between Low[j] and High[j]. Null for other kinds.
    /// </summary>
    public double[][]? Categories { get; init; }

    /// <summary>k: measures per solution.</summary>
    public int MeasureDim => Low.Length;

    /// <summary>Total number of cells.</summary>
    public int CellCount =>
        Kind switch
        {
            "grid" or "sliding" or "categorical" => Resolution.Aggregate(1, (a, b) => checked(a * b)),
            "cvt" => Centroids.Length / Math.Max(1, Low.Length),
            // A proximity archive has no fixed cells: any entry number is a valid cell.
            _ => int.MaxValue,
        };
}
