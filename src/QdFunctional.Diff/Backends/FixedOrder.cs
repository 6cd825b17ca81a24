using System.Numerics;

namespace QdFunctional.Diff;

/// <summary>Sums and dot products whose order of additions depends only on the length.</summary>
/// <remarks>TensorPrimitives.Sum and Dot align their vector loop to the memory address, so the same row
/// placed in a different pooled buffer can round differently. These kernels start at element 0 with
/// four fixed vector accumulators, add their lanes in order, then the tail: the same bits wherever
/// the data lives and whichever JIT tier runs.</remarks>
internal static class FixedOrder
{
    /// <summary>Σ x[i], vectorized in a fixed association order.</summary>
    internal static double Sum(ReadOnlySpan<double> x)
    {
        int n = x.Length, i = 0, w = Vector<double>.Count;
        double s = 0;
        if (Vector.IsHardwareAccelerated && n >= w)
        {
            Vector<double> a0 = Vector<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                a0 += new Vector<double>(x.Slice(i));
                a1 += new Vector<double>(x.Slice(i + w));
                a2 += new Vector<double>(x.Slice(i + 2 * w));
                a3 += new Vector<double>(x.Slice(i + 3 * w));
            }
            for (; i <= n - w; i += w) a0 += new Vector<double>(x.Slice(i));
            s = Lanes((a0 + a1) + (a2 + a3));
        }
        for (; i < n; i++) s += x[i];
        return s;
    }

    // Lane 0 first, then 1, … (Vector.Sum's order may change with the JIT tier that compiled it).
    private static double Lanes(Vector<double> v)
    {
        double s = 0;
        for (int l = 0; l < Vector<double>.Count; l++) s += v[l];
        return s;
    }

    /// <summary>Σ a[i]·b[i], vectorized in a fixed association order.</summary>
    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, i = 0, w = Vector<double>.Count;
        double s = 0;
        if (Vector.IsHardwareAccelerated && n >= w)
        {
            Vector<double> a0 = Vector<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                a0 += new Vector<double>(a.Slice(i)) * new Vector<double>(b.Slice(i));
                a1 += new Vector<double>(a.Slice(i + w)) * new Vector<double>(b.Slice(i + w));
                a2 += new Vector<double>(a.Slice(i + 2 * w)) * new Vector<double>(b.Slice(i + 2 * w));
                a3 += new Vector<double>(a.Slice(i + 3 * w)) * new Vector<double>(b.Slice(i + 3 * w));
            }
            for (; i <= n - w; i += w) a0 += new Vector<double>(a.Slice(i)) * new Vector<double>(b.Slice(i));
            s = Lanes((a0 + a1) + (a2 + a3));
        }
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }
}
