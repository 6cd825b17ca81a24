using System.Runtime.Intrinsics;

namespace QdFunctional.Numerics;

/// <summary>Conversions between float64 and float32 spans: exact widening, and narrowing rounded to
/// nearest even, vectorised where the hardware allows.</summary>
/// <remarks>Both directions are single IEEE 754 conversions, so the vector and scalar forms give the same
/// bits on every machine; the float32 transcendental functions and the dtype casts are built on them.</remarks>
internal static class Precision
{
    /// <summary>y[i] (+)= (double)x[i].</summary>
    internal static void Widen(ReadOnlySpan<float> x, Span<double> y, bool accumulate)
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"widen: room for {y.Length} values, need {x.Length}");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= x.Length - 8; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(x.Slice(i, 8)));
                if (accumulate)
                {
                    lo += Vector256.Create((ReadOnlySpan<double>)y.Slice(i, 4));
                    hi += Vector256.Create((ReadOnlySpan<double>)y.Slice(i + 4, 4));
                }
                lo.CopyTo(y.Slice(i, 4));
                hi.CopyTo(y.Slice(i + 4, 4));
            }
        for (; i < x.Length; i++)
            y[i] = accumulate ? y[i] + x[i] : x[i];
    }

    /// <summary>y[i] = (float)x[i], or y[i] += (float)x[i] (the conversion rounded first, then the float32 add).</summary>
    internal static void Narrow(ReadOnlySpan<double> x, Span<float> y, bool accumulate)
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"narrow: room for {y.Length} values, need {x.Length}");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= x.Length - 8; i += 8)
            {
                var v = Vector256.Narrow(Vector256.Create(x.Slice(i, 4)), Vector256.Create(x.Slice(i + 4, 4)));
                if (accumulate)
                    v += Vector256.Create((ReadOnlySpan<float>)y.Slice(i, 8));
                v.CopyTo(y.Slice(i, 8));
            }
        for (; i < x.Length; i++)
            y[i] = accumulate ? y[i] + (float)x[i] : (float)x[i];
    }
}
