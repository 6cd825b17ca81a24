using QdFunctional.Core.Metrics;

namespace QdFunctional.Serve;

/// <summary>
/// Metrics rows thinned for a chart: a page that draws 100,000 iterations needs a few thousand points
/// (a chart is about that many pixels wide), so every k-th row is sent, and always the last. Rows that
/// carry an archive-wide figure (MOME's global hypervolume, novelty search's mean novelty: a run
/// computes those for a few rows only) are thinned among themselves and kept beside, so their
/// curves do not vanish in the stride.
/// </summary>
public static class Curves
{
    /// <summary>Points sent per run by default.</summary>
    public const int DefaultPoints = 4000;

    /// <summary>
    /// At most <paramref name="max"/> of <paramref name="rows"/>, evenly spaced, the first and last kept,
    /// and at most <paramref name="max"/> more of those with an archive-wide figure; in row order.
    /// </summary>
    public static MetricsRow[] Thin(MetricsRow[] rows, int max)
    {
        if (max < 2 || rows.Length <= max)
            return rows;
        var figures = new List<int>();
        for (int i = 0; i < rows.Length; i++)
            if (!ArchiveFigures.Missing(rows[i]))
                figures.Add(i);
        var kept = new SortedSet<int>(Stride(rows.Length, max));
        if (figures.Count > 0)
            foreach (var j in Stride(figures.Count, max))
                kept.Add(figures[j]);
        var thinned = new MetricsRow[kept.Count];
        int k = 0;
        foreach (var i in kept)
            thinned[k++] = rows[i];
        return thinned;
    }

    /// <summary>At most about <paramref name="max"/> evenly spaced indices of 0..n-1, the first and last included.</summary>
    private static IEnumerable<int> Stride(int n, int max)
    {
        if (n <= max)
        {
            for (int i = 0; i < n; i++)
                yield return i;
            yield break;
        }
        int stride = (n + max - 2) / (max - 1);
        int last = 0;
        for (int i = 0; i < n; i += stride)
            yield return last = i;
        if (last != n - 1)
            yield return n - 1;
    }
}
