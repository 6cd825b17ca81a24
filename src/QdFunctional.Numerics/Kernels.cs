using System.Runtime.CompilerServices;

namespace QdFunctional.Numerics;

/// <summary>The portable transcendental kernels, each written once over <see cref="ILanes{T}"/>.</summary>
/// <remarks>Instantiated with <see cref="ScalarLanes"/>, <see cref="Vector128Lanes"/> and
/// <see cref="Vector256Lanes"/>, a kernel runs the same correctly rounded operations in the same order
/// in every form, so all forms, on every CPU, give the same bits. The methods follow the classic
/// argument-reduction plus polynomial scheme of fdlibm (Sun Microsystems, 1993) and use its published
/// minimax coefficients; the special cases are handled with masks so no lane ever branches.</remarks>
internal static class Kernels
{
    /// <summary>1.5·2⁵²: adding it to |v| &lt; 2⁵¹ rounds v to the nearest integer (ties to even) and leaves
    /// that integer, in two's complement, in the low bits of the pattern.</summary>
    internal const double Magic = 6755399441055744.0;
    private const long MagicBits = 0x4338000000000000;

    // ln 2 = Ln2Hi + Ln2Lo; Ln2Hi has 32 significant bits, so k·Ln2Hi is exact for |k| < 2²¹.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;

    // exp(r) = 1 + 2r/(2 − c(r)) with c(r) = r − r²·(E1 + r²·(E2 + …)) on |r| ≤ ln2/2 (fdlibm e_exp.c).
    private const double E1 = 1.66666666666666019037e-01;
    private const double E2 = -2.77777777770155933842e-03;
    private const double E3 = 6.61375632143793436117e-05;
    private const double E4 = -1.65339022054652515390e-06;
    private const double E5 = 4.13813679705723846039e-08;

    /// <summary>Above this exp overflows to +∞.</summary>
    internal const double ExpOverflow = 7.09782712893383973096e+02;

    /// <summary>Below this exp underflows to +0.</summary>
    internal const double ExpUnderflow = -7.45133219101941108420e+02;

    // log(1+f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2+f), R minimax on |s| ≤ 0.1716 (fdlibm e_log.c).
    private const double L1 = 6.666666666666735130e-01;
    private const double L2 = 3.999999999940941908e-01;
    private const double L3 = 2.857142874366239149e-01;
    private const double L4 = 2.222219843214978396e-01;
    private const double L5 = 1.818357216161805012e-01;
    private const double L6 = 1.531383769920937332e-01;
    private const double L7 = 1.479819860511658591e-01;
    private const double Sqrt2 = 1.41421356237309504880;
    private const double MinNormal = 2.2250738585072014e-308;
    private const double TwoTo54 = 18014398509481984.0;
    private const double TwoTo52 = 4503599627370496.0;

    // π/2 = P1 + P2 + P3 + P4 to 7·10⁻⁴⁹; P1, P2, P3 have at most 32 significant bits, so k·P1, k·P2 and
    // k·P3 are exact for |k| < 2²¹.
    private const double TwoOverPi = 6.36619772367581382433e-01;
    private const double P1 = 1.57079632673412561417e+00;
    private const double P2 = 6.07710050630396597660e-11;
    private const double P3 = 2.02226624871116645580e-21;
    private const double P4 = 8.47842766036889956997e-32;

    /// <summary>The kernels reduce |x| ≤ this exactly; <see cref="PortableMath"/> handles larger arguments.</summary>
    internal const double TrigLimit = 524288.0;

