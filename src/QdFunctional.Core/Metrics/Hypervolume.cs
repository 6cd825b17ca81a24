namespace QdFunctional.Core.Metrics;

/// <summary>
/// Exact hypervolume of a set of points (objectives maximized) with respect to a reference point:
/// the volume of the union of the boxes [r, p] over the points p that are strictly better than
/// the reference r in every objective. Points that are not contribute nothing, and dominated or
/// repeated points add nothing, so any set may be passed, not only a Pareto front. This is the
/// quality measure of a front used by MOME's MOQD score (Pierrot et al. 2022).
/// </summary>
/// <remarks>
/// Algorithms, after shifting every point to q = p - r:
/// <list type="bullet">
/// <item>m = 1: the largest q.</item>
/// <item>m = 2: sort by the first objective and sweep the staircase, O(n log n).</item>
/// <item>m = 3: the dimension sweep of Fonseca, Paquete and López-Ibáñez (2006): points in
/// decreasing third objective are inserted into a 2-D staircase whose area is updated by the
/// region each insertion adds; volume = sum of area × slab height, O(n log n + n·s) for a
/// staircase of at most s points.</item>
/// <item>m ≥ 4: hypervolume by slicing objectives (While et al. 2006): slabs along the last
/// objective, each the (m-1)-objective hypervolume of the points above it times its height,
/// recursing down to the 3-D sweep. Exact; cost O(n^(m-2) log n), so meant for cell-sized fronts.</item>
/// </list>
/// Every algorithm is exact up to floating-point rounding of the sums of products.
/// </remarks>
public static class Hypervolume
{
    /// <summary>
    /// Hypervolume of n points (n × m, row-major) with respect to <paramref name="reference"/> (m values).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, or a value is NaN or infinite (the message names the row).</exception>
    public static double Of(ReadOnlySpan<double> points, int objectiveCount, ReadOnlySpan<double> reference)
    {
        Check(points, objectiveCount, reference);
        int m = objectiveCount,
            n = points.Length / m;
        var shifted = new double[n * m];
        int inside = Shift(points, m, reference, shifted);
        return OfShifted(shifted.AsSpan(0, inside * m), m);
    }

    /// <summary>
    /// The exclusive contribution of <paramref name="point"/> to the hypervolume of
    /// <paramref name="front"/> (n × m): HV(front ∪ {point}) − HV(front), computed as the volume of
    /// the point's box minus the hypervolume of the front clipped to that box. 0 when the point is
    /// dominated by, or equal to, a front member, or not strictly better than the reference.
    /// </summary>
    public static double Contribution(
        ReadOnlySpan<double> point,
        ReadOnlySpan<double> front,
        int objectiveCount,
        ReadOnlySpan<double> reference
    )
    {
        Check(front, objectiveCount, reference);
        Check(point, objectiveCount, reference);
        if (point.Length != objectiveCount)
            throw new ArgumentException($"Hypervolume: the point has {point.Length} values; expected {objectiveCount}.", nameof(point));
        int m = objectiveCount,
            n = front.Length / m;
        double box = 1.0;
        for (int j = 0; j < m; j++)
        {
            if (!(point[j] > reference[j]))
                return 0.0;
            box *= point[j] - reference[j];
        }
        // Each front member clipped to the point's box, then shifted; those left with no volume drop out.
        var clipped = new double[n * m];
        int c = 0;
        for (int i = 0; i < n; i++)
        {
            bool inside = true;
            for (int j = 0; j < m; j++)
            {
                double v = Math.Min(front[i * m + j], point[j]) - reference[j];
                if (!(v > 0.0))
                {
                    inside = false;
                    break;
                }
                clipped[c * m + j] = v;
            }
            if (inside)
                c++;
        }
        return Math.Max(0.0, box - OfShifted(clipped.AsSpan(0, c * m), m));
    }

