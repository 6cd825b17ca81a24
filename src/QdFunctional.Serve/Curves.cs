using QdFunctional.Core.Metrics;

namespace QdFunctional.Serve;

/// <summary>
/// Metrics rows thinned for a chart: a page that draws 100,000 iterations needs a few thousand points
/// (a chart is about that many pixels wide), so every k-th row is sent, and always the last.
/// </summary>
public static class Curves
{
    /// <summary>Points sent per run by default.</summary>
    public const int DefaultPoints = 4000;

    /// <summary>At most <paramref name="max"/> of <paramref name="rows"/>, evenly spaced, the first and last kept.</summary>
    public static MetricsRow[] Thin(MetricsRow[] rows, int max)
    {
        if (max < 2 || rows.Length <= max)
            return rows;
        int stride = (rows.Length + max - 2) / (max - 1);
        var kept = new List<MetricsRow>(max + 1);
        for (int i = 0; i < rows.Length; i += stride)
            kept.Add(rows[i]);
        if (!ReferenceEquals(kept[^1], rows[^1]))
            kept.Add(rows[^1]);
        return [.. kept];
    }
}