    // sin(r) ≈ r + r³·(S1 + r²·(S2 + …)), cos(r) ≈ 1 − r²/2 + r⁴·(C1 + r²·(C2 + …)) on |r| ≤ π/4 (fdlibm k_sin.c, k_cos.c).
    private const double S1 = -1.66666666666666324348e-01;
    private const double S2 = 8.33333333332248946124e-03;
    private const double S3 = -1.98412698298579493134e-04;
    private const double S4 = 2.75573137070700676789e-06;
    private const double S5 = -2.50507602534068634195e-08;
    private const double S6 = 1.58969099521155010221e-10;
    private const double C1 = 4.16666666666666019037e-02;
    private const double C2 = -1.38888888888741095749e-03;
    private const double C3 = 2.48015872894767294178e-05;
    private const double C4 = -2.75573143513906633035e-07;
    private const double C5 = 2.08757232129817482790e-09;
    private const double C6 = -1.13596475577881948265e-11;

    // tanh x = x + x·x²·P(x²)/Q(x²) on |x| < 0.625 (Cephes tanh.c, S. L. Moshier).
    private const double TanhSmall = 0.625;
    private const double T0 = -9.64399179425052238628e-01;
    private const double T1 = -9.92877231001918586564e+01;
    private const double T2 = -1.61468768441708447952e+03;
    private const double U0 = 1.12811678491632931402e+02;
    private const double U1 = 2.23548839060100448583e+03;
    private const double U2 = 4.84406305325125486048e+03;

    private const long SignBit = long.MinValue;

    /// <summary>2^k for integer-valued k in [−1022, 1023], built in the exponent field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Pow2<T, L>(T k)
        where T : struct
        where L : struct, ILanes<T> => L.ShiftLeft(L.AddBits(L.Add(k, L.Splat(Magic)), L.SplatBits(1023)), 52);

    /// <summary>eˣ. Reduction x = k·ln2 + r (|r| ≤ ln2/2, r = hi − lo exactly split), fdlibm's rational
    /// form for eʳ, then a scale by 2^k in two exact halves so that subnormal results round once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Exp<T, L>(T x)
        where T : struct
        where L : struct, ILanes<T>
    {
        var over = L.Less(L.Splat(ExpOverflow), x);
        var under = L.Less(x, L.Splat(ExpUnderflow));
        var xc = L.Select(over, L.Splat(ExpOverflow), L.Select(under, L.Splat(ExpUnderflow), x));
        var k = L.Sub(L.Add(L.Mul(xc, L.Splat(InvLn2)), L.Splat(Magic)), L.Splat(Magic));
        var hi = L.Sub(xc, L.Mul(k, L.Splat(Ln2Hi)));
        var lo = L.Mul(k, L.Splat(Ln2Lo));
        var r = L.Sub(hi, lo);
        var z = L.Mul(r, r);
        var p = L.Add(L.Splat(E4), L.Mul(z, L.Splat(E5)));
        p = L.Add(L.Splat(E3), L.Mul(z, p));
        p = L.Add(L.Splat(E2), L.Mul(z, p));
        p = L.Add(L.Splat(E1), L.Mul(z, p));
        var c = L.Sub(r, L.Mul(z, p));
        var y = L.Sub(L.Splat(1.0), L.Sub(L.Sub(lo, L.Div(L.Mul(r, c), L.Sub(L.Splat(2.0), c))), hi));
        var k1 = L.Sub(L.Add(L.Mul(k, L.Splat(0.5)), L.Splat(Magic)), L.Splat(Magic));
        var k2 = L.Sub(k, k1);
        var result = L.Mul(L.Mul(y, Pow2<T, L>(k1)), Pow2<T, L>(k2));
        result = L.Select(over, L.Splat(double.PositiveInfinity), result);
        result = L.Select(under, L.Splat(0.0), result);
        return L.Select(L.Equal(x, x), result, x);
    }

