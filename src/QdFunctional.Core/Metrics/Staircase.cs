namespace QdFunctional.Core.Metrics;

/// <summary>
/// A 2-D non-dominated staircase (x ascending, y descending) of points with positive coordinates
/// and the area it dominates above the origin, kept up to date by each insertion: the 2-D
/// hypervolume that the 3-D sweep slices, and the exact 2-D contribution of a point to a front.
/// </summary>
internal sealed class Staircase(int capacity)
{
    double[] x = new double[capacity];
    double[] y = new double[capacity];
    int count;

    /// <summary>Area dominated by the staircase (its 2-D hypervolume w.r.t. the origin).</summary>
    public double Area { get; private set; }

    /// <summary>Points on the staircase.</summary>
    public int Count => count;

    /// <summary>The area (a, b) would add: its exclusive 2-D hypervolume contribution. Changes nothing.</summary>
    public double Gain(double a, double b) => Probe(a, b, out _, out _);

    /// <summary>Adds (a, b): steps it dominates leave; a weakly dominated point changes nothing.</summary>
    public void Insert(double a, double b)
    {
        double gain = Probe(a, b, out int from, out int to);
        if (from < 0)
            return;
        if (count + 1 > x.Length)
        {
            Array.Resize(ref x, Math.Max(4, 2 * x.Length));
            Array.Resize(ref y, x.Length);
        }
        // Steps from .. to-1 are dominated by (a, b): replace them by it.
        int removed = to - from,
            tail = count - to;
        if (removed != 1)
        {
            Array.Copy(x, to, x, from + 1, tail);
            Array.Copy(y, to, y, from + 1, tail);
        }
        x[from] = a;
        y[from] = b;
        count += 1 - removed;
        Area += gain;
    }

    /// <summary>
    /// The area (a, b) adds, and the steps [from, to) it would replace; from = -1 when it is weakly
    /// dominated. The staircase's height just left of x = t is the y of the first step at or right of t.
    /// </summary>
    double Probe(double a, double b, out int from, out int to)
    {
        int lo = LowerBound(a);
        double near = lo < count ? y[lo] : 0.0;
        if (near >= b)
        {
            from = to = -1;
            return 0.0;
        }
        int hi = lo;
        while (hi < count && x[hi] == a)
            hi++; // same x, lower y: dominated by the new point
        int i = lo - 1;
        double gain = (a - (i >= 0 ? x[i] : 0.0)) * (b - near);
        while (i >= 0 && y[i] <= b)
        {
            gain += (x[i] - (i >= 1 ? x[i - 1] : 0.0)) * (b - y[i]);
            i--;
        }
        from = i + 1;
        to = hi;
        return gain;
    }

    int LowerBound(double a)
    {
        int lo = 0,
            hi = count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (x[mid] < a)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
