namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Diff;

/// <summary>
/// A task written as one function in the differentiable engine: it maps the batch of solutions
/// (n × d) to n × (m + k) outputs, objectives first, then measures. Values come from one forward
/// pass; Jacobians, when asked for, from m + k backward sweeps over the whole batch. This is
/// how users bring their own differentiable tasks without deriving a single gradient.
/// The engine computes in <see cref="Dtype"/> (float64 by default; float32 on request): a float32
/// task rounds the solutions to float32 on the way in and widens the values and Jacobians back
/// to the double arrays of <see cref="Evaluation"/> on the way out (exactly), so everything past
/// this boundary — archives, emitters, checkpoints — is unchanged.
/// </summary>
public sealed class DifferentiableTask : ITask
{
    readonly Func<Tensor, Tensor> function;

    /// <summary>A task named <paramref name="name"/> computed by <paramref name="function"/> in <paramref name="dtype"/>.</summary>
    /// <remarks>The function receives a tensor of that dtype and, while it runs, constants it creates
    /// without a dtype (Tensor.Row, Tensor.Scalar…) default to it as well.</remarks>
    public DifferentiableTask(
        string name,
        int solutionDim,
        int objectiveCount,
        double[] measureLow,
        double[] measureHigh,
        (double Low, double High) objectiveRange,
        Func<Tensor, Tensor> function,
        Dtype dtype = Dtype.Float64
    )
    {
        if (!Enum.IsDefined(dtype))
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a dtype.");
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(measureLow);
        ArgumentNullException.ThrowIfNull(measureHigh);
        ArgumentNullException.ThrowIfNull(function);
        if (solutionDim < 1)
            throw new ArgumentOutOfRangeException(nameof(solutionDim), solutionDim, "Solutions need at least one dimension.");
        if (objectiveCount < 0)
            throw new ArgumentOutOfRangeException(nameof(objectiveCount), objectiveCount, "Objective count must be 0 or more.");
        if (measureLow.Length == 0 || measureLow.Length != measureHigh.Length)
            throw new ArgumentException($"{name}: {measureLow.Length} lower and {measureHigh.Length} upper measure bounds.");
        Name = name;
        SolutionDim = solutionDim;
        ObjectiveCount = objectiveCount;
        MeasureLow = (double[])measureLow.Clone();
        MeasureHigh = (double[])measureHigh.Clone();
        ObjectiveRange = objectiveRange;
        this.function = function;
        Dtype = dtype;
    }

    /// <summary>The precision the engine computes this task in.</summary>
    public Dtype Dtype { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int SolutionDim { get; }

    /// <inheritdoc/>
    public int ObjectiveCount { get; }

    /// <inheritdoc/>
    public int MeasureDim => MeasureLow.Length;

    /// <inheritdoc/>
    public double[] MeasureLow { get; }

    /// <inheritdoc/>
    public double[] MeasureHigh { get; }

    /// <inheritdoc/>
    public (double Low, double High) ObjectiveRange { get; }

    /// <inheritdoc/>
    public bool HasGradients => true;

    /// <inheritdoc/>
    public Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (solutions.Dim != SolutionDim)
            throw new ArgumentException($"{Name}: solutions have dimension {solutions.Dim}, the task has {SolutionDim}.");
        int n = solutions.Count,
            m = ObjectiveCount,
            k = MeasureDim,
            outputs = m + k;
        var x = Tensor.FromArray(solutions.Values.ToArray(), n, SolutionDim, Dtype);
        double[] values;
        double[]? jacobians = null;
        using var scope = Engine.UseDtype(Dtype);
        if (withJacobians)
        {
            var result = Autodiff.ValueAndJacobian(function, x).ToFloat64();
            CheckOutputs(result.Outputs, result.Batch, n);
            values = result.Values;
            jacobians = result.Jacobian;
        }
        else
        {
            var y = Autodiff.Evaluate(function, x);
            CheckOutputs(y.Cols, y.Rows, n);
            values = y.ToArray();
        }
        var objectives = new double[n * m];
        var measures = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            values.AsSpan(i * outputs, m).CopyTo(objectives.AsSpan(i * m));
            values.AsSpan(i * outputs + m, k).CopyTo(measures.AsSpan(i * k));
        }
        return new Evaluation(n, m, k, objectives, measures, jacobians, SolutionDim);
    }

    void CheckOutputs(int outputs, int rows, int n)
    {
        if (rows != n || outputs != ObjectiveCount + MeasureDim)
            throw new InvalidOperationException(
                $"{Name}: the function returned {rows} × {outputs}; expected {n} × {ObjectiveCount + MeasureDim} (objectives, then measures)."
            );
    }
}