    /// <summary>ln x. x = 2^e·m with m in [√2/2, √2) (subnormals first scaled by 2⁵⁴), f = m − 1 exactly,
    /// then fdlibm's log(1+f) = f − f²/2 + s·(f²/2 + R(s²)) with s = f/(2+f), and e·ln2 added in two parts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Log<T, L>(T x)
        where T : struct
        where L : struct, ILanes<T>
    {
        var (e, f, s, r) = LogParts<T, L>(x);
        var hfsq = L.Mul(L.Mul(L.Splat(0.5), f), f);
        var inner = L.Add(L.Mul(s, L.Add(hfsq, r)), L.Mul(e, L.Splat(Ln2Lo)));
        var result = L.Sub(L.Mul(e, L.Splat(Ln2Hi)), L.Sub(L.Sub(hfsq, inner), f));
        return LogSpecial<T, L>(x, result);
    }

    /// <summary>The reduction shared by <see cref="Log{T, L}"/> and <see cref="LogExtended{T, L}"/>: the
    /// exponent e, f = m − 1, s = f/(2+f) and fdlibm's R(s²), for positive finite x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T E, T F, T S, T R) LogParts<T, L>(T x)
        where T : struct
        where L : struct, ILanes<T>
    {
        var sub = L.Less(x, L.Splat(MinNormal));
        var xs = L.Select(sub, L.Mul(x, L.Splat(TwoTo54)), x);
        var exponent = L.Sub(L.Or(L.ShiftRight(xs, 52), L.SplatBits(MagicBits)), L.Splat(Magic + 1023.0));
        var m = L.Or(L.And(xs, L.SplatBits(0x000FFFFFFFFFFFFF)), L.SplatBits(0x3FF0000000000000));
        var big = L.Less(L.Splat(Sqrt2), m);
        m = L.Select(big, L.Mul(m, L.Splat(0.5)), m);
        var e = L.Add(exponent, L.Select(big, L.Splat(1.0), L.Splat(0.0)));
        e = L.Sub(e, L.Select(sub, L.Splat(54.0), L.Splat(0.0)));
        var f = L.Sub(m, L.Splat(1.0));
        var s = L.Div(f, L.Add(L.Splat(2.0), f));
        var z = L.Mul(s, s);
        var w = L.Mul(z, z);
        var t1 = L.Mul(w, L.Add(L.Splat(L2), L.Mul(w, L.Add(L.Splat(L4), L.Mul(w, L.Splat(L6))))));
        var t2 = L.Mul(z, L.Add(L.Splat(L1), L.Mul(w, L.Add(L.Splat(L3), L.Mul(w, L.Add(L.Splat(L5), L.Mul(w, L.Splat(L7))))))));
        return (e, f, s, L.Add(t2, t1));
    }

    /// <summary>log's answers for 0, negatives, +∞ and NaN, replacing what the reduction gave there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T LogSpecial<T, L>(T x, T result)
        where T : struct
        where L : struct, ILanes<T>
    {
        result = L.Select(L.Equal(x, L.Splat(double.PositiveInfinity)), x, result);
        result = L.Select(L.Equal(x, L.Splat(0.0)), L.Splat(double.NegativeInfinity), result);
        result = L.Select(L.Less(x, L.Splat(0.0)), L.Splat(double.NaN), result);
        return L.Select(L.Equal(x, x), result, x);
    }

    /// <summary>ln x as an unevaluated sum hi + lo good to about 2⁻⁵⁶ relative (for pow): the same
    /// reduction as <see cref="Log{T, L}"/>, with f²/2 formed exactly (Dekker's product) and the large
    /// terms added by TwoSum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T Hi, T Lo) LogExtended<T, L>(T x)
        where T : struct
        where L : struct, ILanes<T>
    {
        var (e, f, s, r) = LogParts<T, L>(x);
        var (sq, sqErr) = TwoProduct<T, L>(f, f);
        var hh = L.Mul(L.Splat(0.5), sq);
        var hl = L.Mul(L.Splat(0.5), sqErr);
        var tail = L.Mul(s, L.Add(hh, r));
        var (h1, l1) = TwoSum<T, L>(L.Mul(e, L.Splat(Ln2Hi)), f);
        var (h2, l2) = TwoSum<T, L>(h1, L.Sub(L.Splat(0.0), hh));
        var lo = L.Add(L.Add(L.Add(l1, l2), L.Sub(tail, hl)), L.Mul(e, L.Splat(Ln2Lo)));
        var hi = L.Add(h2, lo);
        return (LogSpecial<T, L>(x, hi), L.Sub(lo, L.Sub(hi, h2)));
    }

