using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QdFunctional.Numerics;

/// <summary>
/// exp, log, sin, cos, tanh, sigmoid and pow on doubles that give the same bits on every machine:
/// x64 with or without AVX/AVX2, Arm, any JIT tier, any buffer address, scalar or vector.
/// </summary>
/// <remarks>
/// <para>Why: System.Math calls the platform's C library, whose last bits differ between operating
/// systems and CPUs, and the vector functions of <c>Vector256</c> and <c>TensorPrimitives</c> differ
/// between hardware and software paths (and, for TensorPrimitives, with alignment and JIT tier). A
/// library that promises byte-identical results for a seed cannot use either.</para>
/// <para>How: every function is one generic kernel (<c>Kernels</c>) run as a scalar, a
/// <see cref="Vector128{T}"/> and a <see cref="Vector256{T}"/> instantiation. The kernels use only
/// operations IEEE 754 rounds identically everywhere (add, subtract, multiply, divide, never fused;
/// comparisons, selects, integer bit operations on the patterns), in one order, so the scalar and the
/// vector forms are bit-identical and independent of the hardware. Algorithms: fdlibm's reductions and
/// minimax polynomials for exp, log, sin and cos (within 1 ulp); Cephes' rational approximation for
/// small tanh; pow as e^{b·ln|a|} with the logarithm in double-double, or by multiplication for
/// the integer exponents −2..3.</para>
/// <para>Accuracy (measured by the test suite against System.Math on millions of inputs): exp, log, sin,
/// cos within 1 ulp; tanh within 2 ulp; sigmoid within 4 ulp of 1/(1 + Math.Exp(−x)); pow within 2 ulp
/// while |b·ln a| ≤ 8, and within 2 + |b·ln a|/8 ulp beyond. Special values follow IEEE 754: NaN in gives the same NaN out, exp overflows to
/// +∞ above 709.78 and underflows to +0 below −745.13, log(0) = −∞, log of a negative is NaN.</para>
/// <para>sin and cos reduce exactly (four-part Cody–Waite with π/2 to 10⁻⁴⁸) for |x| ≤ 524288. Beyond
/// that they fall back to System.Math per element, in every form alike, so they still agree with each
/// other on one machine but are no longer guaranteed portable across machines; ±∞ gives NaN.</para>
/// </remarks>
public static class PortableMath
{
    /// <summary>The largest |x| for which <see cref="Sin(double)"/> and <see cref="Cos(double)"/> are portable.</summary>
    public const double TrigPortableLimit = Kernels.TrigLimit;

    /// <summary>eˣ, within 1 ulp, the same bits on every machine.</summary>
    public static double Exp(double x) => Kernels.Exp<double, ScalarLanes>(x);

    /// <summary>eˣ per lane; bit-identical to <see cref="Exp(double)"/> on each lane.</summary>
    public static Vector128<double> Exp(Vector128<double> x) => Kernels.Exp<Vector128<double>, Vector128Lanes>(x);

    /// <summary>eˣ per lane; bit-identical to <see cref="Exp(double)"/> on each lane.</summary>
    public static Vector256<double> Exp(Vector256<double> x) => Kernels.Exp<Vector256<double>, Vector256Lanes>(x);

    /// <summary>ln x (NaN for x &lt; 0, −∞ for ±0), within 1 ulp, the same bits on every machine.</summary>
    public static double Log(double x) => Kernels.Log<double, ScalarLanes>(x);

    /// <summary>ln x per lane; bit-identical to <see cref="Log(double)"/> on each lane.</summary>
    public static Vector128<double> Log(Vector128<double> x) => Kernels.Log<Vector128<double>, Vector128Lanes>(x);

    /// <summary>ln x per lane; bit-identical to <see cref="Log(double)"/> on each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x) => Kernels.Log<Vector256<double>, Vector256Lanes>(x);

    /// <summary>ln x per lane; bit-identical to <see cref="Log(double)"/> on each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> x) => Kernels.Log<Vector512<double>, Vector512Lanes>(x);

