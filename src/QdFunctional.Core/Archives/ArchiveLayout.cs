namespace QdFunctional.Core.Archives;

/// <summary>
/// The tessellation of measure space that gave each elite its cell, stored with the elites
/// so a report can draw the map without the run's configuration.
/// </summary>
/// <param name="Kind">"grid", "cvt", or "proximity" (unstructured: cells are entries, no tessellation).</param>
/// <param name="Low">Lower measure bound per dimension (k values).</param>
/// <param name="High">Upper measure bound per dimension (k values).</param>
/// <param name="Resolution">Cells per dimension for a grid (k values); empty for CVT.</param>
/// <param name="Centroids">CVT centroids, cells × k row-major; empty for a grid.</param>
public sealed record ArchiveLayout(string Kind, double[] Low, double[] High, int[] Resolution, double[] Centroids)
{
    /// <summary>k: measures per solution.</summary>
    public int MeasureDim => Low.Length;

    /// <summary>Total number of cells.</summary>
    public int CellCount =>
        Kind switch
        {
            "grid" => Resolution.Aggregate(1, (a, b) => checked(a * b)),
            "cvt" => Centroids.Length / Math.Max(1, Low.Length),
            // A proximity archive has no fixed cells: any entry number is a valid cell.
            _ => int.MaxValue,
        };
}
