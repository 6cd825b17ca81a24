namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;

/// <summary>
/// A task made from another (a wait before it, noise around it, samples of it): the same shape —
/// dimensions, measure box, objective range — and, unless told otherwise, the same name and
/// gradients. A wrapper says only how it evaluates.
/// </summary>
public abstract class TaskOver(ITask inner, string? name = null) : ITask
{
    /// <summary>The task wrapped.</summary>
    public ITask Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc/>
    public string Name { get; } = name ?? inner.Name;

    /// <inheritdoc/>
    public int SolutionDim => Inner.SolutionDim;

    /// <inheritdoc/>
    public int ObjectiveCount => Inner.ObjectiveCount;

    /// <inheritdoc/>
    public int MeasureDim => Inner.MeasureDim;

    /// <inheritdoc/>
    public double[] MeasureLow => Inner.MeasureLow;

    /// <inheritdoc/>
    public double[] MeasureHigh => Inner.MeasureHigh;

    /// <inheritdoc/>
    public (double Low, double High) ObjectiveRange => Inner.ObjectiveRange;

    /// <inheritdoc/>
    public virtual bool HasGradients => Inner.HasGradients;

    /// <inheritdoc/>
    public abstract Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false);
}

/// <summary>
/// A random task under one key (<see cref="IStochasticTask.Seeded"/>): the task's shape, values only,
/// evaluated by the function the random task gives for that key.
/// </summary>
sealed class SeededTask(ITask random, Func<SolutionBatch, Evaluation> evaluate) : TaskOver(random)
{
    /// <summary>False: randomness has no Jacobian.</summary>
    public override bool HasGradients => false;

    /// <inheritdoc/>
    public override Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false) =>
        withJacobians
            ? throw new NotSupportedException($"{Name}: a random task has no Jacobians; estimate them (gradients 'es').")
            : evaluate(solutions);
}
