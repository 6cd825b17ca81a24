using QdFunctional.Diff;
using QdFunctional.Numerics;

namespace QdFunctional.Gpu;

/// <summary>The per-element formulas of the engine's operations, written in the subset of C# that
/// ILGPU compiles to device code (no exceptions, no generic math): plain double arithmetic and the
/// scalar forms of <see cref="PortableMath"/>.</summary>
/// <remarks>The same table as <see cref="ScalarBackend"/>'s, line for line, so the device gives the
/// reference backend's bits wherever it evaluates in the same order (every elementwise operation and
/// every transcendental function). An unknown operation code gives NaN, because a kernel cannot throw;
/// the host validates codes before launching.</remarks>
internal static class DeviceMath
{
    /// <summary>op(x; p, q) for a <see cref="UnaryOp"/> code.</summary>
    public static double Unary(int op, double p, double q, double x) =>
        op switch
        {
            (int)UnaryOp.Negate => -x,
            (int)UnaryOp.Square => x * x,
            (int)UnaryOp.Sqrt => Math.Sqrt(x),
            (int)UnaryOp.Abs => Math.Abs(x),
            (int)UnaryOp.Exp => PortableMath.Exp(x),
            (int)UnaryOp.Log => PortableMath.Log(x),
            (int)UnaryOp.Sin => PortableMath.Sin(x),
            (int)UnaryOp.Cos => PortableMath.Cos(x),
            (int)UnaryOp.Tanh => PortableMath.Tanh(x),
            (int)UnaryOp.Sigmoid => PortableMath.Sigmoid(x),
            (int)UnaryOp.Relu => x > 0.0 ? x : 0.0,
            (int)UnaryOp.PowScalar => PortableMath.Pow(x, p),
            (int)UnaryOp.Clamp => Math.Min(Math.Max(x, p), q),
            (int)UnaryOp.AddScalar => x + p,
            (int)UnaryOp.MulScalar => p * x,
            (int)UnaryOp.ScalarSub => p - x,
            (int)UnaryOp.ScalarDiv => p / x,
            _ => double.NaN,
        };

    /// <summary>dy/dx of a <see cref="UnaryOp"/> at x, given y.</summary>
    public static double UnaryDerivative(int op, double p, double q, double x, double y) =>
        op switch
        {
            (int)UnaryOp.Negate => -1.0,
            (int)UnaryOp.Square => 2.0 * x,
            (int)UnaryOp.Sqrt => 0.5 / y,
            (int)UnaryOp.Abs => x > 0.0 ? 1.0
            : x < 0.0 ? -1.0
            : 0.0,
            (int)UnaryOp.Exp => y,
            (int)UnaryOp.Log => 1.0 / x,
            (int)UnaryOp.Sin => PortableMath.Cos(x),
            (int)UnaryOp.Cos => -PortableMath.Sin(x),
            (int)UnaryOp.Tanh => 1.0 - y * y,
            (int)UnaryOp.Sigmoid => y * (1.0 - y),
            (int)UnaryOp.Relu => x > 0.0 ? 1.0 : 0.0,
            (int)UnaryOp.PowScalar => p == 0.0 ? 0.0 : p * PortableMath.Pow(x, p - 1.0),
            (int)UnaryOp.Clamp => x >= p && x <= q ? 1.0 : 0.0,
            (int)UnaryOp.AddScalar => 1.0,
            (int)UnaryOp.MulScalar => p,
            (int)UnaryOp.ScalarSub => -1.0,
            (int)UnaryOp.ScalarDiv => -p / (x * x),
            _ => double.NaN,
        };

    /// <summary>op(a, b) for a <see cref="BinaryOp"/> code; comparisons give 1 or 0.</summary>
    public static double Binary(int op, double a, double b) =>
        op switch
        {
            (int)BinaryOp.Add => a + b,
            (int)BinaryOp.Subtract => a - b,
            (int)BinaryOp.Multiply => a * b,
            (int)BinaryOp.Divide => a / b,
            (int)BinaryOp.Pow => PortableMath.Pow(a, b),
            (int)BinaryOp.Min => Math.Min(a, b),
            (int)BinaryOp.Max => Math.Max(a, b),
            (int)BinaryOp.Less => a < b ? 1.0 : 0.0,
            (int)BinaryOp.LessOrEqual => a <= b ? 1.0 : 0.0,
            (int)BinaryOp.Greater => a > b ? 1.0 : 0.0,
            (int)BinaryOp.GreaterOrEqual => a >= b ? 1.0 : 0.0,
            _ => double.NaN,
        };

    /// <summary>∂y/∂a of a <see cref="BinaryOp"/> (min and max give ties to a; comparisons have none).</summary>
    public static double PartialA(int op, double a, double b) =>
        op switch
        {
            (int)BinaryOp.Add => 1.0,
            (int)BinaryOp.Subtract => 1.0,
            (int)BinaryOp.Multiply => b,
            (int)BinaryOp.Divide => 1.0 / b,
            (int)BinaryOp.Pow => b == 0.0 ? 0.0 : b * PortableMath.Pow(a, b - 1.0),
            (int)BinaryOp.Min => a <= b ? 1.0 : 0.0,
            (int)BinaryOp.Max => a >= b ? 1.0 : 0.0,
            _ => 0.0,
        };

    /// <summary>∂y/∂b of a <see cref="BinaryOp"/>, given y.</summary>
    public static double PartialB(int op, double a, double b, double y) =>
        op switch
        {
            (int)BinaryOp.Add => 1.0,
            (int)BinaryOp.Subtract => -1.0,
            (int)BinaryOp.Multiply => a,
            (int)BinaryOp.Divide => -a / (b * b),
            (int)BinaryOp.Pow => a > 0.0 ? y * PortableMath.Log(a) : 0.0,
            (int)BinaryOp.Min => a <= b ? 0.0 : 1.0,
            (int)BinaryOp.Max => a >= b ? 0.0 : 1.0,
            _ => 0.0,
        };
}