    /// <summary>tanh x, within 2 ulp, the same bits on every machine.</summary>
    public static double Tanh(double x) => Kernels.Tanh<double, ScalarLanes>(x);

    /// <summary>tanh x per lane; bit-identical to <see cref="Tanh(double)"/> on each lane.</summary>
    public static Vector256<double> Tanh(Vector256<double> x) => Kernels.Tanh<Vector256<double>, Vector256Lanes>(x);

    /// <summary>The logistic function 1 / (1 + e^{−x}), computed exactly in that order with <see cref="Exp(double)"/>.</summary>
    public static double Sigmoid(double x) => Kernels.Sigmoid<double, ScalarLanes>(x);

    /// <summary>1 / (1 + e^{−x}) per lane; bit-identical to <see cref="Sigmoid(double)"/> on each lane.</summary>
    public static Vector256<double> Sigmoid(Vector256<double> x) => Kernels.Sigmoid<Vector256<double>, Vector256Lanes>(x);

    /// <summary>aᵇ with IEEE 754's special cases (b = 0 or a = 1 give 1; a negative a needs an integer b): e^{b·ln|a|}
    /// with ln|a| in double-double, or repeated multiplication for integer b in −2..3 (x² is exactly x·x).</summary>
    public static double Pow(double a, double b) => Kernels.Pow<double, ScalarLanes>(a, b);

    /// <summary>aᵇ per lane; bit-identical to <see cref="Pow(double, double)"/> on each lane.</summary>
    public static Vector256<double> Pow(Vector256<double> a, Vector256<double> b) => Kernels.Pow<Vector256<double>, Vector256Lanes>(a, b);

    /// <summary>sin x and cos x, within 1 ulp; portable for |x| ≤ <see cref="TrigPortableLimit"/>.</summary>
    public static (double Sin, double Cos) SinCos(double x)
    {
        if (!(Math.Abs(x) <= Kernels.TrigLimit))
            return (SinOutside(x), CosOutside(x));
        return Kernels.SinCos<double, ScalarLanes>(x);
    }

    /// <summary>sin x and cos x per lane; bit-identical to <see cref="SinCos(double)"/> on each lane.</summary>
    public static (Vector128<double> Sin, Vector128<double> Cos) SinCos(Vector128<double> x)
    {
        var (s, c) = Kernels.SinCos<Vector128<double>, Vector128Lanes>(x);
        if (Vector128.LessThanOrEqualAll(Vector128.Abs(x), Vector128.Create(Kernels.TrigLimit)))
            return (s, c);
        Span<double> xs = stackalloc double[2],
            ss = stackalloc double[2],
            cs = stackalloc double[2];
        x.CopyTo(xs);
        s.CopyTo(ss);
        c.CopyTo(cs);
        PatchOutside(xs, ss, cs);
        return (Vector128.Create<double>(ss), Vector128.Create<double>(cs));
    }

    /// <summary>sin x and cos x per lane; bit-identical to <see cref="SinCos(double)"/> on each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // small, so hot loops keep it in registers
    public static (Vector256<double> Sin, Vector256<double> Cos) SinCos(Vector256<double> x)
    {
        var (s, c) = Kernels.SinCos<Vector256<double>, Vector256Lanes>(x);
        if (Vector256.LessThanOrEqualAll(Vector256.Abs(x), Vector256.Create(Kernels.TrigLimit)))
            return (s, c);
        return Patched(x, s, c);
    }

    /// <summary>The lanes of a Vector256 SinCos beyond <see cref="TrigPortableLimit"/>, replaced by the scalar fallback.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Vector256<double> Sin, Vector256<double> Cos) Patched(Vector256<double> x, Vector256<double> s, Vector256<double> c)
    {
        Span<double> xs = stackalloc double[4],
            ss = stackalloc double[4],
            cs = stackalloc double[4];
        x.CopyTo(xs);
        s.CopyTo(ss);
        c.CopyTo(cs);
        PatchOutside(xs, ss, cs);
        return (Vector256.Create<double>(ss), Vector256.Create<double>(cs));
    }

