namespace QdFunctional.Diff;

/// <summary>exp, log, tanh, sigmoid and pow (and sin, cos beyond VectorTrig's range), one element at a time through System.Math.</summary>
/// <remarks>TensorPrimitives' vector versions of these functions round some elements differently
/// depending on the memory address of the span and on which JIT tier compiled them (precompiled code
/// at start-up, optimized code once warm), so the same population could give different last bits in
/// the first and the hundredth call, or in two runs of one program. System.Math is the same function
/// every time, so the engine stays bit-reproducible; the arithmetic around these calls stays SIMD.</remarks>
internal static class Transcendental
{
    /// <summary>y = op(x; p) for a transcendental unary op.</summary>
    internal static void Unary(UnaryOp op, double p, ReadOnlySpan<double> x, Span<double> y)
    {
        switch (op)
        {
            case UnaryOp.Exp: for (int i = 0; i < x.Length; i++) y[i] = Math.Exp(x[i]); break;
            case UnaryOp.Log: for (int i = 0; i < x.Length; i++) y[i] = Math.Log(x[i]); break;
            case UnaryOp.Sin: for (int i = 0; i < x.Length; i++) y[i] = Math.Sin(x[i]); break;
            case UnaryOp.Cos: for (int i = 0; i < x.Length; i++) y[i] = Math.Cos(x[i]); break;
            case UnaryOp.Tanh: for (int i = 0; i < x.Length; i++) y[i] = Math.Tanh(x[i]); break;
            case UnaryOp.Sigmoid: for (int i = 0; i < x.Length; i++) y[i] = 1.0 / (1.0 + Math.Exp(-x[i])); break;
            case UnaryOp.PowScalar: for (int i = 0; i < x.Length; i++) y[i] = Math.Pow(x[i], p); break;
            default: throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <summary>y = aᵇ elementwise.</summary>
    internal static void Pow(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
    {
        for (int i = 0; i < a.Length; i++) y[i] = Math.Pow(a[i], b[i]);
    }
}
