namespace QdFunctional.Diff;

// Reductions over the features of each solution (batch × n → batch × 1) and the cumulative sum.
public sealed partial class Tensor
{
    /// <summary>Σⱼ x[i, j] for each row i: batch × n → batch × 1.</summary>
    /// <remarks>The per-solution total every objective and measure ends with; ∂/∂x[i, j] = 1.</remarks>
    public static Tensor Sum(Tensor x)
    {
        var y = Result("sum", x.Rows, 1, x);
        if (y.Dtype == Dtype.Float32)
            y.Backend.SumColumns(x.Data32, x.Rows, x.Cols, y.Data32);
        else
            y.Backend.SumColumns(x.Data, x.Rows, x.Cols, y.Data);
        return y.Record(
            static n =>
            {
                var tape = n.Tape!;
                if (n.Dtype == Dtype.Float32)
                    tape.Backend.SumColumnsBackward(n.Grad32!, n.A!.Rows, n.A.Cols, tape.GradOf32(n.A));
                else
                    tape.Backend.SumColumnsBackward(n.Grad!, n.A!.Rows, n.A.Cols, tape.GradOf(n.A));
            },
            x
        );
    }

    /// <summary>(1/n)·Σⱼ x[i, j] for each row i: batch × n → batch × 1.</summary>
    /// <remarks>∂/∂x[i, j] = 1/n.</remarks>
    public static Tensor Mean(Tensor x)
    {
        if (x.Cols == 0)
            throw new ArgumentException($"mean: shape {x.Shape} has no features to average");
        return Sum(x) * (1.0 / x.Cols);
    }

    /// <summary>Population variance (1/n)·Σⱼ (x[i, j] - mean_i)² of each row: batch × n → batch × 1.</summary>
    /// <remarks>Divides by n like numpy.var (ddof = 0), as the planar arm objective does.</remarks>
    public static Tensor Variance(Tensor x) => Mean(Square(x - Mean(x)));

    /// <summary>‖xᵢ‖₂ = √(Σⱼ x[i, j]²) for each row: batch × n → batch × 1.</summary>
    /// <remarks>Distances and penalties per solution; the derivative x/‖x‖ is infinite at the origin.</remarks>
    public static Tensor Norm(Tensor x) => Sqrt(Sum(Square(x)));

    /// <summary>Σⱼ a[i, j]·b[i, j] for each row (b may be a 1 × n feature row): batch × 1.</summary>
    /// <remarks>Projections of each solution onto a direction.</remarks>
    public static Tensor Dot(Tensor a, Tensor b) => Sum(a * b);

    /// <summary>y[i, j] = Σ_{k ≤ j} x[i, k] along the features of each row.</summary>
    /// <remarks>Joint angles accumulate along an arm; ∂y[i, j]/∂x[i, k] = 1 for k ≤ j.</remarks>
    public static Tensor CumSum(Tensor x)
    {
        var y = Result("cumsum", x.Rows, x.Cols, x);
        if (y.Dtype == Dtype.Float32)
            y.Backend.CumSum(x.Data32, x.Rows, x.Cols, y.Data32);
        else
            y.Backend.CumSum(x.Data, x.Rows, x.Cols, y.Data);
        return y.Record(
            static n =>
            {
                var tape = n.Tape!;
                if (n.Dtype == Dtype.Float32)
                    tape.Backend.CumSumBackward(n.Grad32!, n.Rows, n.Cols, tape.GradOf32(n.A!));
                else
                    tape.Backend.CumSumBackward(n.Grad!, n.Rows, n.Cols, tape.GradOf(n.A!));
            },
            x
        );
    }
}
