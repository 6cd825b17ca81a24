namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Diff;

/// <summary>
/// A differentiable three-objective benchmark written in the engine: x ∈ [−2, 2]^d, objectives
/// f_j = −mean((x − c_j)²) for three centres (c_1 = +1 everywhere; c_2 = −1 on the first half of
/// the coordinates and +1 on the second; c_3 = 0 on the first half and −1 on the second), and
/// measures (mean of the first half, mean of the second half) over [−2, 2]². The centres sit at
/// three corners of a triangle in measure space, so every cell has its own three-way trade-off.
/// Jacobians come from reverse mode; the first objective's gradient is what MOME's gradient
/// emitter follows by default.
/// </summary>
/// <remarks>Reference point (−10, −10, −10): each objective is at least −9 (a coordinate is at
/// most 3 from any centre), so every solution counts towards the hypervolumes.</remarks>
public sealed class MultiObjectiveSphere : IMultiObjectiveTask
{
    /// <summary>Bound of every variable (and measure): [−Bound, Bound].</summary>
    public const double Bound = 2.0;

    readonly DifferentiableTask inner;

    /// <summary>The task in dimension <paramref name="dim"/> (at least 2).</summary>
    public MultiObjectiveSphere(int dim)
    {
        if (dim < 2)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "mo-sphere needs at least 2 dimensions (one per measure).");
        int half = dim / 2;
        var centres = new double[3][];
        for (int j = 0; j < 3; j++)
            centres[j] = new double[dim];
        for (int i = 0; i < dim; i++)
        {
            bool first = i < half;
            centres[0][i] = 1.0;
            centres[1][i] = first ? -1.0 : 1.0;
            centres[2][i] = first ? 0.0 : -1.0;
        }
        var rows = centres.Select(c => Tensor.Row(c)).ToArray();
        inner = new DifferentiableTask(
            "mo-sphere",
            dim,
            3,
            [-Bound, -Bound],
            [Bound, Bound],
            (-9.0, 0.0),
            x =>
                Tensor.Concat(
                    -Tensor.Mean(Tensor.Square(x - rows[0])),
                    -Tensor.Mean(Tensor.Square(x - rows[1])),
                    -Tensor.Mean(Tensor.Square(x - rows[2])),
                    Tensor.Mean(Tensor.Slice(x, 0, half)),
                    Tensor.Mean(Tensor.Slice(x, half, dim - half))
                )
        );
        SolutionLower = Enumerable.Repeat(-Bound, dim).ToArray();
        SolutionUpper = Enumerable.Repeat(Bound, dim).ToArray();
    }

    /// <inheritdoc/>
    public string Name => inner.Name;

    /// <inheritdoc/>
    public int SolutionDim => inner.SolutionDim;

    /// <inheritdoc/>
    public int ObjectiveCount => 3;

    /// <inheritdoc/>
    public int MeasureDim => 2;

    /// <inheritdoc/>
    public double[] MeasureLow => inner.MeasureLow;

    /// <inheritdoc/>
    public double[] MeasureHigh => inner.MeasureHigh;

    /// <inheritdoc/>
    public (double Low, double High) ObjectiveRange => inner.ObjectiveRange;

    /// <inheritdoc/>
    public bool HasGradients => true;

    /// <inheritdoc/>
    public double[] ReferencePoint => [-10.0, -10.0, -10.0];

    /// <inheritdoc/>
    public double[] SolutionLower { get; }

    /// <inheritdoc/>
    public double[] SolutionUpper { get; }

    /// <inheritdoc/>
    public Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false) => inner.Evaluate(solutions, withJacobians);
}
