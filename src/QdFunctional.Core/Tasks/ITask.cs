namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;

/// <summary>
/// A problem to illuminate: evaluates whole batches of solutions. A differentiable task can
/// also return the Jacobians of its objectives and measures; a black-box task (a physics
/// episode, say) gives values only, and gradient emitters then estimate gradients.
/// </summary>
public interface ITask
{
    /// <summary>The name <c>qd run --task</c> knows it by.</summary>
    string Name { get; }

    /// <summary>d: numbers per solution.</summary>
    int SolutionDim { get; }

    /// <summary>m: objectives per solution (1 for QD, 0 for diversity only, 2+ for MOME).</summary>
    int ObjectiveCount { get; }

    /// <summary>k: measures per solution.</summary>
    int MeasureDim { get; }

    /// <summary>Lower bound of each measure (for the archive).</summary>
    double[] MeasureLow { get; }

    /// <summary>Upper bound of each measure (for the archive).</summary>
    double[] MeasureHigh { get; }

    /// <summary>Where the objective lives: its lowest and highest values, for normalizing and colour scales.</summary>
    (double Low, double High) ObjectiveRange { get; }

    /// <summary>True when <see cref="Evaluate"/> can return exact Jacobians.</summary>
    bool HasGradients { get; }

    /// <summary>Evaluates a batch; with <paramref name="withJacobians"/> the result carries n × (m + k) × d Jacobians.</summary>
    Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false);
}
