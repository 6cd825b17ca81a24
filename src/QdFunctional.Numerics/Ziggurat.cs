using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QdFunctional.Numerics;

/// <summary>
/// Standard normal values from 64-bit words by Marsaglia and Tsang's ziggurat ("The ziggurat method
/// for generating random variables", J. Stat. Softw. 5(8), 2000) with 256 layers, in the one-word
/// layout of NumPy's and rand's 64-bit versions: bits 0–7 of a word pick the layer, bit 8 the sign,
/// and bits 12–63 the position in the layer's rectangle. About 98.5% of words give their value
/// with one multiplication, one table look-up and one comparison; the rest run the slow path below.
/// </summary>
/// <remarks>
/// <para>Why: Box-Muller spends a logarithm, a sine, a cosine and a square root per pair of values.
/// Built from portable kernels they cost about 2.8 ns per value, twice what Threefry costs to make
/// the word; the ziggurat's fast path costs a fraction of a nanosecond.</para>
/// <para>Reproducible: value <c>i</c> of a key's stream is a pure function of the key and <c>i</c>.
/// Its first word is word <c>i</c> of the key's stream; a value that needs more randomness (the
/// wedge test, the tail, a new try) reads its own retry words <c>t = 0, 1, …</c>, the Threefry
/// blocks of the counters (2³² − 1 − t, i), which no draw of fewer than 2³² values reaches by its
/// main words. Only exactly rounded operations (multiply, add, divide, compare, sign flip) and
/// <see cref="PortableMath"/>'s logarithm and exponential (slow path only) are used, and the tables
/// are computed from those too, so the bits are the same on every CPU, in the scalar and in every
/// vector form, on any thread count.</para>
/// <para>Tables: x₀ = v/f(r), x₁ = r, x_{i+1} = f⁻¹(v/x_i + f(x_i)), x₂₅₆ = 0 with f(x) = e^{−x²/2},
/// r = 3.6541528853610088 and v = 4.92867323399 · 10⁻³ (the paper's constants for 256 layers). A
/// word of layer i gives |z| = m · x_i / 2⁵² for its 52-bit m, accepted at once when below x_{i+1};
/// otherwise layer 0 draws from the tail beyond r (Marsaglia's exponential method) and any other
/// layer accepts when f(x_i) + (f(x_{i+1}) − f(x_i)) · u &lt; f(|z|) for a retry word's u, else
/// tries again with a fresh retry word.</para>
/// </remarks>
[SkipLocalsInit]
public static class Ziggurat
{
    /// <summary>The layers of the ziggurat.</summary>
    public const int Layers = 256;

    /// <summary>r: the right edge of the base layer's rectangle, where the tail begins.</summary>
    public const double TailStart = 3.6541528853610088;

    /// <summary>v: the area of every layer (the base layer's rectangle plus the tail).</summary>
    const double LayerArea = 4.92867323399e-3;

    /// <summary>x_i, i = 0..256: the right edges of the layers' rectangles, widest first.</summary>
    static readonly double[] Edges = EdgesOf();

    /// <summary>x_i · 2⁻⁵², i = 0..255: the width of layer i's rectangle per unit of a 52-bit m.</summary>
    static readonly double[] Width = Pinned(i => Edges[i] * (1.0 / (1UL << 52)));

    /// <summary>x_{i+1}, i = 0..255: below it, a point of layer i lies under the curve whatever its height.</summary>
    static readonly double[] Inner = Pinned(i => Edges[i + 1]);

    /// <summary>f(x_i), i = 0..256 (f(x₂₅₆) = f(0) = 1).</summary>
    static readonly double[] Density = DensityOf();

    /// <summary>
    /// The vector forms' test on a word's high 32 bits h = ⌊m / 2²⁰⌋: the largest k for which every
    /// m below k · 2²⁰ passes the exact test <c>m · Width[i] &lt; Inner[i]</c>. A word with h &lt; k is
    /// accepted (one 32-bit gather tests eight words); any other goes to <see cref="Slow(uint, uint, uint, ulong)"/>, which makes
    /// the exact test first: the threshold decides which path computes a value, never the value.
    /// </summary>
    static readonly uint[] Threshold = ThresholdOf();

