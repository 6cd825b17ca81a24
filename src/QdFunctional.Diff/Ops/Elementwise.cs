namespace QdFunctional.Diff;

// Elementwise functions of one tensor. Forward values and derivative rules are the backend's
// Unary / UnaryBackward kernels for the same UnaryOp, so both sit side by side in each backend.
public sealed partial class Tensor
{
    internal static Tensor Unary(string name, UnaryOp op, Tensor x, double p = 0, double q = 0)
    {
        var y = Result(name, x.Rows, x.Cols, x);
        if (y.Dtype == Dtype.Float32)
            y.Backend.Unary(op, p, q, x.Data32, y.Data32, x.Length);
        else
            y.Backend.Unary(op, p, q, x.Data, y.Data, x.Length);
        y.P = p;
        y.Q = q;
        y.Code = (int)op;
        return y.Record(
            static n =>
            {
                var tape = n.Tape!;
                if (n.Dtype == Dtype.Float32)
                    tape.Backend.UnaryBackward((UnaryOp)n.Code, n.P, n.Q, n.A!.Data32, n.Data32, n.Grad32!, tape.GradOf32(n.A), n.Length);
                else
                    tape.Backend.UnaryBackward((UnaryOp)n.Code, n.P, n.Q, n.A!.Data, n.Data, n.Grad!, tape.GradOf(n.A), n.Length);
            },
            x
        );
    }

    /// <summary>-x elementwise.</summary>
    /// <remarks>d/dx = -1.</remarks>
    public static Tensor operator -(Tensor x) => Unary("negate", UnaryOp.Negate, x);

    /// <summary>x² elementwise.</summary>
    /// <remarks>d/dx = 2x; cheaper and exact compared with Pow(x, 2).</remarks>
    public static Tensor Square(Tensor x) => Unary("square", UnaryOp.Square, x);

    /// <summary>√x elementwise.</summary>
    /// <remarks>d/dx = 1 / (2√x), infinite at 0.</remarks>
    public static Tensor Sqrt(Tensor x) => Unary("sqrt", UnaryOp.Sqrt, x);

    /// <summary>|x| elementwise.</summary>
    /// <remarks>d/dx = sign(x), and 0 at x = 0 (the subgradient JAX and PyTorch also use).</remarks>
    public static Tensor Abs(Tensor x) => Unary("abs", UnaryOp.Abs, x);

    /// <summary>eˣ elementwise.</summary>
    /// <remarks>d/dx = eˣ.</remarks>
    public static Tensor Exp(Tensor x) => Unary("exp", UnaryOp.Exp, x);

    /// <summary>ln x elementwise.</summary>
    /// <remarks>d/dx = 1/x.</remarks>
    public static Tensor Log(Tensor x) => Unary("log", UnaryOp.Log, x);

    /// <summary>sin x elementwise.</summary>
    /// <remarks>d/dx = cos x.</remarks>
    public static Tensor Sin(Tensor x) => Unary("sin", UnaryOp.Sin, x);

    /// <summary>cos x elementwise.</summary>
    /// <remarks>d/dx = -sin x.</remarks>
    public static Tensor Cos(Tensor x) => Unary("cos", UnaryOp.Cos, x);

    /// <summary>tanh x elementwise.</summary>
    /// <remarks>d/dx = 1 - tanh² x; the usual hidden activation of small policies.</remarks>
    public static Tensor Tanh(Tensor x) => Unary("tanh", UnaryOp.Tanh, x);

    /// <summary>σ(x) = 1 / (1 + e⁻ˣ) elementwise.</summary>
    /// <remarks>d/dx = σ(x)(1 - σ(x)).</remarks>
    public static Tensor Sigmoid(Tensor x) => Unary("sigmoid", UnaryOp.Sigmoid, x);

    /// <summary>max(x, 0) elementwise.</summary>
    /// <remarks>d/dx = 1 for x &gt; 0, else 0; at exactly 0 the derivative is 0.</remarks>
    public static Tensor Relu(Tensor x) => Unary("relu", UnaryOp.Relu, x);

    /// <summary>xᵖ elementwise for a constant exponent p.</summary>
    /// <remarks>d/dx = p·xᵖ⁻¹; named Pow so that F#'s ** operator works on tensors.</remarks>
    public static Tensor Pow(Tensor x, double p) => Unary("pow", UnaryOp.PowScalar, x, p);

    /// <summary>min(max(x, lo), hi) elementwise.</summary>
    /// <remarks>Subgradient convention: d/dx = 1 for lo ≤ x ≤ hi, boundaries included (as PyTorch's
    /// clamp), and 0 strictly outside, so a solution sitting on a bound still feels the gradient.</remarks>
    public static Tensor Clamp(Tensor x, double lo, double hi)
    {
        if (!(lo <= hi))
            throw new ArgumentException($"clamp: lower bound {lo} is above upper bound {hi}");
        return Unary("clamp", UnaryOp.Clamp, x, lo, hi);
    }

    /// <summary>x + c elementwise.</summary>
    /// <remarks>d/dx = 1.</remarks>
    public static Tensor operator +(Tensor x, double c) => Unary("add", UnaryOp.AddScalar, x, c);

    /// <summary>c + x elementwise.</summary>
    /// <remarks>d/dx = 1.</remarks>
    public static Tensor operator +(double c, Tensor x) => Unary("add", UnaryOp.AddScalar, x, c);

    /// <summary>x - c elementwise.</summary>
    /// <remarks>d/dx = 1.</remarks>
    public static Tensor operator -(Tensor x, double c) => Unary("subtract", UnaryOp.AddScalar, x, -c);

    /// <summary>c - x elementwise.</summary>
    /// <remarks>d/dx = -1.</remarks>
    public static Tensor operator -(double c, Tensor x) => Unary("subtract", UnaryOp.ScalarSub, x, c);

    /// <summary>x·c elementwise.</summary>
    /// <remarks>d/dx = c.</remarks>
    public static Tensor operator *(Tensor x, double c) => Unary("multiply", UnaryOp.MulScalar, x, c);

    /// <summary>c·x elementwise.</summary>
    /// <remarks>d/dx = c.</remarks>
    public static Tensor operator *(double c, Tensor x) => Unary("multiply", UnaryOp.MulScalar, x, c);

    /// <summary>x / c elementwise, computed as x·(1/c).</summary>
    /// <remarks>d/dx = 1/c.</remarks>
    public static Tensor operator /(Tensor x, double c) => Unary("divide", UnaryOp.MulScalar, x, 1.0 / c);

    /// <summary>c / x elementwise.</summary>
    /// <remarks>d/dx = -c / x².</remarks>
    public static Tensor operator /(double c, Tensor x) => Unary("divide", UnaryOp.ScalarDiv, x, c);
}
