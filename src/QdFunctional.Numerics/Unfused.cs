using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QdFunctional.Numerics;

/// <summary>
/// x · a + y with a separate multiply and add, rounded twice, on every CPU. TensorPrimitives'
/// MultiplyAdd lets its scalar elements (short spans and tails) fuse into one FMA where the
/// hardware has it, so its last bit depends on the machine and on the span's length; this one
/// never fuses (the JIT does not contract a·b + c on its own), so runs stay bit-identical.
/// </summary>
public static class Unfused
{
    /// <summary>destination[i] = x[i] · a + y[i].</summary>
    public static void MultiplyAdd(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> y, Span<double> destination)
    {
        if (x.Length != y.Length || destination.Length != x.Length)
            throw new ArgumentException($"MultiplyAdd: lengths {x.Length}, {y.Length} and {destination.Length} differ.");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i + 4 <= x.Length; i += 4)
                (Vector256.Create(x.Slice(i, 4)) * va + Vector256.Create(y.Slice(i, 4))).CopyTo(destination.Slice(i, 4));
        }
        for (; i < x.Length; i++)
            destination[i] = Product(x[i], a) + y[i];
    }

    // Kept out of line so no compiler sees a · b + c in one expression it might contract.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double Product(double a, double b) => a * b;
}
