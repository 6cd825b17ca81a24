using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QdFunctional.Numerics;

/// <summary>
/// The Threefry-2x32 block function with 20 rounds (Salmon et al., "Parallel random numbers:
/// as easy as 1, 2, 3", SC 2011): a keyed bijection of a 64-bit counter. Counter-based
/// generation is what makes every draw a pure function of (key, counter), so results never
/// depend on call order or on which thread computes them.
/// </summary>
public static class Threefry
{
    const uint Parity = 0x1BD11BDA;

    /// <summary>Encrypts the counter (x0, x1) under the key (k0, k1); Random123's threefry2x32_R(20).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint, uint) Hash(uint k0, uint k1, uint x0, uint x1)
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
        return (x0, x1);
    }

    /// <summary>
    /// The 64-bit words <c>start .. start + destination.Length - 1</c> of the stream under key
    /// (k0, k1): word <c>i</c> is <c>y0 &lt;&lt; 32 | y1</c> where (y0, y1) = Hash(k0, k1, i &gt;&gt; 32, i).
    /// Sixteen counters are hashed at once with 512-bit vectors where the hardware has them, eight
    /// with 256-bit ones otherwise; the arithmetic is exact integer arithmetic, so the words are the
    /// same on every path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill(uint k0, uint k1, ulong start, Span<ulong> destination)
    {
        int n = destination.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            for (; i + 32 <= n; i += 32)
            {
                var (a0, a1) = Counters16(start + (ulong)i);
                var (b0, b1) = Counters16(start + (ulong)i + 16);
                Hash32(k0, k1, ref a0, ref a1, ref b0, ref b1);
                Store16(a0, a1, destination.Slice(i, 16));
                Store16(b0, b1, destination.Slice(i + 16, 16));
            }
            for (; i + 16 <= n; i += 16)
            {
                var (hi, lo) = Counters16(start + (ulong)i);
                Hash16(k0, k1, ref hi, ref lo);
                var (h0, h1) = Vector512.Widen(hi);
                var (l0, l1) = Vector512.Widen(lo);
                (Vector512.ShiftLeft(h0, 32) | l0).CopyTo(destination.Slice(i, 8));
                (Vector512.ShiftLeft(h1, 32) | l1).CopyTo(destination.Slice(i + 8, 8));
            }
        }
        if (Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            for (; i + 8 <= n; i += 8)
            {
                var (hi, lo) = Counters8(start + (ulong)i);
                Hash8(k0, k1, ref hi, ref lo);
                var (h0, h1) = Vector256.Widen(hi);
                var (l0, l1) = Vector256.Widen(lo);
                (Vector256.ShiftLeft(h0, 32) | l0).CopyTo(destination.Slice(i, 4));
                (Vector256.ShiftLeft(h1, 32) | l1).CopyTo(destination.Slice(i + 4, 4));
            }
        }
        for (; i < n; i++)
        {
            ulong index = start + (ulong)i;
            var (y0, y1) = Hash(k0, k1, (uint)(index >> 32), (uint)index);
            destination[i] = ((ulong)y0 << 32) | y1;
        }
    }

    /// <summary>
    /// The words of the counters (<paramref name="hi"/>, <paramref name="lo"/>[j]) under key (k0, k1):
    /// words[j] = y0 &lt;&lt; 32 | y1 of Hash(k0, k1, hi, lo[j]), sixteen or eight at a time where the
    /// hardware allows (the same words on every path). For scattered counters, such as the first
    /// retry words of the normals a ziggurat left to its slow path.
    /// </summary>
    internal static void HashCounters(uint k0, uint k1, uint hi, ReadOnlySpan<uint> lo, Span<ulong> words)
    {
        int n = lo.Length,
            j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + 16 <= n; j += 16)
            {
                var x0 = Vector512.Create(hi);
                var x1 = Vector512.Create(lo.Slice(j, 16));
                Hash16(k0, k1, ref x0, ref x1);
                Store16(x0, x1, words.Slice(j, 16));
            }
        if (Vector256.IsHardwareAccelerated)
            for (; j + 8 <= n; j += 8)
            {
                var x0 = Vector256.Create(hi);
                var x1 = Vector256.Create(lo.Slice(j, 8));
                Hash8(k0, k1, ref x0, ref x1);
                var (h0, h1) = Vector256.Widen(x0);
                var (l0, l1) = Vector256.Widen(x1);
                (Vector256.ShiftLeft(h0, 32) | l0).CopyTo(words.Slice(j, 4));
                (Vector256.ShiftLeft(h1, 32) | l1).CopyTo(words.Slice(j + 4, 4));
            }
        for (; j < n; j++)
        {
            var (y0, y1) = Hash(k0, k1, hi, lo[j]);
            words[j] = ((ulong)y0 << 32) | y1;
        }
    }

    /// <summary>Sixteen hashed blocks as the words <c>hi &lt;&lt; 32 | lo</c>, in lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store16(Vector512<uint> hi, Vector512<uint> lo, Span<ulong> destination)
    {
        var (h0, h1) = Vector512.Widen(hi);
        var (l0, l1) = Vector512.Widen(lo);
        (Vector512.ShiftLeft(h0, 32) | l0).CopyTo(destination);
        (Vector512.ShiftLeft(h1, 32) | l1).CopyTo(destination[8..]);
    }

    /// <summary>The counters first .. first + 7 as (high, low) words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<uint> Hi, Vector256<uint> Lo) Counters8(ulong first)
    {
        var lo = Vector256.Create((uint)first) + Vector256.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u);
        // A lane whose low word wrapped past 2^32 carries one into its high word; the
        // comparison mask is all ones (-1) there, so subtracting it adds one.
        var carry = Vector256.LessThan(lo, Vector256.Create((uint)first));
        return (Vector256.Create((uint)(first >> 32)) - carry, lo);
    }

    /// <summary>The counters first .. first + 15 as (high, low) words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector512<uint> Hi, Vector512<uint> Lo) Counters16(ulong first)
    {
        var lo = Vector512.Create((uint)first) + Vector512.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 11u, 12u, 13u, 14u, 15u);
        var carry = Vector512.LessThan(lo, Vector512.Create((uint)first));
        return (Vector512.Create((uint)(first >> 32)) - carry, lo);
    }

    /// <summary>Sixteen Threefry-2x32-20 blocks side by side: lane j encrypts (x0[j], x1[j]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Hash16(uint k0, uint k1, ref Vector512<uint> x0, ref Vector512<uint> x1)
    {
        uint k2 = Parity ^ k0 ^ k1;
        var v0 = Vector512.Create(k0);
        var v1 = Vector512.Create(k1);
        var v2 = Vector512.Create(k2);
        x0 += v0;
        x1 += v1;
        Four16A(ref x0, ref x1);
        x0 += v1;
        x1 += Vector512.Create(k2 + 1);
        Four16B(ref x0, ref x1);
        x0 += v2;
        x1 += Vector512.Create(k0 + 2);
        Four16A(ref x0, ref x1);
        x0 += v0;
        x1 += Vector512.Create(k1 + 3);
        Four16B(ref x0, ref x1);
        x0 += v1;
        x1 += Vector512.Create(k2 + 4);
        Four16A(ref x0, ref x1);
        x0 += v2;
        x1 += Vector512.Create(k0 + 5);
    }

    /// <summary>
    /// Two independent groups of sixteen blocks, their rounds interleaved: one group's twenty rounds
    /// are a chain of dependent operations, so a second, independent chain fills the cycles the first
    /// waits (the same words as two <see cref="Hash16"/> calls).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Hash32(
        uint k0,
        uint k1,
        ref Vector512<uint> a0,
        ref Vector512<uint> a1,
        ref Vector512<uint> b0,
        ref Vector512<uint> b1
    )
    {
        uint k2 = Parity ^ k0 ^ k1;
        var v0 = Vector512.Create(k0);
        var v1 = Vector512.Create(k1);
        var v2 = Vector512.Create(k2);
        a0 += v0;
        a1 += v1;
        b0 += v0;
        b1 += v1;
        Four32A(ref a0, ref a1, ref b0, ref b1);
        var s = Vector512.Create(k2 + 1);
        a0 += v1;
        a1 += s;
        b0 += v1;
        b1 += s;
        Four32B(ref a0, ref a1, ref b0, ref b1);
        s = Vector512.Create(k0 + 2);
        a0 += v2;
        a1 += s;
        b0 += v2;
        b1 += s;
        Four32A(ref a0, ref a1, ref b0, ref b1);
        s = Vector512.Create(k1 + 3);
        a0 += v0;
        a1 += s;
        b0 += v0;
        b1 += s;
        Four32B(ref a0, ref a1, ref b0, ref b1);
        s = Vector512.Create(k2 + 4);
        a0 += v1;
        a1 += s;
        b0 += v1;
        b1 += s;
        Four32A(ref a0, ref a1, ref b0, ref b1);
        s = Vector512.Create(k0 + 5);
        a0 += v2;
        a1 += s;
        b0 += v2;
        b1 += s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Four32A(ref Vector512<uint> a0, ref Vector512<uint> a1, ref Vector512<uint> b0, ref Vector512<uint> b1)
    {
        Round(ref a0, ref a1, ref b0, ref b1, 13);
        Round(ref a0, ref a1, ref b0, ref b1, 15);
        Round(ref a0, ref a1, ref b0, ref b1, 26);
        Round(ref a0, ref a1, ref b0, ref b1, 6);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Four32B(ref Vector512<uint> a0, ref Vector512<uint> a1, ref Vector512<uint> b0, ref Vector512<uint> b1)
    {
        Round(ref a0, ref a1, ref b0, ref b1, 17);
        Round(ref a0, ref a1, ref b0, ref b1, 29);
        Round(ref a0, ref a1, ref b0, ref b1, 16);
        Round(ref a0, ref a1, ref b0, ref b1, 24);
    }

    /// <summary>One round on both groups; <paramref name="r"/> is a literal at every call, so vprold gets its immediate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Round(
        ref Vector512<uint> a0,
        ref Vector512<uint> a1,
        ref Vector512<uint> b0,
        ref Vector512<uint> b1,
        [ConstantExpected] byte r
    )
    {
        a0 += a1;
        b0 += b1;
        a1 = Rotate(a1, r) ^ a0;
        b1 = Rotate(b1, r) ^ b0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<uint> Rotate(Vector512<uint> x, [ConstantExpected] byte r) =>
        Avx512F.IsSupported ? Avx512F.RotateLeft(x, r) : Vector512.ShiftLeft(x, r) | Vector512.ShiftRightLogical(x, 32 - r);

    // The rotations as literal constants: vprold takes an immediate, so it must be one after inlining.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Four16A(ref Vector512<uint> x0, ref Vector512<uint> x1)
    {
        x0 += x1;
        x1 = (Avx512F.IsSupported ? Avx512F.RotateLeft(x1, 13) : Vector512.ShiftLeft(x1, 13) | Vector512.ShiftRightLogical(x1, 19)) ^ x0;
        x0 += x1;
        x1 = (Avx512F.IsSupported ? Avx512F.RotateLeft(x1, 15) : Vector512.ShiftLeft(x1, 15) | Vector512.ShiftRightLogical(x1, 17)) ^ x0;
        x0 += x1;
        x1 = (Avx512F.IsSupported ? Avx512F.RotateLeft(x1, 26) : Vector512.ShiftLeft(x1, 26) | Vector512.ShiftRightLogical(x1, 6)) ^ x0;
        x0 += x1;
        x1 = (Avx512F.IsSupported ? Avx512F.RotateLeft(x1, 6) : Vector512.ShiftLeft(x1, 6) | Vector512.ShiftRightLogical(x1, 26)) ^ x0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Four16B(ref Vector512<uint> x0, ref Vector512<uint> x1)
    {
        x0 += x1;
        x1 = (Avx512F.IsSupported ? Avx512F.RotateLeft(x1, 17) : Vector512.ShiftLeft(x1, 17) | Vector512.ShiftRightLogical(x1, 15)) ^ x0;
        x0 += x1;
        x1 = (Avx512F.IsSupported ? Avx512F.RotateLeft(x1, 29) : Vector512.ShiftLeft(x1, 29) | Vector512.ShiftRightLogical(x1, 3)) ^ x0;
        x0 += x1;
        x1 = (Avx512F.IsSupported ? Avx512F.RotateLeft(x1, 16) : Vector512.ShiftLeft(x1, 16) | Vector512.ShiftRightLogical(x1, 16)) ^ x0;
        x0 += x1;
        x1 = (Avx512F.IsSupported ? Avx512F.RotateLeft(x1, 24) : Vector512.ShiftLeft(x1, 24) | Vector512.ShiftRightLogical(x1, 8)) ^ x0;
    }

    /// <summary>Eight Threefry-2x32-20 blocks side by side: lane j encrypts (x0[j], x1[j]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Hash8(uint k0, uint k1, ref Vector256<uint> x0, ref Vector256<uint> x1)
    {
        uint k2 = Parity ^ k0 ^ k1;
        var v0 = Vector256.Create(k0);
        var v1 = Vector256.Create(k1);
        var v2 = Vector256.Create(k2);
        x0 += v0;
        x1 += v1;
        Four8A(ref x0, ref x1);
        x0 += v1;
        x1 += Vector256.Create(k2 + 1);
        Four8B(ref x0, ref x1);
        x0 += v2;
        x1 += Vector256.Create(k0 + 2);
        Four8A(ref x0, ref x1);
        x0 += v0;
        x1 += Vector256.Create(k1 + 3);
        Four8B(ref x0, ref x1);
        x0 += v1;
        x1 += Vector256.Create(k2 + 4);
        Four8A(ref x0, ref x1);
        x0 += v2;
        x1 += Vector256.Create(k0 + 5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Four8A(ref Vector256<uint> x0, ref Vector256<uint> x1)
    {
        x0 += x1;
        x1 =
            (Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x1, 13) : Vector256.ShiftLeft(x1, 13) | Vector256.ShiftRightLogical(x1, 19))
            ^ x0;
        x0 += x1;
        x1 =
            (Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x1, 15) : Vector256.ShiftLeft(x1, 15) | Vector256.ShiftRightLogical(x1, 17))
            ^ x0;
        x0 += x1;
        x1 =
            (Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x1, 26) : Vector256.ShiftLeft(x1, 26) | Vector256.ShiftRightLogical(x1, 6))
            ^ x0;
        x0 += x1;
        x1 =
            (Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x1, 6) : Vector256.ShiftLeft(x1, 6) | Vector256.ShiftRightLogical(x1, 26)) ^ x0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Four8B(ref Vector256<uint> x0, ref Vector256<uint> x1)
    {
        x0 += x1;
        x1 =
            (Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x1, 17) : Vector256.ShiftLeft(x1, 17) | Vector256.ShiftRightLogical(x1, 15))
            ^ x0;
        x0 += x1;
        x1 =
            (Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x1, 29) : Vector256.ShiftLeft(x1, 29) | Vector256.ShiftRightLogical(x1, 3))
            ^ x0;
        x0 += x1;
        x1 =
            (Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x1, 16) : Vector256.ShiftLeft(x1, 16) | Vector256.ShiftRightLogical(x1, 16))
            ^ x0;
        x0 += x1;
        x1 =
            (Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x1, 24) : Vector256.ShiftLeft(x1, 24) | Vector256.ShiftRightLogical(x1, 8))
            ^ x0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Four(ref uint x0, ref uint x1, int r0, int r1, int r2, int r3)
    {
        x0 += x1;
        x1 = BitOperations.RotateLeft(x1, r0);
        x1 ^= x0;
        x0 += x1;
        x1 = BitOperations.RotateLeft(x1, r1);
        x1 ^= x0;
        x0 += x1;
        x1 = BitOperations.RotateLeft(x1, r2);
        x1 ^= x0;
        x0 += x1;
        x1 = BitOperations.RotateLeft(x1, r3);
        x1 ^= x0;
    }
}
