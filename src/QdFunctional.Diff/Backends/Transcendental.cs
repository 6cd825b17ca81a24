using QdFunctional.Diff.Numerics;

namespace QdFunctional.Diff;

/// <summary>exp, log, sin, cos, tanh, sigmoid and pow over spans, through <see cref="PortableMath"/>.</summary>
/// <remarks>TensorPrimitives' vector versions of these functions round some elements differently
/// depending on the memory address of the span and on which JIT tier compiled them, and System.Math
/// differs between operating systems and CPUs. PortableMath's kernels use only exactly rounded
/// operations, in the same order in their scalar and vector forms, so this SIMD path and
/// <see cref="ScalarBackend"/> (which calls the scalar forms) agree bit for bit on every machine.</remarks>
internal static class Transcendental
{
    /// <summary>y = op(x; p) for a transcendental unary op.</summary>
    internal static void Unary(UnaryOp op, double p, ReadOnlySpan<double> x, Span<double> y)
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

    /// <summary>y = aᵇ elementwise.</summary>
    internal static void Pow(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y) => PortableMath.Pow(a, b, y);
}
