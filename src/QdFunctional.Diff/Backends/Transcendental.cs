using System.Numerics;
using System.Runtime.InteropServices;
using QdFunctional.Numerics;

namespace QdFunctional.Diff;

/// <summary>exp, log, sin, cos, tanh, sigmoid and pow over spans and single values of either dtype, through <see cref="PortableMath"/>.</summary>
/// <remarks>TensorPrimitives' vector versions of these functions round some elements differently
/// depending on the memory address of the span and on which JIT tier compiled them, and System.Math
/// differs between operating systems and CPUs. PortableMath's kernels use only exactly rounded
/// operations, in the same order in their scalar and vector forms, so the SIMD path and
/// <see cref="ScalarBackend"/> (which calls the scalar forms) agree bit for bit on every machine.
/// float32 values are widened exactly, evaluated by the float64 kernels and rounded once to float32
/// (as several C libraries implement expf and sinf): within 1 float32 ulp, and still bit-identical
/// between the vector and scalar forms because each step is.</remarks>
internal static class Transcendental
{
    /// <summary>Elements widened per step on the stack for float32 spans.</summary>
    private const int Chunk = 256;

    /// <summary>y = op(x; p) for a transcendental unary op, in x's dtype.</summary>
    internal static void Unary<T>(UnaryOp op, double p, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
            Unary(op, p, MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        else if (typeof(T) == typeof(float))
            UnarySingle(op, p, MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else
            throw new NotSupportedException($"{op}: element type {typeof(T).Name} is not a dtype");
    }

    /// <summary>y = aᵇ elementwise, in the operands' dtype.</summary>
    internal static void Pow<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            PortableMath.Pow(MemoryMarshal.Cast<T, double>(a), MemoryMarshal.Cast<T, double>(b), MemoryMarshal.Cast<T, double>(y));
            return;
        }
        if (typeof(T) != typeof(float))
            throw new NotSupportedException($"pow: element type {typeof(T).Name} is not a dtype");
        ReadOnlySpan<float> af = MemoryMarshal.Cast<T, float>(a),
            bf = MemoryMarshal.Cast<T, float>(b);
        var yf = MemoryMarshal.Cast<T, float>(y);
        Span<double> wa = stackalloc double[Chunk],
            wb = stackalloc double[Chunk],
            wy = stackalloc double[Chunk];
        for (int s = 0; s < af.Length; s += Chunk)
        {
            int n = Math.Min(Chunk, af.Length - s);
            Precision.Widen(af.Slice(s, n), wa, accumulate: false);
            Precision.Widen(bf.Slice(s, n), wb, accumulate: false);
            PortableMath.Pow(wa[..n], wb[..n], wy[..n]);
            Precision.Narrow(wy[..n], yf.Slice(s, n), accumulate: false);
        }
    }

    /// <summary>aᵇ for one element, rounded once to T.</summary>
    internal static T Pow<T>(T a, T b)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        T.CreateTruncating(PortableMath.Pow(double.CreateTruncating(a), double.CreateTruncating(b)));

    /// <summary>xᵖ for one element, rounded once to T.</summary>
    internal static T Pow<T>(T x, double p)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.CreateTruncating(PortableMath.Pow(double.CreateTruncating(x), p));

    /// <summary>ln x for one element, rounded once to T.</summary>
    internal static T Log<T>(T x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.CreateTruncating(PortableMath.Log(double.CreateTruncating(x)));

    /// <summary>eˣ for one element, rounded once to T.</summary>
    internal static T Exp<T>(T x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.CreateTruncating(PortableMath.Exp(double.CreateTruncating(x)));

    /// <summary>sin x for one element, rounded once to T.</summary>
    internal static T Sin<T>(T x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.CreateTruncating(PortableMath.Sin(double.CreateTruncating(x)));

    /// <summary>cos x for one element, rounded once to T.</summary>
    internal static T Cos<T>(T x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.CreateTruncating(PortableMath.Cos(double.CreateTruncating(x)));

    /// <summary>tanh x for one element, rounded once to T.</summary>
    internal static T Tanh<T>(T x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.CreateTruncating(PortableMath.Tanh(double.CreateTruncating(x)));

    /// <summary>1 / (1 + e⁻ˣ) for one element, rounded once to T.</summary>
    internal static T Sigmoid<T>(T x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.CreateTruncating(PortableMath.Sigmoid(double.CreateTruncating(x)));

    private static void UnarySingle(UnaryOp op, double p, ReadOnlySpan<float> x, Span<float> y)
    {
        Span<double> wx = stackalloc double[Chunk],
            wy = stackalloc double[Chunk];
        for (int s = 0; s < x.Length; s += Chunk)
        {
            int n = Math.Min(Chunk, x.Length - s);
            Precision.Widen(x.Slice(s, n), wx, accumulate: false);
            Unary(op, p, wx[..n], wy[..n]);
            Precision.Narrow(wy[..n], y.Slice(s, n), accumulate: false);
        }
    }

    /// <summary>y = op(x; p) for a transcendental unary op.</summary>
    private static void Unary(UnaryOp op, double p, ReadOnlySpan<double> x, Span<double> y)
    {
        switch (op)
        {
            case UnaryOp.Exp:
                PortableMath.Exp(x, y);
                break;
            case UnaryOp.Log:
                PortableMath.Log(x, y);
                break;
            case UnaryOp.Sin:
                PortableMath.Sin(x, y);
                break;
            case UnaryOp.Cos:
                PortableMath.Cos(x, y);
                break;
            case UnaryOp.Tanh:
                PortableMath.Tanh(x, y);
                break;
            case UnaryOp.Sigmoid:
                PortableMath.Sigmoid(x, y);
                break;
            case UnaryOp.PowScalar:
                PortableMath.Pow(x, p, y);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }
}
