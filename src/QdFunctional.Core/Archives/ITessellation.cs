namespace QdFunctional.Core.Archives;

using QdFunctional.Core.Persistence;

/// <summary>
/// How measure space is cut into cells. Grid and CVT archives differ only here; storage,
/// statistics and the add rule are shared.
/// </summary>
public interface ITessellation
{
    /// <summary>k: measures per solution.</summary>
    int MeasureDim { get; }

    /// <summary>Number of cells.</summary>
    int CellCount { get; }

    /// <summary>The cell of one measure vector (values outside the bounds map to the nearest cell).</summary>
    int CellOf(ReadOnlySpan<double> measures);

    /// <summary>The cells of n measure vectors (n × k, row-major).</summary>
    void CellsOf(ReadOnlySpan<double> measures, Span<int> cells);

    /// <summary>The layout written next to the elites, so reports can redraw the map.</summary>
    ArchiveLayout Layout { get; }
}