    static void Check(ReadOnlySpan<double> points, int m, ReadOnlySpan<double> reference)
    {
        if (m < 1)
            throw new ArgumentOutOfRangeException(nameof(m), m, "Hypervolume needs at least one objective.");
        if (reference.Length != m)
            throw new ArgumentException(
                $"Hypervolume: the reference point has {reference.Length} values; expected {m} (one per objective).",
                nameof(reference)
            );
        if (points.Length % m != 0)
            throw new ArgumentException($"Hypervolume: {points.Length} values are not rows of {m} objectives.", nameof(points));
        for (int j = 0; j < m; j++)
            if (!double.IsFinite(reference[j]))
                throw new ArgumentException(
                    $"Hypervolume: reference objective {j} is {reference[j]}; it must be finite.",
                    nameof(reference)
                );
        for (int i = 0; i < points.Length; i++)
            if (!double.IsFinite(points[i]))
                throw new ArgumentException(
                    $"Hypervolume: objective {i % m} of row {i / m} is {points[i]}; objectives must be finite.",
                    nameof(points)
                );
    }

    /// <summary>Writes q = p - r for the points strictly better than r in every objective; returns how many.</summary>
    static int Shift(ReadOnlySpan<double> points, int m, ReadOnlySpan<double> reference, Span<double> shifted)
    {
        int n = points.Length / m,
            c = 0;
        for (int i = 0; i < n; i++)
        {
            bool inside = true;
            for (int j = 0; j < m; j++)
            {
                double v = points[i * m + j] - reference[j];
                if (!(v > 0.0))
                {
                    inside = false;
                    break;
                }
                shifted[c * m + j] = v;
            }
            if (inside)
                c++;
        }
        return c;
    }

    /// <summary>Hypervolume of already shifted points (all coordinates positive) w.r.t. the origin.</summary>
    internal static double OfShifted(ReadOnlySpan<double> q, int m)
    {
        int n = q.Length / m;
        if (n == 0)
            return 0.0;
        return m switch
        {
            1 => Max(q),
            2 => TwoD(q, n),
            3 => ThreeD(q, n),
            _ => Sliced(q, n, m),
        };
    }

    static double Max(ReadOnlySpan<double> q)
    {
        double best = 0.0;
        foreach (var v in q)
            best = Math.Max(best, v);
        return best;
    }

    static double TwoD(ReadOnlySpan<double> q, int n)
    {
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = q[2 * i];
            ys[i] = q[2 * i + 1];
        }
        xs.AsSpan().Sort(ys.AsSpan());
        // From the largest first objective down: each point adds the strip above the highest so far.
        double area = 0.0,
            top = 0.0;
        for (int i = n - 1; i >= 0; i--)
            if (ys[i] > top)
            {
                area += xs[i] * (ys[i] - top);
                top = ys[i];
            }
        return area;
    }

    static double ThreeD(ReadOnlySpan<double> q, int n)
    {
        var negZ = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            negZ[i] = -q[3 * i + 2];
            order[i] = i;
        }
        negZ.AsSpan().Sort(order.AsSpan());
        var stairs = new Staircase(n);
        double volume = 0.0;
        for (int k = 0; k < n; k++)
        {
            int i = order[k];
            stairs.Insert(q[3 * i], q[3 * i + 1]);
            double z = -negZ[k],
                below = k + 1 < n ? -negZ[k + 1] : 0.0;
            volume += stairs.Area * (z - below);
        }
        return volume;
    }

    static double Sliced(ReadOnlySpan<double> q, int n, int m)
    {
        var negLast = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            negLast[i] = -q[i * m + m - 1];
            order[i] = i;
        }
        negLast.AsSpan().Sort(order.AsSpan());
        int r = m - 1;
        var projected = new double[n * r];
        double volume = 0.0;
        for (int k = 0; k < n; k++)
        {
            q.Slice(order[k] * m, r).CopyTo(projected.AsSpan(k * r, r));
            double height = -negLast[k] - (k + 1 < n ? -negLast[k + 1] : 0.0);
            if (height > 0.0)
                volume += OfShifted(projected.AsSpan(0, (k + 1) * r), r) * height;
        }
        return volume;
    }
}
