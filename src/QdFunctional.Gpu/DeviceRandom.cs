using ILGPU;
using QdFunctional.Numerics;

namespace QdFunctional.Gpu;

/// <summary>Threefry-2x32-20 and the draws built on it, as device functions: the same raw words,
/// uniforms, normals and integers as <see cref="QdFunctional.Core.Random.Key"/> for the same key and
/// counter.</summary>
/// <remarks>Counter-based generation is what lets every device thread draw its own values without
/// shared state: word i of a key is a pure function of (key, i). Only exact integer arithmetic and
/// <see cref="PortableMath"/>'s exactly rounded kernels are used, so the device reproduces the CPU's
/// bits. Rotations are written as shifts because device code has no BitOperations.</remarks>
public static class DeviceRandom
{
    const uint Parity = 0x1BD11BDA;

    static uint Rotl(uint x, int r) => (x << r) | (x >> (32 - r));

    static void Four(ref uint x0, ref uint x1, int r0, int r1, int r2, int r3)
    {
        x0 += x1;
        x1 = Rotl(x1, r0) ^ x0;
        x0 += x1;
        x1 = Rotl(x1, r1) ^ x0;
        x0 += x1;
        x1 = Rotl(x1, r2) ^ x0;
        x0 += x1;
        x1 = Rotl(x1, r3) ^ x0;
    }

    /// <summary>Threefry-2x32-20 of the counter (x0, x1) under the key (k0, k1), in place.</summary>
    public static void Hash(uint k0, uint k1, ref uint x0, ref uint x1)
    {
        uint k2 = Parity ^ k0 ^ k1;
        x0 += k0;
        x1 += k1;
        Four(ref x0, ref x1, 13, 15, 26, 6);
        x0 += k1;
        x1 += k2 + 1;
        Four(ref x0, ref x1, 17, 29, 16, 24);
        x0 += k2;
        x1 += k0 + 2;
        Four(ref x0, ref x1, 13, 15, 26, 6);
        x0 += k0;
        x1 += k1 + 3;
        Four(ref x0, ref x1, 17, 29, 16, 24);
        x0 += k1;
        x1 += k2 + 4;
        Four(ref x0, ref x1, 13, 15, 26, 6);
        x0 += k2;
        x1 += k0 + 5;
    }

    /// <summary>Word <paramref name="index"/> of key (hi, lo)'s stream, as <c>Key.Bits(index)</c>.</summary>
    public static ulong Bits(uint hi, uint lo, ulong index)
    {
        uint x0 = (uint)(index >> 32),
            x1 = (uint)index;
        Hash(hi, lo, ref x0, ref x1);
        return ((ulong)x0 << 32) | x1;
    }

    /// <summary>The key <c>Key.FoldIn(data)</c> makes, as (hi, lo).</summary>
    public static void FoldIn(ref uint hi, ref uint lo, uint data)
    {
        uint x0 = 0,
            x1 = data;
        Hash(hi, lo, ref x0, ref x1);
        hi = x0;
        lo = x1;
    }

    /// <summary>The two keys <c>Key.Split2()</c> makes, JAX's layout: counters (0, 2) and (1, 3) are
    /// hashed and the four output words read row-major as (first hi, first lo, second hi, second lo).</summary>
    public static void Split2(uint hi, uint lo, out uint aHi, out uint aLo, out uint bHi, out uint bLo)
    {
        uint x0 = 0,
            x1 = 2,
            y0 = 1,
            y1 = 3;
        Hash(hi, lo, ref x0, ref x1);
        Hash(hi, lo, ref y0, ref y1);
        aHi = x0;
        aLo = y0;
        bHi = x1;
        bLo = y1;
    }

    /// <summary>The double in [0, 1) from a word's top 53 bits (<c>Key.ToUnitDouble</c>).</summary>
    public static double Unit(ulong word) => (word >> 11) * (1.0 / (1UL << 53));

