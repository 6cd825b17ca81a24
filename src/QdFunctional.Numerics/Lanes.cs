using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QdFunctional.Numerics;

/// <summary><see cref="ILanes{T}"/> over a single double: the scalar form of every kernel.</summary>
internal readonly struct ScalarLanes : ILanes<double>
{
    private static readonly double True = BitConverter.Int64BitsToDouble(-1L);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Splat(double value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SplatBits(long bits) => BitConverter.Int64BitsToDouble(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Add(double a, double b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sub(double a, double b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Mul(double a, double b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Div(double a, double b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Less(double a, double b) => a < b ? True : 0.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Equal(double a, double b) => a == b ? True : 0.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Select(double mask, double ifTrue, double ifFalse) => BitConverter.DoubleToInt64Bits(mask) != 0 ? ifTrue : ifFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double And(double a, double b) => Of(Bits(a) & Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Or(double a, double b) => Of(Bits(a) | Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Xor(double a, double b) => Of(Bits(a) ^ Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AddBits(double a, double b) => Of(Bits(a) + Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ShiftLeft(double a, int count) => Of(Bits(a) << count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ShiftRight(double a, int count) => Of((long)((ulong)Bits(a) >> count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double EqualBits(double a, double b) => Bits(a) == Bits(b) ? True : 0.0;

    private static long Bits(double x) => BitConverter.DoubleToInt64Bits(x);

    private static double Of(long bits) => BitConverter.Int64BitsToDouble(bits);
}

/// <summary><see cref="ILanes{T}"/> over two doubles in a 128-bit vector (SSE2, Arm AdvSimd, or software).</summary>
internal readonly struct Vector128Lanes : ILanes<Vector128<double>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Splat(double value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> SplatBits(long bits) => Vector128.Create(bits).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Sub(Vector128<double> a, Vector128<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Mul(Vector128<double> a, Vector128<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Div(Vector128<double> a, Vector128<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Less(Vector128<double> a, Vector128<double> b) => Vector128.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Equal(Vector128<double> a, Vector128<double> b) => Vector128.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Select(Vector128<double> mask, Vector128<double> ifTrue, Vector128<double> ifFalse) =>
        Vector128.ConditionalSelect(mask, ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> And(Vector128<double> a, Vector128<double> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Or(Vector128<double> a, Vector128<double> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Xor(Vector128<double> a, Vector128<double> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> AddBits(Vector128<double> a, Vector128<double> b) => (a.AsInt64() + b.AsInt64()).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ShiftLeft(Vector128<double> a, int count) => Vector128.ShiftLeft(a.AsInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ShiftRight(Vector128<double> a, int count) =>
        Vector128.ShiftRightLogical(a.AsUInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> EqualBits(Vector128<double> a, Vector128<double> b) =>
        Vector128.Equals(a.AsInt64(), b.AsInt64()).AsDouble();
}

/// <summary><see cref="ILanes{T}"/> over four doubles in a 256-bit vector (AVX/AVX2, or software).</summary>
internal readonly struct Vector256Lanes : ILanes<Vector256<double>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Splat(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SplatBits(long bits) => Vector256.Create(bits).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sub(Vector256<double> a, Vector256<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Mul(Vector256<double> a, Vector256<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Div(Vector256<double> a, Vector256<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Less(Vector256<double> a, Vector256<double> b) => Vector256.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Equal(Vector256<double> a, Vector256<double> b) => Vector256.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Select(Vector256<double> mask, Vector256<double> ifTrue, Vector256<double> ifFalse) =>
        Vector256.ConditionalSelect(mask, ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> And(Vector256<double> a, Vector256<double> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Or(Vector256<double> a, Vector256<double> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Xor(Vector256<double> a, Vector256<double> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> AddBits(Vector256<double> a, Vector256<double> b) => (a.AsInt64() + b.AsInt64()).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ShiftLeft(Vector256<double> a, int count) => Vector256.ShiftLeft(a.AsInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ShiftRight(Vector256<double> a, int count) =>
        Vector256.ShiftRightLogical(a.AsUInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> EqualBits(Vector256<double> a, Vector256<double> b) =>
        Vector256.Equals(a.AsInt64(), b.AsInt64()).AsDouble();
}

/// <summary><see cref="ILanes{T}"/> over eight doubles in a 512-bit vector (AVX-512, or software).</summary>
internal readonly struct Vector512Lanes : ILanes<Vector512<double>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Splat(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> SplatBits(long bits) => Vector512.Create(bits).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sub(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Mul(Vector512<double> a, Vector512<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Div(Vector512<double> a, Vector512<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Less(Vector512<double> a, Vector512<double> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Equal(Vector512<double> a, Vector512<double> b) => Vector512.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Select(Vector512<double> mask, Vector512<double> ifTrue, Vector512<double> ifFalse) =>
        Vector512.ConditionalSelect(mask, ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> And(Vector512<double> a, Vector512<double> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Or(Vector512<double> a, Vector512<double> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Xor(Vector512<double> a, Vector512<double> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> AddBits(Vector512<double> a, Vector512<double> b) => (a.AsInt64() + b.AsInt64()).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ShiftLeft(Vector512<double> a, int count) => Vector512.ShiftLeft(a.AsInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ShiftRight(Vector512<double> a, int count) =>
        Vector512.ShiftRightLogical(a.AsUInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> EqualBits(Vector512<double> a, Vector512<double> b) =>
        Vector512.Equals(a.AsInt64(), b.AsInt64()).AsDouble();
}
