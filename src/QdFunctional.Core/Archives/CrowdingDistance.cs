namespace QdFunctional.Core.Archives;

/// <summary>
/// NSGA-II's crowding distance (Deb et al. 2002), which MOME uses to decide which solutions of
/// an overflowing front to drop: a point whose neighbours are close in every objective adds
/// little to the front's spread.
/// </summary>
/// <remarks>
/// Per objective the points are sorted by value (ties by position, so the result is fixed); the
/// first and last in that order are boundary points with infinite distance; every other point
/// adds (next − previous) / (max − min). An objective whose values are all equal adds nothing
/// and marks no boundary.
/// </remarks>
public static class CrowdingDistance
{
    /// <summary>Crowding distances of n points (n × m, row-major) into <paramref name="distance"/> (n values).</summary>
    public static void Compute(ReadOnlySpan<double> points, int objectiveCount, Span<double> distance)
    {
        int m = objectiveCount, n = distance.Length;
        if (m < 1 || points.Length != n * m)
            throw new ArgumentException($"CrowdingDistance: {points.Length} values are not {n} rows of {m} objectives.");
        Compute(points, m, distance, new (double, int)[n]);
    }

    static void Compute(ReadOnlySpan<double> points, int m, Span<double> distance, (double Value, int Row)[] scratch)
    {
        int n = distance.Length;
        distance.Clear();
        if (n == 0)
            return;
        var sorted = scratch.AsSpan(0, n);
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++)
                sorted[i] = (points[i * m + j], i);
            sorted.Sort();
            double range = sorted[n - 1].Value - sorted[0].Value;
            if (!(range > 0.0))
                continue;
            distance[sorted[0].Row] = double.PositiveInfinity;
            distance[sorted[n - 1].Row] = double.PositiveInfinity;
            for (int s = 1; s < n - 1; s++)
                distance[sorted[s].Row] += (sorted[s + 1].Value - sorted[s - 1].Value) / range;
        }
    }

    /// <summary>
    /// Drops points one at a time until <paramref name="limit"/> remain among those marked in
    /// <paramref name="keep"/>: each time the crowding distances of the remaining points are
    /// recomputed and the point with the smallest one is dropped; among equal distances the last
    /// (highest position) goes, so newcomers placed after a stored front leave before its members.
    /// </summary>
    public static void Truncate(ReadOnlySpan<double> points, int objectiveCount, Span<bool> keep, int limit)
    {
        int m = objectiveCount, n = keep.Length;
        if (m < 1 || points.Length != n * m)
            throw new ArgumentException($"CrowdingDistance: {points.Length} values are not {n} rows of {m} objectives.");
        if (limit < 0)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "Truncate needs a limit of 0 or more.");
        var rows = new List<int>(n);
        for (int i = 0; i < n; i++)
            if (keep[i])
                rows.Add(i);
        var sub = new double[rows.Count * m];
        var distance = new double[rows.Count];
        var scratch = new (double, int)[rows.Count];
        while (rows.Count > limit)
        {
            int c = rows.Count;
            for (int r = 0; r < c; r++)
                points.Slice(rows[r] * m, m).CopyTo(sub.AsSpan(r * m, m));
            Compute(sub.AsSpan(0, c * m), m, distance.AsSpan(0, c), scratch);
            int worst = c - 1;
            for (int r = c - 2; r >= 0; r--)
                if (distance[r] < distance[worst])
                    worst = r;
            keep[rows[worst]] = false;
            rows.RemoveAt(worst);
        }
    }
}