    /// <summary>sin x and cos x per lane; bit-identical to <see cref="SinCos(double)"/> on each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // small, so hot loops keep it in registers
    public static (Vector512<double> Sin, Vector512<double> Cos) SinCos(Vector512<double> x)
    {
        var (s, c) = Kernels.SinCos<Vector512<double>, Vector512Lanes>(x);
        if (Vector512.LessThanOrEqualAll(Vector512.Abs(x), Vector512.Create(Kernels.TrigLimit)))
            return (s, c);
        return Patched(x, s, c);
    }

    /// <summary>The lanes of a Vector512 SinCos beyond <see cref="TrigPortableLimit"/>, replaced by the scalar fallback.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Vector512<double> Sin, Vector512<double> Cos) Patched(Vector512<double> x, Vector512<double> s, Vector512<double> c)
    {
        Span<double> xs = stackalloc double[8],
            ss = stackalloc double[8],
            cs = stackalloc double[8];
        x.CopyTo(xs);
        s.CopyTo(ss);
        c.CopyTo(cs);
        PatchOutside(xs, ss, cs);
        return (Vector512.Create<double>(ss), Vector512.Create<double>(cs));
    }

    /// <summary>sin x; see <see cref="SinCos(double)"/>.</summary>
    public static double Sin(double x) => SinCos(x).Sin;

    /// <summary>cos x; see <see cref="SinCos(double)"/>.</summary>
    public static double Cos(double x) => SinCos(x).Cos;

    /// <summary>sin x per lane; see <see cref="SinCos(Vector256{double})"/>.</summary>
    public static Vector256<double> Sin(Vector256<double> x) => SinCos(x).Sin;

    /// <summary>cos x per lane; see <see cref="SinCos(Vector256{double})"/>.</summary>
    public static Vector256<double> Cos(Vector256<double> x) => SinCos(x).Cos;

    /// <summary>y[i] = e^{x[i]}, vectorised where the hardware allows; identical to the scalar form.</summary>
    public static void Exp(ReadOnlySpan<double> x, Span<double> y) => Map<ExpOp>(x, y);

    /// <summary>y[i] = ln x[i], vectorised where the hardware allows; identical to the scalar form.</summary>
    public static void Log(ReadOnlySpan<double> x, Span<double> y) => Map<LogOp>(x, y);

    /// <summary>y[i] = sin x[i], vectorised where the hardware allows; identical to the scalar form.</summary>
    public static void Sin(ReadOnlySpan<double> x, Span<double> y) => Map<SinOp>(x, y);

    /// <summary>y[i] = cos x[i], vectorised where the hardware allows; identical to the scalar form.</summary>
    public static void Cos(ReadOnlySpan<double> x, Span<double> y) => Map<CosOp>(x, y);

    /// <summary>y[i] = tanh x[i], vectorised where the hardware allows; identical to the scalar form.</summary>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> y) => Map<TanhOp>(x, y);

    /// <summary>y[i] = 1 / (1 + e^{−x[i]}), vectorised where the hardware allows; identical to the scalar form.</summary>
    public static void Sigmoid(ReadOnlySpan<double> x, Span<double> y) => Map<SigmoidOp>(x, y);

    /// <summary>y[i] = a[i]^{b[i]}, vectorised where the hardware allows; identical to the scalar form.</summary>
    public static void Pow(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
    {
        if (a.Length != b.Length || y.Length < a.Length)
            throw new ArgumentException(
                $"Pow needs equal input lengths and room for the output, got {a.Length}, {b.Length} and {y.Length}."
            );
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= a.Length - 4; i += 4)
                Pow(Vector256.Create(a.Slice(i, 4)), Vector256.Create(b.Slice(i, 4))).CopyTo(y.Slice(i, 4));
        for (; i < a.Length; i++)
            y[i] = Pow(a[i], b[i]);
    }