    /// <summary>Value <paramref name="index"/> of <c>Key.Normal</c> with mean 0 and scale 1 (before the
    /// <c>mean + scale·z</c> step): <see cref="Ziggurat"/>'s transform of word <paramref name="index"/>,
    /// with <paramref name="table"/> holding <see cref="Ziggurat.Table"/> in device memory.</summary>
    public static double StandardNormal(uint hi, uint lo, uint index, ArrayView<double> table)
    {
        ulong word = Bits(hi, lo, index);
        int layer = (int)(word & 0xFF);
        double x = (word >> 12) * table[layer];
        if (x < table[Ziggurat.Layers + layer])
            return (word & 0x100) != 0 ? -x : x;
        return Slow(hi, lo, index, word, table);
    }

    /// <summary><c>Ziggurat.Slow</c> step for step: the tail, the wedge test, and fresh retry words.</summary>
    static double Slow(uint hi, uint lo, uint index, ulong word, ArrayView<double> table)
    {
        const int Inner = Ziggurat.Layers,
            Density = 2 * Ziggurat.Layers;
        uint t = 0;
        while (true)
        {
            int layer = (int)(word & 0xFF);
            bool negative = (word & 0x100) != 0;
            double x = (word >> 12) * table[layer];
            if (x < table[Inner + layer])
                return negative ? -x : x;
            if (layer == 0)
            {
                while (true)
                {
                    double a = -PortableMath.Log(1.0 - Unit(Retry(hi, lo, index, t++))) / Ziggurat.TailStart;
                    double b = -PortableMath.Log(1.0 - Unit(Retry(hi, lo, index, t++)));
                    if (b + b > a * a)
                        return negative ? -(Ziggurat.TailStart + a) : Ziggurat.TailStart + a;
                }
            }
            double y = table[Density + layer] + (table[Density + layer + 1] - table[Density + layer]) * Unit(Retry(hi, lo, index, t++));
            if (y < PortableMath.Exp(-0.5 * x * x))
                return negative ? -x : x;
            word = Retry(hi, lo, index, t++);
        }
    }

    /// <summary>Retry word t of normal value index: the block of the counter (2³² − 1 − t, index).</summary>
    static ulong Retry(uint hi, uint lo, uint index, uint t)
    {
        uint x0 = ~t,
            x1 = index;
        Hash(hi, lo, ref x0, ref x1);
        return ((ulong)x0 << 32) | x1;
    }

    /// <summary>An integer in [0, count) from a word, by the multiply-high map <c>Key.Integers</c> uses
    /// (⌊word · count / 2⁶⁴⌋), in 32-bit halves because device code has no 128-bit product.</summary>
    public static int Below(ulong word, int count)
    {
        ulong c = (ulong)count;
        ulong high = (word >> 32) * c;
        ulong low = (word & 0xFFFFFFFFUL) * c;
        return (int)((high + (low >> 32)) >> 32);
    }

    /// <summary>Kernel: words[i] = Bits(hi, lo, start + i).</summary>
    internal static void FillKernel(Index1D i, uint hi, uint lo, ulong start, ArrayView<ulong> words) =>
        words[i] = Bits(hi, lo, start + (ulong)(int)i);

    /// <summary>Kernel: values[i] = mean + scale · StandardNormal(hi, lo, i).</summary>
    internal static void NormalKernel(
        Index1D i,
        uint hi,
        uint lo,
        double mean,
        double scale,
        ArrayView<double> table,
        ArrayView<double> values
    ) => values[i] = mean + scale * StandardNormal(hi, lo, (uint)(int)i, table);

    /// <summary>Kernel: values[i] = Below(Bits(hi, lo, i), count).</summary>
    internal static void IntegersKernel(Index1D i, uint hi, uint lo, int count, ArrayView<int> values) =>
        values[i] = Below(Bits(hi, lo, (ulong)(int)i), count);
}
