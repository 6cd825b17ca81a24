using System.Runtime.CompilerServices;
using QdFunctional.Numerics;

namespace QdFunctional.Core.Archives.Cvt;

/// <summary>
/// Exact nearest-centroid lookup for a CVT archive: a k-d tree (Bentley 1975; Friedman,
/// Bentley and Finkel 1977) over the centroids, built once. A CVT archive maps every
/// measure vector to the cell of its nearest centroid, so this runs once per evaluated
/// solution; brute force would cost cells × dimensions per query.
/// </summary>
/// <remarks>
/// Distance is the squared Euclidean distance summed over the coordinates in order
/// 0..k-1. A point at exactly the same computed distance from two centroids goes to the
/// centroid with the lower index, so the answer is the brute-force argmin with ties to the
/// lower index. Points may lie anywhere, inside or outside the bounds the centroids were
/// drawn from. Queries allocate nothing (up to 256 dimensions) and the tree is immutable,
/// so it is safe to query from many threads at once.
/// </remarks>
[SkipLocalsInit]
public sealed class KdTree
{
    /// <summary>
    /// At most this many centroids share a leaf (more only where all of them coincide): small
    /// leaves prune well, larger ones scan fast.
    /// </summary>
    const int LeafSize = 8;

    /// <summary>Deepest tree built; median splits keep the depth near log2(cells / LeafSize), far below this.</summary>
    const int MaxDepth = 64;

    /// <summary>Batches with at least this many rows are answered on several threads (fixed chunks; same answers).</summary>
    const int ParallelRows = 4096;

    const int ChunkRows = 1024;

    readonly int dims;
    readonly double[] centroids; // as given, row-major
    readonly double[] leafPoints; // centroids reordered so each leaf's rows are contiguous
    readonly int[] leafCells; // original index of each reordered row

    // Node n is internal when splitDim[n] >= 0: children left[n] and right[n], plane splitValue[n].
    // A leaf has splitDim[n] = -1 and covers reordered rows [left[n], right[n]).
    readonly int[] splitDim;
    readonly double[] splitValue;
    readonly int[] left;
    readonly int[] right;
    int nodeCount;

    /// <summary>
    /// Builds the tree over <paramref name="centroids"/>, cells × <paramref name="dimensions"/>
    /// values in row-major order (row i is cell i). The values are copied.
    /// </summary>
    public KdTree(ReadOnlySpan<double> centroids, int dimensions)
    {
        int cells = CvtArgs.Rows(centroids, dimensions, nameof(centroids));
        if (cells < 1)
            throw new ArgumentException("A k-d tree needs at least one centroid.", nameof(centroids));
        dims = dimensions;
        Cells = cells;
        this.centroids = centroids.ToArray();
        var order = new int[cells];
        for (int i = 0; i < cells; i++)
            order[i] = i;
        int maxNodes = 2 * ((cells + LeafSize - 1) / LeafSize) * 2 + 1;
        splitDim = new int[maxNodes];
        splitValue = new double[maxNodes];
        left = new int[maxNodes];
        right = new int[maxNodes];
        var keys = new double[cells];
        Build(order, keys, 0, cells, 0);
        leafPoints = new double[cells * dims];
        leafCells = order;
        for (int r = 0; r < cells; r++)
            this.centroids.AsSpan(order[r] * dims, dims).CopyTo(leafPoints.AsSpan(r * dims, dims));
    }

    /// <summary>The number of centroids (cells).</summary>
    public int Cells { get; }

    /// <summary>The number of coordinates per centroid and per query point.</summary>
    public int Dimensions => dims;

    /// <summary>The centroids as given, row-major.</summary>
    public ReadOnlySpan<double> Centroids => centroids;

    /// <summary>The centroid of <paramref name="cell"/>.</summary>
    public ReadOnlySpan<double> Centroid(int cell)
    {
        if ((uint)cell >= (uint)Cells)
            throw new ArgumentOutOfRangeException(nameof(cell), cell, $"Cells are numbered 0..{Cells - 1}.");
        return centroids.AsSpan(cell * dims, dims);
    }

    /// <summary>The index of the centroid nearest to <paramref name="point"/> (ties to the lower index).</summary>
    public int Nearest(ReadOnlySpan<double> point)
    {
        if (point.Length != dims)
            throw new ArgumentException($"point has {point.Length} coordinates; the centroids have {dims}.", nameof(point));
        CvtArgs.Finite(point, dims, nameof(point));
        return Search(point, -1);
    }

    /// <summary>
    /// The nearest cell for each of the n rows of <paramref name="points"/> (n × Dimensions,
    /// row-major) into <paramref name="cells"/> (length n). All rows are checked before any
    /// answer is written. Large batches run on several threads with the same answers.
    /// </summary>
    public unsafe void Nearest(ReadOnlySpan<double> points, Span<int> cells)
    {
        if (points.Length != cells.Length * dims)
            throw new ArgumentException(
                $"points holds {points.Length} values; {cells.Length} rows of {dims} dimensions need {cells.Length * dims}.",
                nameof(points)
            );
        CvtArgs.Finite(points, dims, nameof(points));
        int n = cells.Length;
        if (n < ParallelRows || Environment.ProcessorCount == 1)
        {
            for (int i = 0; i < n; i++)
                cells[i] = Search(points.Slice(i * dims, dims), -1);
            return;
        }
        fixed (double* p = points)
        fixed (int* c = cells)
        {
            nint pa = (nint)p,
                ca = (nint)c;
            Blocks.For(
                n,
                ChunkRows,
                (start, end) =>
                {
                    var rows = new ReadOnlySpan<double>((double*)pa, n * dims);
                    var answers = new Span<int>((int*)ca, n);
                    for (int i = start; i < end; i++)
                        answers[i] = Search(rows.Slice(i * dims, dims), -1);
                }
            );
        }
    }

