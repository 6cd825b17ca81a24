namespace QdFunctional.Diff;

// Matrix product of the batch with one weight matrix: the layer of a small neural policy.
public sealed partial class Tensor
{
    /// <summary>x·w: batch × n times n × p → batch × p, the same w for every solution.</summary>
    /// <remarks>w may be a constant or differentiable; ∂/∂x = dy·wᵀ and ∂/∂w = xᵀ·dy (summed over the
    /// batch in a fixed order).</remarks>
    public static Tensor MatMul(Tensor x, Tensor w)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(w);
        if (x.Cols != w.Rows)
            throw new ArgumentException($"matmul: shapes {x.Shape} and {w.Shape} do not align ({x.Cols} ≠ {w.Rows})");
        var y = Result("matmul", x.Rows, w.Cols, x, w);
        if (y.Dtype == Dtype.Float32)
            y.Backend.MatMul(x.Data32, w.Data32, y.Data32, x.Rows, x.Cols, w.Cols);
        else
            y.Backend.MatMul(x.Data, w.Data, y.Data, x.Rows, x.Cols, w.Cols);
        return y.Record(
            static n =>
            {
                var tape = n.Tape!;
                Tensor x = n.A!,
                    w = n.B!;
                if (n.Dtype == Dtype.Float32)
                    tape.Backend.MatMulBackward(
                        x.Data32,
                        w.Data32,
                        n.Grad32!,
                        x.Rows,
                        x.Cols,
                        w.Cols,
                        x.RequiresGrad ? tape.GradOf32(x) : null,
                        w.RequiresGrad ? tape.GradOf32(w) : null
                    );
                else
                    tape.Backend.MatMulBackward(
                        x.Data,
                        w.Data,
                        n.Grad!,
                        x.Rows,
                        x.Cols,
                        w.Cols,
                        x.RequiresGrad ? tape.GradOf(x) : null,
                        w.RequiresGrad ? tape.GradOf(w) : null
                    );
            },
            x,
            w
        );
    }

    /// <summary>Each solution's input row times its own weight matrix: x (batch × n) and w (batch × n·p,
    /// row i holding solution i's n × p matrix row-major) give batch × p.</summary>
    /// <remarks>For policies whose weights are the solution being optimized (QD over neural controllers):
    /// y[i, q] = Σₖ x[i, k]·w[i, k·p + q]; both x and w may be differentiable and rows never mix.</remarks>
    public static Tensor BatchedMatMul(Tensor x, Tensor w)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(w);
        if (x.Rows != w.Rows || x.Cols == 0 || w.Cols % x.Cols != 0)
            throw new ArgumentException($"batchedMatMul: shapes {x.Shape} and {w.Shape} do not align (need batch × n and batch × n·p)");
        int p = w.Cols / x.Cols;
        var y = Result("batchedMatMul", x.Rows, p, x, w);
        if (y.Dtype == Dtype.Float32)
            y.Backend.BatchedMatMul(x.Data32, w.Data32, y.Data32, x.Rows, x.Cols, p);
        else
            y.Backend.BatchedMatMul(x.Data, w.Data, y.Data, x.Rows, x.Cols, p);
        return y.Record(
            static n =>
            {
                var tape = n.Tape!;
                Tensor x = n.A!,
                    w = n.B!;
                if (n.Dtype == Dtype.Float32)
                    tape.Backend.BatchedMatMulBackward(
                        x.Data32,
                        w.Data32,
                        n.Grad32!,
                        x.Rows,
                        x.Cols,
                        n.Cols,
                        x.RequiresGrad ? tape.GradOf32(x) : null,
                        w.RequiresGrad ? tape.GradOf32(w) : null
                    );
                else
                    tape.Backend.BatchedMatMulBackward(
                        x.Data,
                        w.Data,
                        n.Grad!,
                        x.Rows,
                        x.Cols,
                        n.Cols,
                        x.RequiresGrad ? tape.GradOf(x) : null,
                        w.RequiresGrad ? tape.GradOf(w) : null
                    );
            },
            x,
            w
        );
    }
}
