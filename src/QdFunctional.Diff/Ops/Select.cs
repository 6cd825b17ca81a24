namespace QdFunctional.Diff;

// Selection by a 0/1 mask: where(mask, a, b). The derivative flows to the chosen branch only.
public sealed partial class Tensor
{
    /// <summary>mask != 0 ? a : b elementwise; a and b broadcast to the mask's shape.</summary>
    /// <remarks>Use this, not mask·a + (1 - mask)·b, for piecewise functions: an infinite or NaN value in
    /// the branch not taken never leaks into the result. Its derivative does flow through the unused
    /// branch's own rule (multiplied by zero), so keep that branch finite too, e.g.
    /// where(m, x, c / where(m, 1, x)).</remarks>
    public static Tensor Where(Tensor mask, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var (r1, c1) = Broadcast("where", mask, a);
        var (r2, c2) = Broadcast("where", mask, b);
        if (r1 != mask.Rows || c1 != mask.Cols || r2 != mask.Rows || c2 != mask.Cols)
            throw new ArgumentException($"where: branches {a.Shape} and {b.Shape} must broadcast to the mask's shape {mask.Shape}");
        var y = Result("where", mask.Rows, mask.Cols, a, b, mask);
        if (y.Dtype == Dtype.Float32)
            y.Backend.Select(mask.Data32, a.AsOperand32, b.AsOperand32, y.Data32, y.Rows, y.Cols);
        else
            y.Backend.Select(mask.Data, a.AsOperand, b.AsOperand, y.Data, y.Rows, y.Cols);
        return y.Record(
            static n =>
            {
                var tape = n.Tape!;
                Tensor a = n.A!,
                    b = n.B!,
                    m = n.C!;
                if (n.Dtype == Dtype.Float32)
                    tape.Backend.SelectBackward(
                        m.Data32,
                        a.AsOperand32,
                        b.AsOperand32,
                        n.Grad32!,
                        n.Rows,
                        n.Cols,
                        a.RequiresGrad ? tape.GradOf32(a) : null,
                        b.RequiresGrad ? tape.GradOf32(b) : null
                    );
                else
                    tape.Backend.SelectBackward(
                        m.Data,
                        a.AsOperand,
                        b.AsOperand,
                        n.Grad!,
                        n.Rows,
                        n.Cols,
                        a.RequiresGrad ? tape.GradOf(a) : null,
                        b.RequiresGrad ? tape.GradOf(b) : null
                    );
            },
            a,
            b,
            mask
        );
    }

    /// <summary>mask != 0 ? a : b with a constant a.</summary>
    /// <remarks>See <see cref="Where(Tensor, Tensor, Tensor)"/>.</remarks>
    public static Tensor Where(Tensor mask, double a, Tensor b) => Where(mask, Scalar(a, b.Dtype), b);

    /// <summary>mask != 0 ? a : b with a constant b.</summary>
    /// <remarks>See <see cref="Where(Tensor, Tensor, Tensor)"/>.</remarks>
    public static Tensor Where(Tensor mask, Tensor a, double b) => Where(mask, a, Scalar(b, a.Dtype));
}
