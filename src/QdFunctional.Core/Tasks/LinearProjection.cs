namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Core.Parallelism;
using QdFunctional.Diff.Numerics;

/// <summary>
/// The linear-projection benchmarks of CMA-ME and differentiable QD (Fontaine et al. 2020;
/// Fontaine and Nikolaidis 2021): sphere or Rastrigin shifted to an optimum at 2.048 per
/// coordinate, objective normalized to [0, 100] (100 is optimal, 0 is the value at the corner
/// x = -5.12), and two measures that sum the clipped coordinates of each half of the solution,
/// where clip(v) = v on [-5.12, 5.12] and 5.12 / v outside. Measure bounds are ±5.12 · d / 2.
/// </summary>
public sealed class LinearProjection : ITask
{
    /// <summary>The objective of the benchmark.</summary>
    public enum Function
    {
        /// <summary>Sum of squares: unimodal.</summary>
        Sphere,

        /// <summary>Rastrigin (A = 10): highly multimodal.</summary>
        Rastrigin,
    }

    const double Bound = 5.12;
    const double Shift = 5.12 * 0.4;
    const double A = 10.0;
    readonly double worst;

    /// <summary>The benchmark of <paramref name="function"/> in dimension <paramref name="dim"/> (at least 2).</summary>
    public LinearProjection(Function function, int dim)
    {
        if (dim < 2)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "The linear-projection tasks need at least 2 dimensions.");
        Kind = function;
        SolutionDim = dim;
        double corner = -Bound - Shift;
        worst =
            function == Function.Sphere
                ? corner * corner * dim
                : A * dim + dim * (corner * corner - A * PortableMath.Cos(2 * Math.PI * corner));
        double max = Bound * dim / 2;
        MeasureLow = [-max, -max];
        MeasureHigh = [max, max];
    }

    /// <summary>Sphere or Rastrigin.</summary>
    public Function Kind { get; }

    /// <inheritdoc/>
    public string Name => Kind == Function.Sphere ? "lp-sphere" : "lp-rastrigin";

    /// <inheritdoc/>
    public int SolutionDim { get; }

    /// <inheritdoc/>
    public int ObjectiveCount => 1;

    /// <inheritdoc/>
    public int MeasureDim => 2;

    /// <inheritdoc/>
    public double[] MeasureLow { get; }

    /// <inheritdoc/>
    public double[] MeasureHigh { get; }

    /// <inheritdoc/>
    public (double Low, double High) ObjectiveRange => (0.0, 100.0);

    /// <inheritdoc/>
    public bool HasGradients => true;

    /// <summary>The raw (unnormalized) objective at the corner x = -5.12, which maps to 0.</summary>
    public double WorstRaw => worst;

    /// <inheritdoc/>
    public Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (solutions.Dim != SolutionDim)
            throw new ArgumentException($"{Name}: solutions have dimension {solutions.Dim}, the task has {SolutionDim}.");
        int n = solutions.Count,
            d = SolutionDim,
            half = d / 2;
        var objectives = new double[n];
        var measures = new double[n * 2];
        var jacobians = withJacobians ? new double[(long)n * 3 * d] : null;
        bool sphere = Kind == Function.Sphere;
        double scale = -100.0 / worst;
        RowPartition.For(
            n,
            d,
            (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    var x = solutions.Row(i);
                    double raw = sphere ? 0.0 : A * d,
                        m0 = 0.0,
                        m1 = 0.0;
                    for (int j = 0; j < d; j++)
                    {
                        double z = x[j] - Shift;
                        raw += sphere ? z * z : z * z - A * PortableMath.Cos(2 * Math.PI * z);
                        double v = x[j];
                        double c = v >= -Bound && v <= Bound ? v : Bound / v;
                        if (j < half)
                            m0 += c;
                        else
                            m1 += c;
                    }
                    objectives[i] = (raw - worst) * scale;
                    measures[2 * i] = m0;
                    measures[2 * i + 1] = m1;
                    if (jacobians is not null)
                        FillJacobian(x, jacobians.AsSpan(i * 3 * d, 3 * d), sphere, scale, half);
                }
            }
        );
        return new Evaluation(n, 1, 2, objectives, measures, jacobians, d);
    }

    static void FillJacobian(ReadOnlySpan<double> x, Span<double> rows, bool sphere, double scale, int half)
    {
        int d = x.Length;
        var dObj = rows[..d];
        var dM0 = rows.Slice(d, d);
        var dM1 = rows.Slice(2 * d, d);
        for (int j = 0; j < d; j++)
        {
            double z = x[j] - Shift;
            double draw = sphere ? 2 * z : 2 * z + 2 * Math.PI * A * PortableMath.Sin(2 * Math.PI * z);
            dObj[j] = scale * draw;
            double v = x[j];
            double dc = v >= -Bound && v <= Bound ? 1.0 : -Bound / (v * v);
            if (j < half)
            {
                dM0[j] = dc;
                dM1[j] = 0.0;
            }
            else
            {
                dM0[j] = 0.0;
                dM1[j] = dc;
            }
        }
    }
}
