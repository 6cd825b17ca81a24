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
    /// <c>mean + scale·z</c> step): Box-Muller pair index/2 from words 2p and 2p + 1, cosine for an
    /// even index and sine for an odd one.</summary>
    public static double StandardNormal(uint hi, uint lo, int index)
    {
        ulong p = (ulong)(index >> 1);
        double u = Unit(Bits(hi, lo, 2 * p)),
            v = Unit(Bits(hi, lo, 2 * p + 1));
        double r = Math.Sqrt(-2.0 * PortableMath.Log(1.0 - u));
        var (sin, cos) = PortableMath.SinCos(2.0 * Math.PI * v);
        return (index & 1) == 0 ? r * cos : r * sin;
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
    internal static void NormalKernel(Index1D i, uint hi, uint lo, double mean, double scale, ArrayView<double> values) =>
        values[i] = mean + scale * StandardNormal(hi, lo, i);

    /// <summary>Kernel: values[i] = Below(Bits(hi, lo, i), count).</summary>
    internal static void IntegersKernel(Index1D i, uint hi, uint lo, int count, ArrayView<int> values) =>
        values[i] = Below(Bits(hi, lo, (ulong)(int)i), count);
}
