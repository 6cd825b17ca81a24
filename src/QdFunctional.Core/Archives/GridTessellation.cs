namespace QdFunctional.Core.Archives;

using QdFunctional.Core.Persistence;

/// <summary>
/// A regular grid over a box of measure space (MAP-Elites, Mouret and Clune 2015). Cell
/// coordinates are floor((m - low) / (high - low) × resolution), clipped to the grid, so
/// measures outside the bounds land in the edge cells (as in pyribs). Cells are numbered
/// row-major: the last measure varies fastest.
/// </summary>
public sealed class GridTessellation : ITessellation
{
    readonly int[] resolution;
    readonly double[] low;
    readonly double[] high;
    readonly double[] scale;

    /// <summary>A grid with <paramref name="resolution"/>[j] cells along measure j over [low[j], high[j]].</summary>
    public GridTessellation(int[] resolution, double[] low, double[] high)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (resolution.Length == 0)
            throw new ArgumentException("A grid needs at least one measure.", nameof(resolution));
        if (low.Length != resolution.Length || high.Length != resolution.Length)
            throw new ArgumentException($"Grid: {resolution.Length} resolutions but {low.Length} lower and {high.Length} upper bounds.");
        long cells = 1;
        for (int j = 0; j < resolution.Length; j++)
        {
            if (resolution[j] < 1)
                throw new ArgumentException(
                    $"Grid: resolution of measure {j} is {resolution[j]}; it must be at least 1.",
                    nameof(resolution)
                );
            if (!double.IsFinite(low[j]) || !double.IsFinite(high[j]) || !(low[j] < high[j]))
                throw new ArgumentException($"Grid: bounds of measure {j} are [{low[j]}, {high[j]}]; they must be finite with low < high.");
            cells *= resolution[j];
            if (cells > int.MaxValue / 2)
                throw new ArgumentException($"Grid: {string.Join("×", resolution)} cells is too many.", nameof(resolution));
        }
        this.resolution = (int[])resolution.Clone();
        this.low = (double[])low.Clone();
        this.high = (double[])high.Clone();
        scale = new double[low.Length];
        for (int j = 0; j < low.Length; j++)
            scale[j] = resolution[j] / (high[j] - low[j]);
        CellCount = (int)cells;
        Layout = new ArchiveLayout("grid", this.low, this.high, this.resolution, []);
    }

    /// <inheritdoc/>
    public int MeasureDim => resolution.Length;

    /// <inheritdoc/>
    public int CellCount { get; }

    /// <summary>Cells per measure.</summary>
    public ReadOnlySpan<int> Resolution => resolution;

    /// <inheritdoc/>
    public ArchiveLayout Layout { get; }

    /// <inheritdoc/>
    public int CellOf(ReadOnlySpan<double> measures)
    {
        int cell = 0;
        for (int j = 0; j < resolution.Length; j++)
        {
            double t = (measures[j] - low[j]) * scale[j];
            int c =
                t <= 0 ? 0
                : t >= resolution[j] ? resolution[j] - 1
                : (int)t;
            cell = cell * resolution[j] + c;
        }
        return cell;
    }

    /// <inheritdoc/>
    public void CellsOf(ReadOnlySpan<double> measures, Span<int> cells)
    {
        int k = resolution.Length;
        for (int i = 0; i < cells.Length; i++)
            cells[i] = CellOf(measures.Slice(i * k, k));
    }

    /// <summary>The per-measure coordinates of <paramref name="cell"/>.</summary>
    public int[] Coordinates(int cell)
    {
        var coords = new int[resolution.Length];
        for (int j = resolution.Length - 1; j >= 0; j--)
        {
            coords[j] = cell % resolution[j];
            cell /= resolution[j];
        }
        return coords;
    }
}
