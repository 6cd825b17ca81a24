namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;

/// <summary>
/// A benchmark task, not a problem: lp-sphere's values after a fixed wait per solution that uses
/// no processor (like an evaluation that waits for a simulator, a robot or a remote service).
/// It shows how distributed evaluation scales with workers when the machine's cores are not the
/// limit (<c>qd bench cluster</c>); it is named after its cost, e.g. <c>sleep-50ms</c>.
/// </summary>
public sealed class SleepingTask(ITask inner, TimeSpan perSolution, string name) : TaskOver(inner, name)
{
    /// <summary>The wait per solution.</summary>
    public TimeSpan PerSolution { get; } = perSolution;

    /// <summary>Waits count × the cost per solution, then evaluates as the wrapped task does.</summary>
    public override Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false)
    {
        if (solutions.Count > 0)
            Thread.Sleep(PerSolution * solutions.Count);
        return Inner.Evaluate(solutions, withJacobians);
    }
}
