namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Numerics;

/// <summary>
/// The multi-objective Rastrigin of the MOME paper (Pierrot et al. 2022) as QDax sets it up:
/// x ∈ [−2, 4]^d, two maximized objectives f1 = −R(x) and f2 = −R(x − 2.2·1) with
/// R(z) = 10 d + Σ (z_j² − 10 cos 2π z_j), and measures (x_0, x_1) over [−2, 4]². Each optimum is
/// the other's worst compromise, so the Pareto front trades coordinates between 0 and 2.2.
/// </summary>
/// <remarks>
/// Reference point: both objectives' value at the other objective's optimum, R(2.2) per coordinate
/// = 11.75 (to 4 digits), times d, less 10% of it: r_j = −1.1 · d · R₁(2.2), about −12.93 d. Every
/// solution at least as good as the nadir of the two optima counts (QDax's example config says
/// −150 for d = 100, which no solution can beat in both objectives, so we derive ours instead).
/// Gradients are exact: ∂f/∂x_j = −(2 z_j + 20π sin 2π z_j), measures pick x_0 and x_1.
/// </remarks>
public sealed class MultiObjectiveRastrigin : IMultiObjectiveTask
{
    /// <summary>The shift of the second objective's optimum.</summary>
    public const double Lag = 2.2;

    /// <summary>Lower bound of every variable.</summary>
    public const double Low = -2.0;

    /// <summary>Upper bound of every variable.</summary>
    public const double High = 4.0;

    /// <summary>The task in dimension <paramref name="dim"/> (QDax's example uses 100).</summary>
    public MultiObjectiveRastrigin(int dim)
    {
        if (dim < 2)
            throw new ArgumentOutOfRangeException(
                nameof(dim),
                dim,
                "mo-rastrigin needs at least 2 dimensions (its measures are x0 and x1)."
            );
        SolutionDim = dim;
        double nadir = dim * PerCoordinate(Lag);
        ReferencePoint = [-1.1 * nadir, -1.1 * nadir];
        SolutionLower = Enumerable.Repeat(Low, dim).ToArray();
        SolutionUpper = Enumerable.Repeat(High, dim).ToArray();
    }

    /// <inheritdoc/>
    public string Name => "mo-rastrigin";

    /// <inheritdoc/>
    public int SolutionDim { get; }

    /// <inheritdoc/>
    public int ObjectiveCount => 2;

    /// <inheritdoc/>
    public int MeasureDim => 2;

    /// <inheritdoc/>
    public double[] MeasureLow => [Low, Low];

    /// <inheritdoc/>
    public double[] MeasureHigh => [High, High];

    /// <inheritdoc/>
    public (double Low, double High) ObjectiveRange => (ReferencePoint[0], 0.0);

    /// <inheritdoc/>
    public bool HasGradients => true;

    /// <inheritdoc/>
    public double[] ReferencePoint { get; }

    /// <inheritdoc/>
    public double[] SolutionLower { get; }

    /// <inheritdoc/>
    public double[] SolutionUpper { get; }

    /// <summary>One coordinate's Rastrigin term, z² − 10 cos 2πz + 10.</summary>
    static double PerCoordinate(double z) => z * z - 10 * PortableMath.Cos(2 * Math.PI * z) + 10;

    /// <inheritdoc/>
    public Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (solutions.Dim != SolutionDim)
            throw new ArgumentException($"{Name}: solutions have dimension {solutions.Dim}, the task has {SolutionDim}.");
        int n = solutions.Count,
            d = SolutionDim;
        var objectives = new double[n * 2];
        var measures = new double[n * 2];
        var jacobians = withJacobians ? new double[(long)n * 4 * d] : null;
        Blocks.ForRows(
            n,
            d,
            (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    var x = solutions.Row(i);
                    double r1 = 0,
                        r2 = 0;
                    for (int j = 0; j < d; j++)
                    {
                        r1 += PerCoordinate(x[j]);
                        r2 += PerCoordinate(x[j] - Lag);
                    }
                    objectives[2 * i] = -r1;
                    objectives[2 * i + 1] = -r2;
                    measures[2 * i] = x[0];
                    measures[2 * i + 1] = x[1];
                    if (jacobians is null)
                        continue;
                    var rows = jacobians.AsSpan(i * 4 * d, 4 * d);
                    for (int j = 0; j < d; j++)
                    {
                        var (s1, _) = PortableMath.SinCos(2 * Math.PI * x[j]);
                        var (s2, _) = PortableMath.SinCos(2 * Math.PI * (x[j] - Lag));
                        rows[j] = -(2 * x[j] + 20 * Math.PI * s1);
                        rows[d + j] = -(2 * (x[j] - Lag) + 20 * Math.PI * s2);
                    }
                    rows[2 * d] = 1;
                    rows[3 * d + 1] = 1;
                }
            }
        );
        return new Evaluation(n, 2, 2, objectives, measures, jacobians, d);
    }
}