    /// <summary>Knuth's TwoSum: s + err = a + b exactly, whatever their magnitudes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T Sum, T Err) TwoSum<T, L>(T a, T b)
        where T : struct
        where L : struct, ILanes<T>
    {
        var sum = L.Add(a, b);
        var bv = L.Sub(sum, a);
        var av = L.Sub(sum, bv);
        return (sum, L.Add(L.Sub(a, av), L.Sub(b, bv)));
    }

    /// <summary>Dekker's product without FMA: p + err = a·b exactly (|a|, |b| below 2⁹⁹⁵, no underflow),
    /// each factor split into 26- and 27-bit halves by Veltkamp's 2²⁷ + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T Product, T Err) TwoProduct<T, L>(T a, T b)
        where T : struct
        where L : struct, ILanes<T>
    {
        var (ah, al) = Split<T, L>(a);
        var (bh, bl) = Split<T, L>(b);
        var p = L.Mul(a, b);
        var err = L.Add(L.Add(L.Add(L.Sub(L.Mul(ah, bh), p), L.Mul(ah, bl)), L.Mul(al, bh)), L.Mul(al, bl));
        return (p, err);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T Hi, T Lo) Split<T, L>(T a)
        where T : struct
        where L : struct, ILanes<T>
    {
        var c = L.Mul(L.Splat(134217729.0), a);
        var hi = L.Sub(c, L.Sub(c, a));
        return (hi, L.Sub(a, hi));
    }

    /// <summary>sin x and cos x for |x| ≤ <see cref="TrigLimit"/> (other lanes give garbage the caller replaces).
    /// x = k·π/2 + (hi + lo) with a four-part Cody–Waite reduction made exact by TwoSum, fdlibm's sin and
    /// cos polynomials on |hi| ≤ π/4 with the tail lo as a first-order correction, and k mod 4 choosing
    /// ±sin or ±cos.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T Sin, T Cos) SinCos<T, L>(T x)
        where T : struct
        where L : struct, ILanes<T>
    {
        var t = L.Add(L.Mul(x, L.Splat(TwoOverPi)), L.Splat(Magic));
        var k = L.Sub(t, L.Splat(Magic));
        var a = L.Sub(x, L.Mul(k, L.Splat(P1)));
        var b = L.Mul(k, L.Splat(P2));
        // TwoSum(a, −b): s + e1 = a − b exactly.
        var s = L.Sub(a, b);
        var bv = L.Sub(s, a);
        var av = L.Sub(s, bv);
        var e1 = L.Sub(L.Sub(a, av), L.Add(b, bv));
        var lo = L.Sub(L.Sub(e1, L.Mul(k, L.Splat(P3))), L.Mul(k, L.Splat(P4)));
        // TwoSum(s, lo): hi + lo2 = s + lo exactly.
        var hi = L.Add(s, lo);
        bv = L.Sub(hi, s);
        av = L.Sub(hi, bv);
        var lo2 = L.Add(L.Sub(s, av), L.Sub(lo, bv));

        var z = L.Mul(hi, hi);
        var v = L.Mul(z, hi);
        var ps = L.Add(L.Splat(S5), L.Mul(z, L.Splat(S6)));
        ps = L.Add(L.Splat(S4), L.Mul(z, ps));
        ps = L.Add(L.Splat(S3), L.Mul(z, ps));
        ps = L.Add(L.Splat(S2), L.Mul(z, ps));
        var half = L.Mul(L.Splat(0.5), lo2);
        var sin = L.Sub(hi, L.Sub(L.Sub(L.Mul(z, L.Sub(half, L.Mul(v, ps))), lo2), L.Mul(v, L.Splat(S1))));

        var pc = L.Add(L.Splat(C5), L.Mul(z, L.Splat(C6)));
        pc = L.Add(L.Splat(C4), L.Mul(z, pc));
        pc = L.Add(L.Splat(C3), L.Mul(z, pc));
        pc = L.Add(L.Splat(C2), L.Mul(z, pc));
        pc = L.Add(L.Splat(C1), L.Mul(z, pc));
        var hz = L.Mul(L.Splat(0.5), z);
        var w = L.Sub(L.Splat(1.0), hz);
        var cos = L.Add(w, L.Add(L.Sub(L.Sub(L.Splat(1.0), w), hz), L.Sub(L.Mul(z, L.Mul(z, pc)), L.Mul(hi, lo2))));

        // Quadrant q = k mod 4 from the low bits of t: sin x = (s, c, −s, −c)[q], cos x = (c, −s, −c, s)[q].
        var one = L.SplatBits(1);
        var two = L.SplatBits(2);
        var odd = L.EqualBits(L.And(t, one), one);
        var sinNeg = L.And(L.EqualBits(L.And(t, two), two), L.SplatBits(SignBit));
        var cosNeg = L.And(L.EqualBits(L.And(L.AddBits(t, one), two), two), L.SplatBits(SignBit));
        var sinX = L.Xor(L.Select(odd, cos, sin), sinNeg);
        var cosX = L.Xor(L.Select(odd, sin, cos), cosNeg);
        // sin(±0) = ±0.
        sinX = L.Select(L.Equal(x, L.Splat(0.0)), x, sinX);
        return (sinX, cosX);
    }