    /// <summary>y[i] = x[i]^p, vectorised where the hardware allows; identical to the scalar form.</summary>
    public static void Pow(ReadOnlySpan<double> x, double p, Span<double> y)
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"Pow needs room for {x.Length} results, got {y.Length}.");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var pv = Vector256.Create(p);
            for (; i <= x.Length - 4; i += 4)
                Pow(Vector256.Create(x.Slice(i, 4)), pv).CopyTo(y.Slice(i, 4));
        }
        for (; i < x.Length; i++)
            y[i] = Pow(x[i], p);
    }

    private static double SinOutside(double x) =>
        double.IsNaN(x) ? x
        : double.IsInfinity(x) ? double.NaN
        : Math.Sin(x);

    private static double CosOutside(double x) =>
        double.IsNaN(x) ? x
        : double.IsInfinity(x) ? double.NaN
        : Math.Cos(x);

    private static void PatchOutside(ReadOnlySpan<double> x, Span<double> sin, Span<double> cos)
    {
        for (int l = 0; l < x.Length; l++)
            if (!(Math.Abs(x[l]) <= Kernels.TrigLimit))
            {
                sin[l] = SinOutside(x[l]);
                cos[l] = CosOutside(x[l]);
            }
    }

    /// <summary>One function in its three forms, so <see cref="Map{TOp}"/> is written once.</summary>
    private interface IOp
    {
        static abstract double Scalar(double x);
        static abstract Vector128<double> V128(Vector128<double> x);
        static abstract Vector256<double> V256(Vector256<double> x);
    }

    private readonly struct ExpOp : IOp
    {
        public static double Scalar(double x) => Exp(x);

        public static Vector128<double> V128(Vector128<double> x) => Exp(x);

        public static Vector256<double> V256(Vector256<double> x) => Exp(x);
    }

    private readonly struct LogOp : IOp
    {
        public static double Scalar(double x) => Log(x);

        public static Vector128<double> V128(Vector128<double> x) => Log(x);

        public static Vector256<double> V256(Vector256<double> x) => Log(x);
    }

    private readonly struct SinOp : IOp
    {
        public static double Scalar(double x) => SinCos(x).Sin;

        public static Vector128<double> V128(Vector128<double> x) => SinCos(x).Sin;

        public static Vector256<double> V256(Vector256<double> x) => SinCos(x).Sin;
    }

    private readonly struct CosOp : IOp
    {
        public static double Scalar(double x) => SinCos(x).Cos;

        public static Vector128<double> V128(Vector128<double> x) => SinCos(x).Cos;

        public static Vector256<double> V256(Vector256<double> x) => SinCos(x).Cos;
    }

    private readonly struct TanhOp : IOp
    {
        public static double Scalar(double x) => Tanh(x);

        public static Vector128<double> V128(Vector128<double> x) => Kernels.Tanh<Vector128<double>, Vector128Lanes>(x);

        public static Vector256<double> V256(Vector256<double> x) => Tanh(x);
    }

    private readonly struct SigmoidOp : IOp
    {
        public static double Scalar(double x) => Sigmoid(x);

        public static Vector128<double> V128(Vector128<double> x) => Kernels.Sigmoid<Vector128<double>, Vector128Lanes>(x);

        public static Vector256<double> V256(Vector256<double> x) => Sigmoid(x);
    }

    /// <summary>Applies an op over a span: 256-bit vectors when accelerated, else 128-bit, else scalar,
    /// the tail scalar. Every form gives the same bits, so the split never shows in the results.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TOp>(ReadOnlySpan<double> x, Span<double> y)
        where TOp : struct, IOp
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"The output needs room for {x.Length} results, got {y.Length}.");
        int i = 0,
            n = x.Length;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 4; i += 4)
                TOp.V256(Vector256.Create(x.Slice(i, 4))).CopyTo(y.Slice(i, 4));
        else if (Vector128.IsHardwareAccelerated)
            for (; i <= n - 2; i += 2)
                TOp.V128(Vector128.Create(x.Slice(i, 2))).CopyTo(y.Slice(i, 2));
        for (; i < n; i++)
            y[i] = TOp.Scalar(x[i]);
    }
}
