namespace QdFunctional.Core.Archives;

/// <summary>
/// Pareto dominance for maximized objectives, and the non-dominated filter MOME applies when a
/// batch meets a cell's front (Pierrot et al. 2022, Multi-Objective Quality Diversity Optimization).
/// </summary>
public static class ParetoFront
{
    /// <summary>
    /// True when <paramref name="a"/> dominates <paramref name="b"/>: at least as good in every
    /// objective and strictly better in one (objectives maximized).
    /// </summary>
    public static bool Dominates(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Dominates: {a.Length} objectives against {b.Length}.");
        bool better = false;
        for (int j = 0; j < a.Length; j++)
        {
            if (a[j] < b[j])
                return false;
            if (a[j] > b[j])
                better = true;
        }
        return better;
    }

    /// <summary>
    /// Marks which of n points (n × m, row-major) stay: a point is dropped when another point
    /// dominates it, or when it equals an earlier point in every objective (so among equal points
    /// the earliest stays). Points before <paramref name="settled"/> are taken to be already
    /// mutually non-dominated and distinct (a stored front), so pairs among them are skipped.
    /// Returns the number kept. O(n² m).
    /// </summary>
    public static int NonDominated(ReadOnlySpan<double> points, int objectiveCount, Span<bool> keep, int settled = 0)
    {
        int m = objectiveCount,
            n = points.Length / m;
        if (m < 1 || points.Length != n * m || keep.Length != n)
            throw new ArgumentException($"NonDominated: {points.Length} values are not {keep.Length} rows of {m} objectives.");
        keep.Fill(true);
        for (int j = Math.Max(1, settled); j < n; j++)
        {
            var b = points.Slice(j * m, m);
            for (int i = 0; i < j; i++)
            {
                if (!keep[i] && !keep[j])
                    continue;
                var a = points.Slice(i * m, m);
                bool aBetter = false,
                    bBetter = false;
                for (int t = 0; t < m; t++)
                {
                    if (a[t] > b[t])
                        aBetter = true;
                    else if (a[t] < b[t])
                        bBetter = true;
                }
                if (!bBetter)
                    keep[j] = false; // a dominates b, or equals it and came first
                else if (!aBetter)
                    keep[i] = false; // b dominates a
            }
        }
        int kept = 0;
        foreach (var k in keep)
            if (k)
                kept++;
        return kept;
    }
}
