namespace QdFunctional.Diff;

// Elementwise functions of two tensors under broadcasting. A dimension of 1 repeats: a 1 × n feature
// row over the batch, a batch × 1 column over the features, a 1 × 1 scalar over both. Derivatives
// sum over the repeated dimension (the backend's BinaryBackward).
public sealed partial class Tensor
{
    /// <summary>The shape two operands broadcast to, or an error naming the operation and both shapes.</summary>
    internal static (int Rows, int Cols) Broadcast(string name, Tensor a, Tensor b)
    {
        static int Dim(int x, int y) =>
            x == y ? x
            : x == 1 ? y
            : y == 1 ? x
            : -1;
        int r = Dim(a.Rows, b.Rows),
            c = Dim(a.Cols, b.Cols);
        if (r < 0 || c < 0)
            throw new ArgumentException($"{name}: shapes {a.Shape} and {b.Shape} do not broadcast");
        return (r, c);
    }

    internal static Tensor Binary(string name, BinaryOp op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (rows, cols) = Broadcast(name, a, b);
        var y = Result(name, rows, cols, a, b);
        if (y.Dtype == Dtype.Float32)
            y.Backend.Binary(op, a.AsOperand32, b.AsOperand32, y.Data32, rows, cols);
        else
            y.Backend.Binary(op, a.AsOperand, b.AsOperand, y.Data, rows, cols);
        if (op >= BinaryOp.Less)
        {
            y.RequiresGrad = false; // a mask is a constant: no derivative flows through comparisons
            return y;
        }
        y.Code = (int)op;
        return y.Record(
            static n =>
            {
                var tape = n.Tape!;
                Tensor a = n.A!,
                    b = n.B!;
                if (n.Dtype == Dtype.Float32)
                    tape.Backend.BinaryBackward(
                        (BinaryOp)n.Code,
                        a.AsOperand32,
                        b.AsOperand32,
                        n.Data32,
                        n.Grad32!,
                        n.Rows,
                        n.Cols,
                        a.RequiresGrad ? tape.GradOf32(a) : null,
                        b.RequiresGrad ? tape.GradOf32(b) : null
                    );
                else
                    tape.Backend.BinaryBackward(
                        (BinaryOp)n.Code,
                        a.AsOperand,
                        b.AsOperand,
                        n.Data,
                        n.Grad!,
                        n.Rows,
                        n.Cols,
                        a.RequiresGrad ? tape.GradOf(a) : null,
                        b.RequiresGrad ? tape.GradOf(b) : null
                    );
            },
            a,
            b
        );
    }

    /// <summary>a + b with broadcasting.</summary>
    /// <remarks>∂/∂a = ∂/∂b = 1.</remarks>
    public static Tensor operator +(Tensor a, Tensor b) => Binary("add", BinaryOp.Add, a, b);

    /// <summary>a - b with broadcasting.</summary>
    /// <remarks>∂/∂a = 1, ∂/∂b = -1.</remarks>
    public static Tensor operator -(Tensor a, Tensor b) => Binary("subtract", BinaryOp.Subtract, a, b);

    /// <summary>a·b elementwise with broadcasting.</summary>
    /// <remarks>∂/∂a = b, ∂/∂b = a.</remarks>
    public static Tensor operator *(Tensor a, Tensor b) => Binary("multiply", BinaryOp.Multiply, a, b);

    /// <summary>a / b elementwise with broadcasting.</summary>
    /// <remarks>∂/∂a = 1/b, ∂/∂b = -a/b².</remarks>
    public static Tensor operator /(Tensor a, Tensor b) => Binary("divide", BinaryOp.Divide, a, b);

    /// <summary>aᵇ elementwise with broadcasting.</summary>
    /// <remarks>∂/∂a = b·aᵇ⁻¹, ∂/∂b = aᵇ·ln a for a &gt; 0 and 0 elsewhere (where ln a is undefined).</remarks>
    public static Tensor Pow(Tensor a, Tensor b) => Binary("pow", BinaryOp.Pow, a, b);

    /// <summary>min(a, b) elementwise with broadcasting.</summary>
    /// <remarks>On a tie the whole derivative goes to a (the first argument).</remarks>
    public static Tensor Min(Tensor a, Tensor b) => Binary("min", BinaryOp.Min, a, b);

    /// <summary>max(a, b) elementwise with broadcasting.</summary>
    /// <remarks>On a tie the whole derivative goes to a (the first argument).</remarks>
    public static Tensor Max(Tensor a, Tensor b) => Binary("max", BinaryOp.Max, a, b);

    /// <summary>min(a, c) elementwise with a constant.</summary>
    /// <remarks>On a tie the derivative goes to a.</remarks>
    public static Tensor Min(Tensor a, double c) => Min(a, Scalar(c, a.Dtype));

    /// <summary>max(a, c) elementwise with a constant.</summary>
    /// <remarks>On a tie the derivative goes to a.</remarks>
    public static Tensor Max(Tensor a, double c) => Max(a, Scalar(c, a.Dtype));

    /// <summary>The 0/1 mask a &lt; b (broadcasting); a constant with no derivative.</summary>
    /// <remarks>For <see cref="Where(Tensor, Tensor, Tensor)"/>.</remarks>
    public static Tensor Less(Tensor a, Tensor b) => Binary("less", BinaryOp.Less, a, b);

    /// <summary>The 0/1 mask a ≤ b (broadcasting).</summary>
    /// <remarks>For <see cref="Where(Tensor, Tensor, Tensor)"/>.</remarks>
    public static Tensor LessOrEqual(Tensor a, Tensor b) => Binary("lessOrEqual", BinaryOp.LessOrEqual, a, b);

    /// <summary>The 0/1 mask a &gt; b (broadcasting).</summary>
    /// <remarks>For <see cref="Where(Tensor, Tensor, Tensor)"/>.</remarks>
    public static Tensor Greater(Tensor a, Tensor b) => Binary("greater", BinaryOp.Greater, a, b);

    /// <summary>The 0/1 mask a ≥ b (broadcasting).</summary>
    /// <remarks>For <see cref="Where(Tensor, Tensor, Tensor)"/>.</remarks>
    public static Tensor GreaterOrEqual(Tensor a, Tensor b) => Binary("greaterOrEqual", BinaryOp.GreaterOrEqual, a, b);

    /// <summary>The 0/1 mask a &lt; c.</summary>
    /// <remarks>Comparison with a constant.</remarks>
    public static Tensor Less(Tensor a, double c) => Less(a, Scalar(c, a.Dtype));

    /// <summary>The 0/1 mask a ≤ c.</summary>
    /// <remarks>Comparison with a constant.</remarks>
    public static Tensor LessOrEqual(Tensor a, double c) => LessOrEqual(a, Scalar(c, a.Dtype));

    /// <summary>The 0/1 mask a &gt; c.</summary>
    /// <remarks>Comparison with a constant.</remarks>
    public static Tensor Greater(Tensor a, double c) => Greater(a, Scalar(c, a.Dtype));

    /// <summary>The 0/1 mask a ≥ c.</summary>
    /// <remarks>Comparison with a constant.</remarks>
    public static Tensor GreaterOrEqual(Tensor a, double c) => GreaterOrEqual(a, Scalar(c, a.Dtype));
}
