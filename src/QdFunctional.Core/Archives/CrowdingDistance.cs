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
        int m = objectiveCount,
            n = distance.Length;
        if (m < 1 || points.Length != n * m)
            throw new ArgumentException($"CrowdingDistance: {points.Length} values are not {n} rows of {m} objectives.");
        distance.Clear();
        if (n == 0)
            return;
        var sorted = new (double Value, int Row)[n];
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++)
                sorted[i] = (points[i * m + j], i);
            Array.Sort(sorted);
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
    /// <paramref name="keep"/>: each time the point with the smallest crowding distance among the
    /// remaining ones is dropped (distances as <see cref="Compute"/> gives them for the remaining
    /// set); among equal distances the last (highest position) goes, so newcomers placed after a
    /// stored front leave before its members.
    /// </summary>
    /// <remarks>
    /// The result is the same as recomputing every distance after each removal, but each objective
    /// is sorted once: removing an inner point changes only its neighbours' distances (the ranges
    /// stay), so only they are recomputed, with the same sums in the same order; removing a
    /// boundary point (only when every remaining point is one) recomputes all.
    /// </remarks>
    public static void Truncate(ReadOnlySpan<double> points, int objectiveCount, Span<bool> keep, int limit)
    {
        int m = objectiveCount,
            n = keep.Length;
        if (m < 1 || points.Length != n * m)
            throw new ArgumentException($"CrowdingDistance: {points.Length} values are not {n} rows of {m} objectives.");
        if (limit < 0)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "Truncate needs a limit of 0 or more.");
        int c = 0;
        foreach (var k in keep)
            if (k)
                c++;
        if (c <= limit)
            return;
        var rows = new int[c];
        var values = new double[c * m]; // values[j * c + i]: objective j of the i-th kept point
        for (int i = 0, r = 0; i < n; i++)
            if (keep[i])
            {
                for (int j = 0; j < m; j++)
                    values[j * c + r] = points[i * m + j];
                rows[r++] = i;
            }

        // Per objective: the kept points as a doubly linked list in (value, position) order.
        var prev = new int[m * c];
        var next = new int[m * c];
        var first = new int[m];
        var last = new int[m];
        var range = new double[m];
        var sorted = new (double Value, int Index)[c];
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < c; i++)
                sorted[i] = (values[j * c + i], i);
            Array.Sort(sorted);
            for (int s = 0; s < c; s++)
            {
                prev[j * c + sorted[s].Index] = s > 0 ? sorted[s - 1].Index : -1;
                next[j * c + sorted[s].Index] = s + 1 < c ? sorted[s + 1].Index : -1;
            }
            first[j] = sorted[0].Index;
            last[j] = sorted[c - 1].Index;
        }

        var alive = new bool[c];
        alive.AsSpan().Fill(true);
        var distance = new double[c];
        Ranges();
        for (int i = 0; i < c; i++)
            distance[i] = Distance(i);

        for (int remaining = c; remaining > limit; remaining--)
        {
            int worst = -1;
            for (int i = c - 1; i >= 0; i--)
                if (alive[i] && (worst < 0 || distance[i] < distance[worst]))
                    worst = i;
            alive[worst] = false;
            keep[rows[worst]] = false;
            bool boundary = false;
            for (int j = 0; j < m; j++)
            {
                int p = prev[j * c + worst],
                    q = next[j * c + worst];
                if (p >= 0)
                    next[j * c + p] = q;
                else
                    first[j] = q;
                if (q >= 0)
                    prev[j * c + q] = p;
                else
                    last[j] = p;
                boundary |= p < 0 || q < 0;
            }
            if (boundary)
            {
                Ranges();
                for (int i = 0; i < c; i++)
                    if (alive[i])
                        distance[i] = Distance(i);
            }
            else
            {
                for (int j = 0; j < m; j++)
                {
                    int p = prev[j * c + worst],
                        q = next[j * c + worst];
                    distance[p] = Distance(p);
                    distance[q] = Distance(q);
                }
            }
        }

        void Ranges()
        {
            for (int j = 0; j < m; j++)
                range[j] = first[j] < 0 ? 0.0 : values[j * c + last[j]] - values[j * c + first[j]];
        }

        // The same sum, in the same objective order, as Compute.
        double Distance(int i)
        {
            double d = 0.0;
            for (int j = 0; j < m; j++)
            {
                if (!(range[j] > 0.0))
                    continue;
                int p = prev[j * c + i],
                    q = next[j * c + i];
                if (p < 0 || q < 0)
                    return double.PositiveInfinity;
                d += (values[j * c + q] - values[j * c + p]) / range[j];
            }
            return d;
        }
    }
}
