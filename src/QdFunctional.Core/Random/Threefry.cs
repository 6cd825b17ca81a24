using System.Numerics;
using System.Runtime.CompilerServices;

namespace QdFunctional.Core.Random;

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
        x0 += k1; x1 += k2 + 1;
        Four(ref x0, ref x1, 17, 29, 16, 24);
        x0 += k2; x1 += k0 + 2;
        Four(ref x0, ref x1, 13, 15, 26, 6);
        x0 += k0; x1 += k1 + 3;
        Four(ref x0, ref x1, 17, 29, 16, 24);
        x0 += k1; x1 += k2 + 4;
        Four(ref x0, ref x1, 13, 15, 26, 6);
        x0 += k2; x1 += k0 + 5;
        return (x0, x1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Four(ref uint x0, ref uint x1, int r0, int r1, int r2, int r3)
    {
        x0 += x1; x1 = BitOperations.RotateLeft(x1, r0); x1 ^= x0;
        x0 += x1; x1 = BitOperations.RotateLeft(x1, r1); x1 ^= x0;
        x0 += x1; x1 = BitOperations.RotateLeft(x1, r2); x1 ^= x0;
        x0 += x1; x1 = BitOperations.RotateLeft(x1, r3); x1 ^= x0;
    }
}