    /// <summary>
    /// The nearest cell, starting from <paramref name="hint"/> (a likely answer, or -1) as the
    /// best so far: a good hint prunes most of the tree, and the answer is exact either way.
    /// Used by k-means, whose labels change little between iterations. No argument checks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int Search(ReadOnlySpan<double> q, int hint)
    {
        var best = new Best(double.PositiveInfinity, int.MaxValue);
        if (hint >= 0)
            best = new Best(Distance(q, centroids.AsSpan(hint * dims, dims)), hint);
        // offset[j]: how far q lies outside the current node's box along j (Arya and Mount 1993).
        // Measure spaces have few dimensions; past 256 the buffer comes from the heap.
        Span<double> offset = dims <= 256 ? stackalloc double[dims] : new double[dims];
        offset.Clear();
        Visit(0, q, offset, ref best);
        return best.Cell;
    }

    /// <summary>
    /// Searches <paramref name="node"/>: the near child first, then the far child unless the
    /// box distance rules it out. The box distance is the sum in coordinate order of the
    /// squared offsets, each no larger in magnitude than the matching coordinate difference
    /// to any centroid in the box; floating-point rounding is monotone, so the computed bound
    /// never exceeds a centroid's computed distance. A box at exactly the best distance is
    /// still searched, since it may hold a tie with a lower index.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Visit(int node, ReadOnlySpan<double> q, Span<double> offset, ref Best best)
    {
        int dim = splitDim[node];
        if (dim < 0)
        {
            var points = leafPoints.AsSpan();
            for (int r = left[node]; r < right[node]; r++)
            {
                double d = Distance(q, points.Slice(r * dims, dims));
                if (d < best.Distance || (d == best.Distance && leafCells[r] < best.Cell))
                    best = new Best(d, leafCells[r]);
            }
            return;
        }
        double diff = q[dim] - splitValue[node];
        Visit(diff < 0 ? left[node] : right[node], q, offset, ref best);
        double old = offset[dim];
        offset[dim] = diff;
        double bound = 0.0;
        for (int j = 0; j < offset.Length; j++)
            bound += offset[j] * offset[j];
        if (bound <= best.Distance)
            Visit(diff < 0 ? right[node] : left[node], q, offset, ref best);
        offset[dim] = old;
    }

    /// <summary>The best squared distance so far and its cell.</summary>
    record struct Best(double Distance, int Cell);

    /// <summary>Squared Euclidean distance, summed over coordinates in order (the tie rule depends on this order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0.0;
        for (int j = 0; j < a.Length; j++)
        {
            double t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }

    /// <summary>
    /// Makes node for rows order[start..end): a leaf when small, otherwise a split at the
    /// median along the dimension of widest spread, so every point on the left is &lt;= the
    /// plane and every point on the right is &gt;= it.
    /// </summary>
    int Build(int[] order, double[] keys, int start, int end, int depth)
    {
        int node = nodeCount++;
        int count = end - start;
        int dim = count <= LeafSize || depth >= MaxDepth - 2 ? -1 : WidestDimension(order, start, end);
        if (dim < 0)
        {
            splitDim[node] = -1;
            left[node] = start;
            right[node] = end;
            return node;
        }
        int mid = start + count / 2;
        for (int r = start; r < end; r++)
            keys[r] = centroids[order[r] * dims + dim];
        Select(keys, order, start, end - 1, mid);
        splitDim[node] = dim;
        splitValue[node] = keys[mid];
        left[node] = Build(order, keys, start, mid, depth + 1);
        right[node] = Build(order, keys, mid, end, depth + 1);
        return node;
    }

    /// <summary>The dimension with the largest max - min over the rows, or -1 when all rows coincide.</summary>
    int WidestDimension(int[] order, int start, int end)
    {
        int bestDim = -1;
        double bestSpread = 0.0;
        for (int j = 0; j < dims; j++)
        {
            double lo = double.PositiveInfinity,
                hi = double.NegativeInfinity;
            for (int r = start; r < end; r++)
            {
                double v = centroids[order[r] * dims + j];
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
            if (hi - lo > bestSpread)
            {
                bestSpread = hi - lo;
                bestDim = j;
            }
        }
        return bestDim;
    }

    /// <summary>
    /// Quickselect (Hoare's FIND) on keys[lo..hi], moving order along: afterwards keys[k] is
    /// the k-th smallest, nothing left of k is larger and nothing right of k is smaller. The
    /// pivot is the middle element, so the result is deterministic.
    /// </summary>
    static void Select(double[] keys, int[] order, int lo, int hi, int k)
    {
        while (lo < hi)
        {
            double pivot = keys[lo + (hi - lo) / 2];
            int i = lo,
                j = hi;
            while (i <= j)
            {
                while (keys[i] < pivot)
                    i++;
                while (keys[j] > pivot)
                    j--;
                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    (order[i], order[j]) = (order[j], order[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j)
                hi = j;
            else if (k >= i)
                lo = i;
            else
                return;
        }
    }
}