    static double[] EdgesOf()
    {
        var x = new double[Layers + 1];
        x[0] = LayerArea / F(TailStart);
        x[1] = TailStart;
        for (int i = 2; i < Layers; i++)
            x[i] = Math.Sqrt(-2.0 * PortableMath.Log(LayerArea / x[i - 1] + F(x[i - 1])));
        x[Layers] = 0.0;
        return x;
    }

    /// <summary>A table of the layers on the pinned heap, so the vector forms gather from it without fixing it.</summary>
    static double[] Pinned(Func<int, double> entry)
    {
        var table = GC.AllocateArray<double>(Layers, pinned: true);
        for (int i = 0; i < Layers; i++)
            table[i] = entry(i);
        return table;
    }

    /// <summary>
    /// ⌊Threshold / 2¹⁶⌋: h / 2¹⁶ below it implies h below Threshold. The AVX-512 form tests the
    /// high 16 bits of a word against it, from registers instead of memory.
    /// </summary>
    static readonly ushort[] Threshold16 = Threshold16Of();

    static ushort[] Threshold16Of()
    {
        var t = GC.AllocateArray<ushort>(Layers, pinned: true);
        for (int i = 0; i < Layers; i++)
            t[i] = (ushort)(Threshold[i] >> 16);
        return t;
    }

    static uint[] ThresholdOf()
    {
        var threshold = GC.AllocateArray<uint>(Layers, pinned: true);
        for (int i = 0; i < Layers; i++)
        {
            // The rounded product grows with m, so all m < k·2²⁰ pass when m = k·2²⁰ − 1 does:
            // bisect for the largest such k (k = 0 passes trivially; ratios below 1 keep k < 2³²).
            ulong low = 0,
                high = 1UL << 32;
            while (high - low > 1)
            {
                ulong k = (low + high) / 2;
                if (((k << 20) - 1) * Width[i] < Inner[i])
                    low = k;
                else
                    high = k;
            }
            threshold[i] = (uint)low;
        }
        return threshold;
    }

    static double[] DensityOf()
    {
        var f = new double[Layers + 1];
        for (int i = 0; i < Layers; i++)
            f[i] = F(Edges[i]);
        f[Layers] = 1.0;
        return f;
    }

    static double F(double x) => PortableMath.Exp(-0.5 * x * x);

    /// <summary>
    /// The tables as one array, <c>[x_i·2⁻⁵² (256), x_{i+1} (256), f(x_i) (257)]</c>: what a device
    /// copies to its memory to run the same transform (see <see cref="TableLength"/>).
    /// </summary>
    public static double[] Table()
    {
        var table = new double[TableLength];
        Width.CopyTo(table, 0);
        Inner.CopyTo(table, Layers);
        Density.CopyTo(table, 2 * Layers);
        return table;
    }

    /// <summary>The length of <see cref="Table"/>.</summary>
    public const int TableLength = 3 * Layers + 1;

    /// <summary>
    /// Value <paramref name="index"/> of the standard normal stream of the key (k0, k1): the
    /// transform of its word, <c>Threefry(k, (0, index))</c> read as <c>hi &lt;&lt; 32 | lo</c>.
    /// </summary>
    public static double Standard(uint k0, uint k1, uint index)
    {
        var (y0, y1) = Threefry.Hash(k0, k1, 0, index);
        return Standard(k0, k1, index, ((ulong)y0 << 32) | y1);
    }

