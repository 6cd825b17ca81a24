namespace QdFunctional.Numerics;

/// <summary>The operations the portable kernels are written in, over one double or a vector of them.</summary>
/// <remarks>Each kernel in <see cref="Kernels"/> is one generic method instantiated for a scalar lane and
/// for 128- and 256-bit vectors, so every form runs the same operations in the same order by
/// construction. Only operations that IEEE 754 rounds exactly the same everywhere are offered: add,
/// subtract, multiply, divide (never fused), comparisons giving all-ones/all-zeros masks, selects and
/// 64-bit integer operations on the bit patterns. A mask is a value of the lane type whose bits are
/// all ones (true) or all zeros (false); it is only ever moved, never used in arithmetic.</remarks>
internal interface ILanes<T>
    where T : struct
{
    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract T Splat(double value);

    /// <summary>Every lane set to the double whose bit pattern is <paramref name="bits"/>.</summary>
    static abstract T SplatBits(long bits);

    /// <summary>a + b.</summary>
    static abstract T Add(T a, T b);

    /// <summary>a − b.</summary>
    static abstract T Sub(T a, T b);

    /// <summary>a · b (rounded on its own: never fused with a following add).</summary>
    static abstract T Mul(T a, T b);

    /// <summary>a / b.</summary>
    static abstract T Div(T a, T b);

    /// <summary>Mask of a &lt; b (false when either is NaN).</summary>
    static abstract T Less(T a, T b);

    /// <summary>Mask of a == b (false when either is NaN; −0 equals +0).</summary>
    static abstract T Equal(T a, T b);

    /// <summary>Lanes of <paramref name="ifTrue"/> where the mask is set, else of <paramref name="ifFalse"/>.</summary>
    static abstract T Select(T mask, T ifTrue, T ifFalse);

    /// <summary>Bitwise and of the patterns.</summary>
    static abstract T And(T a, T b);

    /// <summary>Bitwise or of the patterns.</summary>
    static abstract T Or(T a, T b);

    /// <summary>Bitwise exclusive or of the patterns.</summary>
    static abstract T Xor(T a, T b);

    /// <summary>The patterns added as 64-bit integers (wrapping).</summary>
    static abstract T AddBits(T a, T b);

    /// <summary>The patterns shifted left by <paramref name="count"/> bits.</summary>
    static abstract T ShiftLeft(T a, int count);

    /// <summary>The patterns shifted right by <paramref name="count"/> bits, zeros shifted in.</summary>
    static abstract T ShiftRight(T a, int count);

    /// <summary>Mask of the patterns being equal as 64-bit integers.</summary>
    static abstract T EqualBits(T a, T b);
}
