using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QdFunctional.Numerics;

/// <summary>Sums and dot products whose order of additions depends only on the length: the same bits
/// on every CPU, wherever the data lives and whichever JIT tier runs.</summary>
/// <remarks>TensorPrimitives.Sum, Dot and Norm align their vector loop to the memory address and use
/// the machine's vector width, so the same row rounds differently in another buffer, with AVX2
/// switched off, or on Arm. Here the order is fixed as if vectors were always four lanes wide: four
/// accumulators of four lanes take elements 16t..16t+15, further groups of four go to the first one,
/// the accumulators are added as (a0 + a1) + (a2 + a3), its lanes in order 0..3, then the tail one
/// element at a time. Lengths below 4 are summed one element at a time from zero. With 256-bit
/// vectors this is one register per accumulator; otherwise each is two 128-bit halves doing the
/// same additions lane for lane. Products are rounded before they are added (no fused multiply-add).
/// The float32 overloads follow the same order with float32 additions (a 128-bit vector holds exactly
/// four float32 lanes), so float32 sums are as reproducible as float64 ones.</remarks>
public static class FixedOrder
{
    /// <summary>Σ x[i] in the fixed association order described on the class.</summary>
    public static double Sum(ReadOnlySpan<double> x) => Dot(x, default, square: false, product: false);

    /// <summary>Σ a[i]·b[i] in the fixed association order described on the class.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Dot needs spans of one length, got {a.Length} and {b.Length}.");
        return Dot(a, b, square: false, product: true);
    }

    /// <summary>√(Σ x[i]²): the Euclidean norm, with the sum of squares in the fixed order (no scaling
    /// against overflow, like TensorPrimitives.Norm).</summary>
    public static double Norm(ReadOnlySpan<double> x) => Math.Sqrt(Dot(x, default, square: true, product: true));

    /// <summary>Σ x[i] in float32, in the fixed association order described on the class.</summary>
    public static float Sum(ReadOnlySpan<float> x) => Dot(x, default, product: false);

    /// <summary>Σ a[i]·b[i] in float32, in the fixed association order described on the class.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Dot needs spans of one length, got {a.Length} and {b.Length}.");
        return Dot(a, b, product: true);
    }

    /// <summary>Σ x[i] in x's dtype (double or float), for kernels written once over both.</summary>
    internal static T SumOf<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
            return T.CreateTruncating(Sum(MemoryMarshal.Cast<T, double>(x)));
        if (typeof(T) == typeof(float))
            return T.CreateTruncating(Sum(MemoryMarshal.Cast<T, float>(x)));
        throw new NotSupportedException($"sum: element type {typeof(T).Name} is not a dtype");
    }

    /// <summary>Σ a[i]·b[i] in the operands' dtype (double or float), for kernels written once over both.</summary>
    internal static T DotOf<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
            return T.CreateTruncating(Dot(MemoryMarshal.Cast<T, double>(a), MemoryMarshal.Cast<T, double>(b)));
        if (typeof(T) == typeof(float))
            return T.CreateTruncating(Dot(MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b)));
        throw new NotSupportedException($"dot: element type {typeof(T).Name} is not a dtype");
    }

    // float32: one 128-bit vector is the four-lane accumulator of the documented order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool product)
    {
        int n = a.Length,
            i = 0;
        float s = 0;
        if (n >= 4)
        {
            Vector128<float> a0 = Vector128<float>.Zero,
                a1 = a0,
                a2 = a0,
                a3 = a0;
            for (; i <= n - 16; i += 16)
            {
                a0 += Term(a, b, i, product);
                a1 += Term(a, b, i + 4, product);
                a2 += Term(a, b, i + 8, product);
                a3 += Term(a, b, i + 12, product);
            }
            for (; i <= n - 4; i += 4)
                a0 += Term(a, b, i, product);
            var v = (a0 + a1) + (a2 + a3);
            s = (((s + v[0]) + v[1]) + v[2]) + v[3];
        }
        for (; i < n; i++)
            s += product ? a[i] * b[i] : a[i];
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Term(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int i, bool product)
    {
        var x = Vector128.Create(a.Slice(i, 4));
        return product ? x * Vector128.Create(b.Slice(i, 4)) : x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the flags are constants at each call, so the branches fold away
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b, bool square, bool product)
    {
        int n = a.Length,
            i = 0;
        double s = 0;
        if (n >= 4)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<double> a0 = Vector256<double>.Zero,
                    a1 = a0,
                    a2 = a0,
                    a3 = a0;
                for (; i <= n - 16; i += 16)
                {
                    a0 += Term256(a, b, i, square, product);
                    a1 += Term256(a, b, i + 4, square, product);
                    a2 += Term256(a, b, i + 8, square, product);
                    a3 += Term256(a, b, i + 12, square, product);
                }
                for (; i <= n - 4; i += 4)
                    a0 += Term256(a, b, i, square, product);
                var v = (a0 + a1) + (a2 + a3);
                s = (((s + v[0]) + v[1]) + v[2]) + v[3];
            }
            else
            {
                Vector128<double> l0 = Vector128<double>.Zero,
                    h0 = l0,
                    l1 = l0,
                    h1 = l0,
                    l2 = l0,
                    h2 = l0,
                    l3 = l0,
                    h3 = l0;
                for (; i <= n - 16; i += 16)
                {
                    l0 += Term128(a, b, i, square, product);
                    h0 += Term128(a, b, i + 2, square, product);
                    l1 += Term128(a, b, i + 4, square, product);
                    h1 += Term128(a, b, i + 6, square, product);
                    l2 += Term128(a, b, i + 8, square, product);
                    h2 += Term128(a, b, i + 10, square, product);
                    l3 += Term128(a, b, i + 12, square, product);
                    h3 += Term128(a, b, i + 14, square, product);
                }
                for (; i <= n - 4; i += 4)
                {
                    l0 += Term128(a, b, i, square, product);
                    h0 += Term128(a, b, i + 2, square, product);
                }
                var lo = (l0 + l1) + (l2 + l3);
                var hi = (h0 + h1) + (h2 + h3);
                s = (((s + lo[0]) + lo[1]) + hi[0]) + hi[1];
            }
        }
        for (; i < n; i++)
            s +=
                !product ? a[i]
                : square ? a[i] * a[i]
                : a[i] * b[i];
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Term256(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int i, bool square, bool product)
    {
        var x = Vector256.Create(a.Slice(i, 4));
        return !product ? x
            : square ? x * x
            : x * Vector256.Create(b.Slice(i, 4));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Term128(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int i, bool square, bool product)
    {
        var x = Vector128.Create(a.Slice(i, 2));
        return !product ? x
            : square ? x * x
            : x * Vector128.Create(b.Slice(i, 2));
    }
}
