namespace QdFunctional.Core.Archives;

using QdFunctional.Core.Archives.Cvt;
using QdFunctional.Core.Persistence;
using QdFunctional.Core.Random;

/// <summary>
/// Centroidal Voronoi cells (CVT-MAP-Elites, Vassiliades et al. 2018): a measure vector belongs
/// to its nearest centroid. Scales the archive to many measures, where a grid's cell count
/// would explode.
/// </summary>
public sealed class CvtTessellation : ITessellation
{
    readonly double[] centroids;
    readonly KdTree tree;
    readonly double[] low;
    readonly double[] high;

    /// <summary>Cells at the given centroids (cells × k, row-major) within [low, high].</summary>
    public CvtTessellation(double[] centroids, double[] low, double[] high)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        int k = low.Length;
        if (k == 0 || high.Length != k)
            throw new ArgumentException($"CVT: {low.Length} lower and {high.Length} upper bounds; need the same, non-zero number.");
        for (int j = 0; j < k; j++)
            if (!double.IsFinite(low[j]) || !double.IsFinite(high[j]) || !(low[j] < high[j]))
                throw new ArgumentException($"CVT: bounds of measure {j} are [{low[j]}, {high[j]}]; they must be finite with low < high.");
        if (centroids.Length == 0 || centroids.Length % k != 0)
            throw new ArgumentException($"CVT: {centroids.Length} centroid values do not form rows of {k} measures.", nameof(centroids));
        for (int i = 0; i < centroids.Length; i++)
            if (!double.IsFinite(centroids[i]))
                throw new ArgumentException($"CVT: centroid {i / k}, measure {i % k} is {centroids[i]}.", nameof(centroids));
        this.centroids = (double[])centroids.Clone();
        this.low = (double[])low.Clone();
        this.high = (double[])high.Clone();
        MeasureDim = k;
        CellCount = centroids.Length / k;
        tree = new KdTree(this.centroids, k);
        Layout = new ArchiveLayout("cvt", this.low, this.high, [], this.centroids);
    }

    /// <summary>
    /// <paramref name="cells"/> centroids from k-means over samples drawn uniformly within the
    /// bounds with <paramref name="key"/> (pyribs' CVTArchive defaults: 100,000 samples).
    /// </summary>
    public static CvtTessellation FromKMeans(int cells, double[] low, double[] high, Key key, KMeansOptions? options = null) =>
        new(KMeans.Centroids(key, cells, low, high, options), low, high);

    /// <inheritdoc/>
    public int MeasureDim { get; }

    /// <inheritdoc/>
    public int CellCount { get; }

    /// <summary>The centroids, cells × k row-major.</summary>
    public ReadOnlySpan<double> Centroids => centroids;

    /// <inheritdoc/>
    public ArchiveLayout Layout { get; }

    /// <inheritdoc/>
    public int CellOf(ReadOnlySpan<double> measures) => tree.Nearest(measures);

    /// <inheritdoc/>
    public void CellsOf(ReadOnlySpan<double> measures, Span<int> cells) => tree.Nearest(measures, cells);
}