    /// <summary>
    /// Value <paramref name="index"/> of the standard normal stream of the key (k0, k1) from its
    /// word <paramref name="word"/> (word <paramref name="index"/> of the key's stream): the fast
    /// path inline, the slow path (<see cref="Slow(uint, uint, uint, ulong)"/>) for the few words it rejects.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Standard(uint k0, uint k1, uint index, ulong word)
    {
        int layer = (int)(word & 0xFF);
        double x = (word >> 12) * Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Width), layer);
        if (x < Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Inner), layer))
            return (word & 0x100) != 0 ? -x : x;
        return Slow(k0, k1, index, word);
    }

    /// <summary>
    /// The value of a word the fast test rejected: the tail for layer 0, the wedge test for the
    /// others, and fresh retry words until one is accepted. Every form of the transform calls this
    /// one function, so rejected words give the same bits everywhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double Slow(uint k0, uint k1, uint index, ulong word) => Slow(k0, k1, index, word, Retry(k0, k1, index, 0));

    /// <summary>
    /// <see cref="Slow(uint, uint, uint, ulong)"/> given value <paramref name="index"/>'s first retry
    /// word (which every rejected word needs), so that a vector form can hash the first retry words of
    /// many values at once.
    /// </summary>
    internal static double Slow(uint k0, uint k1, uint index, ulong word, ulong firstRetry)
    {
        uint t = 0;
        ulong Next() => t++ == 0 ? firstRetry : Retry(k0, k1, index, t - 1);
        while (true)
        {
            int layer = (int)(word & 0xFF);
            bool negative = (word & 0x100) != 0;
            double x = (word >> 12) * Width[layer];
            if (x < Inner[layer])
                return negative ? -x : x;
            if (layer == 0)
            {
                // The tail beyond r: x = −ln(u₁)/r and y = −ln(u₂) until 2y > x², then r + x.
                while (true)
                {
                    double a = -PortableMath.Log(1.0 - Unit(Next())) / TailStart;
                    double b = -PortableMath.Log(1.0 - Unit(Next()));
                    if (b + b > a * a)
                        return negative ? -(TailStart + a) : TailStart + a;
                }
            }
            // The wedge between x_{i+1} and x_i: a uniform height in the layer against the curve.
            double y = Density[layer] + (Density[layer + 1] - Density[layer]) * Unit(Next());
            if (y < PortableMath.Exp(-0.5 * x * x))
                return negative ? -x : x;
            word = Next();
        }
    }

    /// <summary>The high counter word of retry word t: 2³² − 1 − t.</summary>
    internal const uint FirstRetryCounter = uint.MaxValue;

    /// <summary>Retry word <paramref name="t"/> of value <paramref name="index"/>: the Threefry block of (2³² − 1 − t, index).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong Retry(uint k0, uint k1, uint index, uint t)
    {
        var (y0, y1) = Threefry.Hash(k0, k1, ~t, index);
        return ((ulong)y0 << 32) | y1;
    }

    /// <summary>The double in [0, 1) made of a word's top 53 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static double Unit(ulong word) => (word >> 11) * (1.0 / (1UL << 53));

    /// <summary>The pinned tables the vector forms read, fetched once per draw so that loops hold plain pointers.</summary>
    internal readonly unsafe struct VectorTables(double* width, uint* threshold, ushort* threshold16)
    {
        /// <summary>x_i · 2⁻⁵² by layer.</summary>
        public readonly double* Width = width;

        /// <summary>The 32-bit acceptance thresholds by layer (the AVX2 form gathers them).</summary>
        public readonly uint* Threshold = threshold;

        /// <summary>Their top 16 bits (the AVX-512 form permutes them out of registers).</summary>
        public readonly ushort* Threshold16 = threshold16;
    }

    /// <summary>Pointers to the pinned tables.</summary>
    internal static unsafe VectorTables Pointers() =>
        new(
            (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Width)),
            (uint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Threshold)),
            (ushort*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Threshold16))
        );

    /// <summary>
    /// The fast path of sixteen words from their Threefry halves (<paramref name="hi"/>,
    /// <paramref name="lo"/>: lane j holds word j): the signed candidates of words 0–7 and 8–15, the
    /// words themselves, and a mask whose bit j is set when word j needs <see cref="Slow(uint, uint, uint, ulong)"/>. Every
    /// other lane is bit for bit <see cref="Standard(uint, uint, uint, ulong)"/>.
    /// </summary>
    /// <remarks>The thresholds come from registers: their top 16 bits, 64 layers per pair of
    /// registers, picked by four 16-bit permutes (AVX-512 BW) and two selects. The widths are two
    /// 256-bit gathers per eight words (.NET exposes no 512-bit gather). A word whose high 16 bits
    /// reach its 16-bit threshold goes to <see cref="Slow(uint, uint, uint, ulong)"/> (one word in about 2⁻¹⁶ more than the
    /// exact test would send).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe (Vector512<double> Z0, Vector512<double> Z1, uint Rejected) Fast16(
        VectorTables tables,
        Vector512<uint> hi,
        Vector512<uint> lo,
        out Vector512<ulong> w0,
        out Vector512<ulong> w1
    )
    {
        var layer = (lo & Vector512.Create(0xFFu)).AsInt32();
        var (low, high) = (layer.GetLower(), layer.GetUpper());
        var layerU = layer.AsUInt32();
        ushort* t = tables.Threshold16;
        var index = layerU.AsUInt16();
        var r0 = Avx512BW.PermuteVar32x16x2(Vector512.Load(t), index, Vector512.Load(t + 32)).AsUInt32();
        var r1 = Avx512BW.PermuteVar32x16x2(Vector512.Load(t + 64), index, Vector512.Load(t + 96)).AsUInt32();
        var r2 = Avx512BW.PermuteVar32x16x2(Vector512.Load(t + 128), index, Vector512.Load(t + 160)).AsUInt32();
        var r3 = Avx512BW.PermuteVar32x16x2(Vector512.Load(t + 192), index, Vector512.Load(t + 224)).AsUInt32();
        var bit6 = Vector512.Equals(layerU & Vector512.Create(64u), Vector512.Create(64u));
        var bit7 = Vector512.Equals(layerU & Vector512.Create(128u), Vector512.Create(128u));
        var limit =
            Vector512.ConditionalSelect(bit7, Vector512.ConditionalSelect(bit6, r3, r2), Vector512.ConditionalSelect(bit6, r1, r0))
            & Vector512.Create(0xFFFFu);
        uint rejected =
            ~(uint)Vector512.ExtractMostSignificantBits(Vector512.LessThan(Vector512.ShiftRightLogical(hi, 16), limit)) & 0xFFFF;
        var (h0, h1) = Vector512.Widen(hi);
        var (l0, l1) = Vector512.Widen(lo);
        w0 = Vector512.ShiftLeft(h0, 32) | l0;
        w1 = Vector512.ShiftLeft(h1, 32) | l1;
        var width0 = Join(Avx2.GatherVector256(tables.Width, low.GetLower(), 8), Avx2.GatherVector256(tables.Width, low.GetUpper(), 8));
        var width1 = Join(Avx2.GatherVector256(tables.Width, high.GetLower(), 8), Avx2.GatherVector256(tables.Width, high.GetUpper(), 8));
        return (Signed(w0, width0), Signed(w1, width1), rejected);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<T> Join<T>(Vector256<T> lower, Vector256<T> upper) => lower.ToVector512Unsafe().WithUpper(upper);

    /// <summary>±m · width for eight words: bit 8 of a word becomes the sign bit (the same bits as negating).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<double> Signed(Vector512<ulong> words, Vector512<double> width)
    {
        var x = Vector512.ConvertToDouble(Vector512.ShiftRightLogical(words, 12)) * width;
        return (x.AsUInt64() ^ (Vector512.ShiftLeft(words, 55) & Vector512.Create(0x8000_0000_0000_0000UL))).AsDouble();
    }

    /// <summary>The eight-word form of <see cref="Fast16"/> for AVX2: words 0–3, then 4–7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe (Vector256<double> Z0, Vector256<double> Z1, uint Rejected) Fast8(
        VectorTables tables,
        Vector256<uint> hi,
        Vector256<uint> lo,
        out Vector256<ulong> w0,
        out Vector256<ulong> w1
    )
    {
        var layer = (lo & Vector256.Create(0xFFu)).AsInt32();
        var limit = Avx2.GatherVector256(tables.Threshold, layer, 4);
        uint rejected = ~Vector256.ExtractMostSignificantBits(Vector256.LessThan(hi, limit)) & 0xFF;
        var (h0, h1) = Vector256.Widen(hi);
        var (l0, l1) = Vector256.Widen(lo);
        w0 = Vector256.ShiftLeft(h0, 32) | l0;
        w1 = Vector256.ShiftLeft(h1, 32) | l1;
        return (
            Signed(w0, Avx2.GatherVector256(tables.Width, layer.GetLower(), 8)),
            Signed(w1, Avx2.GatherVector256(tables.Width, layer.GetUpper(), 8)),
            rejected
        );
    }

    /// <summary>±m · width for four words, m converted exactly without a 64-bit conversion (AVX2 has none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<double> Signed(Vector256<ulong> words, Vector256<double> width)
    {
        // m < 2⁵² as a double: the bits of 2⁵² + m, minus 2⁵², exactly.
        var m =
            (Vector256.ShiftRightLogical(words, 12) | Vector256.Create(0x4330_0000_0000_0000UL)).AsDouble()
            - Vector256.Create(4503599627370496.0);
        return ((m * width).AsUInt64() ^ (Vector256.ShiftLeft(words, 55) & Vector256.Create(0x8000_0000_0000_0000UL))).AsDouble();
    }
}
