using QdFunctional.Numerics;

namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Gradients of a black-box task by evolution strategies, as CMA-MEGA (ES) does (Tjanaka et al.
/// 2022, "Approximating Gradients for Differentiable Quality Diversity in Reinforcement
/// Learning", after OpenAI-ES, Salimans et al. 2017). Around each point x it evaluates P mirrored
/// pairs x ± σε with ε ~ N(0, I), replaces each output (objective and every measure) by its
/// centered rank among the 2P probes (values in [-0.5, 0.5]), and estimates
/// ∇ ≈ 1 / (2Pσ) · Σ_p (r⁺_p − r⁻_p) ε_p. Ranking makes the estimate scale-free and robust to
/// outliers; its length means nothing, so gradient emitters should normalize it.
/// </summary>
/// <param name="Pairs">P, mirrored pairs per point (the paper's 100 samples are 50 pairs).</param>
/// <param name="Sigma">σ, the spread of the probes (the paper's 0.02).</param>
public sealed record GradientEstimator(int Pairs = 50, double Sigma = 0.02)
{
    /// <summary>Evaluations spent per point: the point itself and 2P probes.</summary>
    public int EvaluationsPerPoint => 1 + 2 * Pairs;

    /// <summary>
    /// Evaluates <paramref name="points"/> with <paramref name="task"/> and attaches estimated
    /// Jacobians (n × (m + k) × d). Probe noise for point i comes from <c>key.FoldIn(i)</c>.
    /// </summary>
    public Evaluation Estimate(ITask task, SolutionBatch points, Key key)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(points);
        if (Pairs < 1)
            throw new ArgumentOutOfRangeException(nameof(Pairs), Pairs, "Gradient estimation needs at least one pair of probes.");
        if (!(Sigma > 0) || !double.IsFinite(Sigma))
            throw new ArgumentOutOfRangeException(nameof(Sigma), Sigma, "Probe sigma must be positive and finite.");
        int n = points.Count,
            d = points.Dim,
            probes = 2 * Pairs;

        // ε for all points, then the probes x + σε (even rows) and x − σε (odd rows), in one batch.
        var noise = new double[(long)n * Pairs * d];
        Blocks.ForRows(
            n,
            (long)Pairs * d,
            (start, end) =>
            {
                for (int i = start; i < end; i++)
                    key.FoldIn(i).Normal(noise.AsSpan(i * Pairs * d, Pairs * d));
            }
        );
        var probeValues = new double[(long)n * probes * d];
        for (int i = 0; i < n; i++)
        {
            var x = points.Row(i);
            for (int p = 0; p < Pairs; p++)
            {
                var eps = noise.AsSpan((i * Pairs + p) * d, d);
                var plus = probeValues.AsSpan(((i * probes) + 2 * p) * d, d);
                var minus = probeValues.AsSpan(((i * probes) + 2 * p + 1) * d, d);
                for (int j = 0; j < d; j++)
                {
                    plus[j] = x[j] + Sigma * eps[j];
                    minus[j] = x[j] - Sigma * eps[j];
                }
            }
        }
        var atPoints = task.Evaluate(points);
        var atProbes = task.Evaluate(new SolutionBatch(n * probes, d, probeValues));

        int m = atPoints.ObjectiveCount,
            k = atPoints.MeasureDim,
            outputs = m + k;
        var jacobians = new double[(long)n * outputs * d];
        Blocks.ForRows(
            n,
            (long)probes * outputs * 8,
            (start, end) =>
            {
                var values = new double[probes];
                var ranks = new double[probes];
                var order = new int[probes];
                for (int i = start; i < end; i++)
                for (int o = 0; o < outputs; o++)
                {
                    for (int s = 0; s < probes; s++)
                    {
                        int row = i * probes + s;
                        values[s] = o < m ? atProbes.Objectives[row * m + o] : atProbes.Measures[row * k + (o - m)];
                    }
                    CenteredRanks(values, order, ranks);
                    var g = jacobians.AsSpan((i * outputs + o) * d, d);
                    for (int p = 0; p < Pairs; p++)
                    {
                        double weight = (ranks[2 * p] - ranks[2 * p + 1]) / (probes * Sigma);
                        QdFunctional.Numerics.Unfused.MultiplyAdd(noise.AsSpan((i * Pairs + p) * d, d), weight, (ReadOnlySpan<double>)g, g);
                    }
                }
            }
        );
        return new Evaluation(n, m, k, atPoints.Objectives, atPoints.Measures, jacobians, d, atPoints.Extra);
    }

    /// <summary>
    /// Ranks scaled to [-0.5, 0.5] (OpenAI-ES' centered ranks); equal values share their mean rank,
    /// so the estimate does not depend on the order of ties.
    /// </summary>
    public static void CenteredRanks(ReadOnlySpan<double> values, Span<int> order, Span<double> ranks)
    {
        int n = values.Length;
        for (int i = 0; i < n; i++)
            order[i] = i;
        var copy = values.ToArray();
        order.Sort((a, b) => copy[a].CompareTo(copy[b]));
        double scale = n > 1 ? 1.0 / (n - 1) : 0.0;
        for (int s = 0; s < n; )
        {
            int e = s;
            while (e + 1 < n && copy[order[e + 1]] == copy[order[s]])
                e++;
            double rank = 0.5 * (s + e) * scale - 0.5;
            for (int t = s; t <= e; t++)
                ranks[order[t]] = rank;
            s = e + 1;
        }
    }
}