    /// <summary>tanh x: x + x³·P(x²)/Q(x²) (Cephes) for |x| &lt; 0.625, else ±(1 − 2/(e^{2|x|} + 1)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Tanh<T, L>(T x)
        where T : struct
        where L : struct, ILanes<T>
    {
        var sign = L.And(x, L.SplatBits(SignBit));
        var ax = L.Xor(x, sign);
        var e = Exp<T, L>(L.Add(ax, ax));
        var large = L.Xor(L.Sub(L.Splat(1.0), L.Div(L.Splat(2.0), L.Add(e, L.Splat(1.0)))), sign);
        var z = L.Mul(x, x);
        var p = L.Add(L.Mul(L.Add(L.Mul(L.Splat(T0), z), L.Splat(T1)), z), L.Splat(T2));
        var q = L.Add(L.Mul(L.Add(L.Mul(L.Add(z, L.Splat(U0)), z), L.Splat(U1)), z), L.Splat(U2));
        var small = L.Add(x, L.Mul(L.Mul(x, z), L.Div(p, q)));
        var result = L.Select(L.Less(ax, L.Splat(TanhSmall)), small, large);
        result = L.Select(L.Equal(x, L.Splat(0.0)), x, result);
        return L.Select(L.Equal(x, x), result, x);
    }

    /// <summary>The logistic function 1 / (1 + e^{−x}).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Sigmoid<T, L>(T x)
        where T : struct
        where L : struct, ILanes<T> => L.Div(L.Splat(1.0), L.Add(L.Splat(1.0), Exp<T, L>(L.Xor(x, L.SplatBits(SignBit)))));

