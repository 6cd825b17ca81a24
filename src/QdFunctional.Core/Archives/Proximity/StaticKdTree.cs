namespace QdFunctional.Core.Archives.Proximity;

/// <summary>
/// A k-d tree built once over a fixed set of entries and never changed, so archive versions can
/// share it. Implicit layout: the entries are permuted so that each node is a range
/// [lo, hi) split at its middle on the dimension of widest spread (entries left of the middle
/// at or below the split value, the others at or above); ranges of at most
/// <see cref="LeafSize"/> entries are scanned. Build O(n log n); a k-nearest query visits
/// O(log n + k) nodes in low dimensions.
/// </summary>
internal sealed class StaticKdTree
{
    const int LeafSize = 8;

    readonly int dim;
    readonly double[] coordinates;
    readonly Elite[] entries;
    readonly byte[] splitDim;

    // The split value of the node whose middle is at this position (the right half's re-partition
    // moves other entries to that position, so the value is kept apart).
    readonly double[] splitValue;

    public StaticKdTree(Elite[] entries, int measureDim)
    {
        dim = measureDim;
        this.entries = entries;
        int n = entries.Length;
        coordinates = new double[n * dim];
        splitDim = new byte[n];
        splitValue = new double[n];
        var order = new int[n];
        var source = new double[n * dim];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            entries[i].Measures.CopyTo(source.AsSpan(i * dim, dim));
        }
        Build(order, source, 0, n);
        var permuted = new Elite[n];
        for (int i = 0; i < n; i++)
        {
            permuted[i] = entries[order[i]];
            source.AsSpan(order[i] * dim, dim).CopyTo(coordinates.AsSpan(i * dim, dim));
        }
        this.entries = permuted;
    }

    public int Count => entries.Length;

    /// <summary>The entries, in tree order (for merging).</summary>
    public ReadOnlySpan<Elite> Entries => entries;

    void Build(int[] order, double[] source, int lo, int hi)
    {
        while (hi - lo > LeafSize)
        {
            int best = 0;
            double widest = -1;
            for (int j = 0; j < dim; j++)
            {
                double min = double.PositiveInfinity,
                    max = double.NegativeInfinity;
                for (int i = lo; i < hi; i++)
                {
                    double v = source[order[i] * dim + j];
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
                if (max - min > widest)
                {
                    widest = max - min;
                    best = j;
                }
            }
            int mid = (lo + hi) >> 1;
            Select(order, source, best, lo, hi - 1, mid);
            splitDim[mid] = (byte)best;
            splitValue[mid] = source[order[mid] * dim + best];
            Build(order, source, lo, mid);
            lo = mid;
        }
    }

    /// <summary>Hoare quickselect with a median-of-three pivot: afterwards order[mid] holds the mid-th smallest on dimension j.</summary>
    void Select(int[] order, double[] source, int j, int left, int right, int mid)
    {
        while (left < right)
        {
            int m = (left + right) >> 1;
            double a = source[order[left] * dim + j],
                b = source[order[m] * dim + j],
                c = source[order[right] * dim + j];
            double pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
            int i = left,
                k = right;
            while (i <= k)
            {
                while (source[order[i] * dim + j] < pivot)
                    i++;
                while (source[order[k] * dim + j] > pivot)
                    k--;
                if (i <= k)
                {
                    (order[i], order[k]) = (order[k], order[i]);
                    i++;
                    k--;
                }
            }
            if (mid <= k)
                right = k;
            else if (mid >= i)
                left = i;
            else
                return;
        }
    }

    /// <summary>Offers every live entry that can enter <paramref name="set"/>; stale entries (replaced in <paramref name="live"/>) are skipped.</summary>
    public void Search(ReadOnlySpan<double> query, NearestSet set, EntryLog live) => Search(query, set, live, 0, entries.Length);

    void Search(ReadOnlySpan<double> query, NearestSet set, EntryLog live, int lo, int hi)
    {
        while (hi - lo > LeafSize)
        {
            int mid = (lo + hi) >> 1;
            int j = splitDim[mid];
            double diff = query[j] - splitValue[mid];
            if (diff < 0)
            {
                Search(query, set, live, lo, mid);
                if (diff * diff > set.Worst)
                    return;
                lo = mid;
            }
            else
            {
                Search(query, set, live, mid, hi);
                if (diff * diff > set.Worst)
                    return;
                hi = mid;
            }
        }
        for (int i = lo; i < hi; i++)
        {
            double d2 = SquaredDistance(query, coordinates.AsSpan(i * dim, dim));
            if (d2 <= set.Worst)
            {
                var e = entries[i];
                if (ReferenceEquals(live[e.Cell], e))
                    set.Offer(d2, e);
            }
        }
    }

    /// <summary>Σ (a_j - b_j)², summed in index order so every tree gives the same bits.</summary>
    public static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }
}
