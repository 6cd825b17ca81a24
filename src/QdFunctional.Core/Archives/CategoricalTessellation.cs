namespace QdFunctional.Core.Archives;

using System.Globalization;

/// <summary>
/// A grid whose measures may be categories (pyribs' CategoricalArchive, extended to mix in continuous
/// measures): a categorical measure takes one of a list of allowed values and has one cell per value;
/// a continuous measure is cut into equal cells between its bounds, as in <see cref="GridTessellation"/>.
/// Cells are the product of the measures' cells, numbered row-major (the last measure varies fastest).
/// Programs and texts have features such as "which operator is used" or "which language": the task
/// reports each category as a number (its code), and the archive keeps one elite per combination.
/// </summary>
/// <remarks>
/// Unlike a grid, which clips measures outside its bounds to the edge cells, a categorical measure whose
/// value is not one of its categories is refused (<see cref="ArgumentException"/>, one line naming the
/// measure, the value and the categories): an unknown category is a bug in the task, not a far-away point.
/// Values are matched exactly (0.0 and -0.0 are the same category).
/// </remarks>
public sealed class CategoricalTessellation : ITessellation
{
    readonly double[][] categories;
    readonly double[][] sortedValues;
    readonly int[][] sortedCells;
    readonly int[] resolution;
    readonly double[] low;
    readonly double[] high;
    readonly double[] scale;

    /// <summary>
    /// A tessellation with <paramref name="categories"/>[j] the allowed values of measure j (cell c is
    /// value c), or an empty array for a continuous measure cut into <paramref name="resolution"/>[j]
    /// equal cells over [<paramref name="low"/>[j], <paramref name="high"/>[j]].
    /// </summary>
    /// <param name="categories">Per measure: its distinct finite values, or empty for a continuous measure.</param>
    /// <param name="resolution">Cells of each continuous measure (entries of categorical measures are ignored); null when every measure is categorical.</param>
    /// <param name="low">Lower bounds of the continuous measures (as <paramref name="resolution"/>).</param>
    /// <param name="high">Upper bounds of the continuous measures (as <paramref name="resolution"/>).</param>
    /// <exception cref="ArgumentException">A list repeats or holds a non-finite value, or a continuous measure lacks cells or bounds.</exception>
    public CategoricalTessellation(double[][] categories, int[]? resolution = null, double[]? low = null, double[]? high = null)
    {
        ArgumentNullException.ThrowIfNull(categories);
        int k = categories.Length;
        if (k == 0)
            throw new ArgumentException("A categorical archive needs at least one measure.", nameof(categories));
        this.categories = new double[k][];
        sortedValues = new double[k][];
        sortedCells = new int[k][];
        this.resolution = new int[k];
        this.low = new double[k];
        this.high = new double[k];
        scale = new double[k];
        long cells = 1;
        for (int j = 0; j < k; j++)
        {
            var values = categories[j] ?? throw new ArgumentException($"Categories of measure {j} are null.", nameof(categories));
            if (values.Length > 0)
            {
                this.categories[j] = (double[])values.Clone();
                var sorted = (double[])values.Clone();
                var order = new int[values.Length];
                for (int c = 0; c < order.Length; c++)
                {
                    if (!double.IsFinite(values[c]))
                        throw new ArgumentException($"Category {c} of measure {j} is {values[c]}; categories must be finite.");
                    order[c] = c;
                }
                Array.Sort(sorted, order);
                for (int c = 1; c < sorted.Length; c++)
                    if (sorted[c] == sorted[c - 1])
                        throw new ArgumentException($"Measure {j} lists category {Format(sorted[c])} twice.");
                sortedValues[j] = sorted;
                sortedCells[j] = order;
                this.resolution[j] = values.Length;
                this.low[j] = sorted[0];
                this.high[j] = sorted[^1];
            }
            else
            {
                if (resolution is null || low is null || high is null || resolution.Length != k || low.Length != k || high.Length != k)
                    throw new ArgumentException(
                        $"Measure {j} is continuous (no categories): give {k} resolutions and {k} lower and upper bounds."
                    );
                if (resolution[j] < 1)
                    throw new ArgumentException($"Resolution of measure {j} is {resolution[j]}; it must be at least 1.");
                if (!double.IsFinite(low[j]) || !double.IsFinite(high[j]) || !(low[j] < high[j]))
                    throw new ArgumentException($"Bounds of measure {j} are [{low[j]}, {high[j]}]; they must be finite with low < high.");
                this.categories[j] = [];
                sortedValues[j] = [];
                sortedCells[j] = [];
                this.resolution[j] = resolution[j];
                this.low[j] = low[j];
                this.high[j] = high[j];
                scale[j] = resolution[j] / (high[j] - low[j]);
            }
            cells *= this.resolution[j];
            if (cells > int.MaxValue / 2)
                throw new ArgumentException($"{string.Join("×", this.resolution.Take(j + 1))} cells is too many.", nameof(categories));
        }
        CellCount = (int)cells;
        // Bounds of a categorical measure are its smallest and largest values; a single category gets a
        // unit-wide box so that pictures have an extent.
        var layoutHigh = (double[])this.high.Clone();
        for (int j = 0; j < k; j++)
            if (layoutHigh[j] == this.low[j])
                layoutHigh[j] = this.low[j] + 1.0;
        Layout = new ArchiveLayout("categorical", (double[])this.low.Clone(), layoutHigh, (int[])this.resolution.Clone(), [])
        {
            Categories = this.categories.Select(c => (double[])c.Clone()).ToArray(),
        };
    }

    /// <inheritdoc/>
    public int MeasureDim => resolution.Length;

    /// <inheritdoc/>
    public int CellCount { get; }

    /// <inheritdoc/>
    public ArchiveLayout Layout { get; }

    /// <summary>True when measure <paramref name="j"/> is categorical.</summary>
    public bool IsCategorical(int j) => categories[j].Length > 0;

    /// <summary>The categories of measure <paramref name="j"/> in cell order (empty for a continuous measure).</summary>
    public ReadOnlySpan<double> CategoriesOf(int j) => categories[j];

    /// <summary>Cells per measure.</summary>
    public ReadOnlySpan<int> Resolution => resolution;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A categorical measure's value is not one of its categories.</exception>
    public int CellOf(ReadOnlySpan<double> measures) => CellOf(measures, -1);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A categorical measure's value is not one of its categories (the message names the row).</exception>
    public void CellsOf(ReadOnlySpan<double> measures, Span<int> cells)
    {
        int k = resolution.Length;
        for (int i = 0; i < cells.Length; i++)
            cells[i] = CellOf(measures.Slice(i * k, k), i);
    }

    int CellOf(ReadOnlySpan<double> measures, int row)
    {
        int cell = 0;
        for (int j = 0; j < resolution.Length; j++)
        {
            int c;
            if (sortedValues[j].Length > 0)
            {
                int at = Array.BinarySearch(sortedValues[j], measures[j]);
                if (at < 0)
                    throw new ArgumentException(
                        $"{(row >= 0 ? $"Row {row}: m" : "M")}easure {j} is {Format(measures[j])}, not one of its categories ({string.Join(", ", categories[j].Select(Format))})."
                    );
                c = sortedCells[j][at];
            }
            else
            {
                double t = (measures[j] - low[j]) * scale[j];
                c =
                    t <= 0 ? 0
                    : t >= resolution[j] ? resolution[j] - 1
                    : (int)t;
            }
            cell = cell * resolution[j] + c;
        }
        return cell;
    }

    /// <summary>The per-measure coordinates of <paramref name="cell"/> (a category's position in its list).</summary>
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

    static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