    /// <summary>aᵇ with the sign and special cases of IEEE 754 pow: b = 0 or a = 1 give 1, a negative a
    /// needs an integer b (odd b keeps the sign), zeros and infinities go to 0 or ∞. Integer b in
    /// −2..3 is repeated multiplication (exact when the result is representable, as x² = x·x); other b is
    /// e^{b·ln|a|} with ln|a| in double-double precision, so the error stays near 1 ulp for results
    /// far from 1 too.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Pow<T, L>(T a, T b)
        where T : struct
        where L : struct, ILanes<T>
    {
        var signMask = L.SplatBits(SignBit);
        var ab = L.Xor(b, L.And(b, signMask));
        var aa = L.Xor(a, L.And(a, signMask));
        // |b| ≥ 2⁵² is an integer; below, |b| + 2⁵² rounds |b| to an integer whose parity is the last
        // bit of the pattern (and for |b| in [2⁵², 2⁵³) that last bit is the parity of |b| itself).
        var bigB = L.Less(L.Splat(TwoTo52), ab);
        var tb = L.Add(ab, L.Splat(TwoTo52));
        var integer = L.Or(bigB, L.Equal(L.Sub(tb, L.Splat(TwoTo52)), ab));
        var odd = L.And(
            L.And(integer, L.Less(ab, L.Splat(2.0 * TwoTo52))),
            L.EqualBits(L.And(L.Select(bigB, ab, tb), L.SplatBits(1)), L.SplatBits(1))
        );
        // e^{b·ln|a|} with ln|a| = hi + lo and b·hi = ph + pl exactly: e^{ph}·(1 + pl + b·lo).
        var (lh, ll) = LogExtended<T, L>(aa);
        var (ph, pl) = TwoProduct<T, L>(b, lh);
        var correction = L.Add(pl, L.Mul(b, ll));
        var ap = L.Xor(ph, L.And(ph, signMask));
        // Far outside exp's range, or when splitting a huge b overflowed, the correction is moot: drop it.
        correction = L.Select(L.And(L.Less(ap, L.Splat(1000.0)), L.Equal(correction, correction)), correction, L.Splat(0.0));
        var ep = Exp<T, L>(ph);
        var magnitude = L.Select(L.Less(ep, L.Splat(double.MaxValue)), L.Add(ep, L.Mul(ep, correction)), ep);
        var signA = L.And(a, signMask);
        var result = L.Xor(magnitude, L.And(odd, signA));
        // Integer exponents −2..3: binary powering of a itself (so x² = x·x, (−2)³ = −8 exactly; within
        // 2 ulp), then one division for a negative exponent. Every lane runs both steps. Larger powers
        // compound rounding errors, so they take the double-double path.
        var smallInt = L.And(integer, L.And(L.Less(L.Splat(-2.5), b), L.Less(b, L.Splat(3.5))));
        var bits = L.Select(smallInt, tb, L.Splat(TwoTo52));
        var power = L.Splat(1.0);
        var square = a;
        for (int step = 0; step < 2; step++)
        {
            var bit = L.SplatBits(1L << step);
            power = L.Select(L.EqualBits(L.And(bits, bit), bit), L.Mul(power, square), power);
            square = L.Mul(square, square);
        }
        power = L.Select(L.Less(b, L.Splat(0.0)), L.Div(L.Splat(1.0), power), power);
        result = L.Select(smallInt, power, result);
        // A negative finite a (or −∞ is fine) with a non-integer b has no real power.
        var noReal = L.And(L.And(L.Less(a, L.Splat(0.0)), L.Less(L.Splat(double.NegativeInfinity), a)), L.Xor(integer, L.SplatBits(-1)));
        result = L.Select(noReal, L.Splat(double.NaN), result);
        result = L.Select(L.Equal(a, a), result, a);
        result = L.Select(L.Equal(b, b), result, b);
        // (±1)^±∞ = 1 (the magnitude path would give e^{∞·0}).
        result = L.Select(L.And(L.Equal(aa, L.Splat(1.0)), L.Equal(ab, L.Splat(double.PositiveInfinity))), L.Splat(1.0), result);
        result = L.Select(L.Equal(a, L.Splat(1.0)), L.Splat(1.0), result);
        return L.Select(L.Equal(b, L.Splat(0.0)), L.Splat(1.0), result);
    }
}
