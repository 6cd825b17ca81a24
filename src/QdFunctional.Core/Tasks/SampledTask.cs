namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Evaluation by several samples (QDax's sampling utilities): each solution is evaluated
/// <see cref="Samples"/> times, each time under its own key, and its objectives and measures are
/// the mean or the median of those (<see cref="SampleAggregate"/>), value by value. Over a noisy
/// task this trades evaluations for elites that are less luck; over a deterministic task every
/// sample is the same. The whole batch of n × samples rows goes to the inner task in one call, so
/// a robot task steps all its episodes side by side.
/// </summary>
public class SampledTask : TaskOver, IStochasticTask
{
    /// <summary><paramref name="samples"/> evaluations per solution of <paramref name="inner"/>, aggregated by <paramref name="aggregate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one sample.</exception>
    public static SampledTask Create(ITask inner, int samples, SampleAggregate aggregate = SampleAggregate.Mean) =>
        inner is IBoundedTask bounded ? new BoundedSampledTask(bounded, samples, aggregate) : new SampledTask(inner, samples, aggregate);

    private protected SampledTask(ITask inner, int samples, SampleAggregate aggregate)
        : base(inner)
    {
        if (samples < 1)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "Sampling needs at least one sample per solution.");
        Samples = samples;
        Aggregate = aggregate;
    }

    /// <summary>Evaluations per solution.</summary>
    public int Samples { get; }

    /// <summary>How the samples are combined.</summary>
    public SampleAggregate Aggregate { get; }

    /// <summary>False: an aggregate of samples has no Jacobian of its own.</summary>
    public override bool HasGradients => false;

    /// <summary>Refuses: sampling draws its samples from a key (<see cref="Seeded"/>).</summary>
    public override Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false) => throw StochasticTasks.NeedsKey(Name);

    /// <inheritdoc/>
    public ITask Seeded(Key key) => new SeededTask(this, solutions => EvaluateWith(solutions, key));

    /// <summary>One batch: the rows repeated sample-major (sample s of every solution together), evaluated under the key, then aggregated.</summary>
    Evaluation EvaluateWith(SolutionBatch solutions, Key key)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        int n = solutions.Count,
            d = SolutionDim,
            s = Samples;
        if (solutions.Dim != d)
            throw new ArgumentException($"{Name}: solutions have {solutions.Dim} values, the task takes {d}.", nameof(solutions));
        var repeated = new double[s * n * d];
        for (var sample = 0; sample < s; sample++)
            solutions.Values.CopyTo(repeated.AsSpan(sample * n * d, n * d));
        var e = Inner.Seeded(key).Evaluate(new SolutionBatch(s * n, d, repeated));
        int m = e.ObjectiveCount,
            k = e.MeasureDim;
        var objectives = new double[n * m];
        var measures = new double[n * k];
        var column = new double[s];
        for (var row = 0; row < n; row++)
        {
            for (var j = 0; j < m; j++)
            {
                for (var sample = 0; sample < s; sample++)
                    column[sample] = e.Objectives[(sample * n + row) * m + j];
                objectives[row * m + j] = Combine(column);
            }
            for (var j = 0; j < k; j++)
            {
                for (var sample = 0; sample < s; sample++)
                    column[sample] = e.Measures[(sample * n + row) * k + j];
                measures[row * k + j] = Combine(column);
            }
        }
        return new Evaluation(n, m, k, objectives, measures);
    }

    /// <summary>The mean (summed in sample order) or the median (the mean of the middle two for an even count).</summary>
    double Combine(double[] values)
    {
        if (Aggregate == SampleAggregate.Mean)
        {
            var sum = 0.0;
            foreach (var v in values)
                sum += v;
            return sum / values.Length;
        }
        Array.Sort(values);
        var half = values.Length / 2;
        return values.Length % 2 == 1 ? values[half] : 0.5 * (values[half - 1] + values[half]);
    }
}

/// <summary>A sampled task over a bounded one keeps its box.</summary>
sealed class BoundedSampledTask(IBoundedTask inner, int samples, SampleAggregate aggregate)
    : SampledTask(inner, samples, aggregate),
        IBoundedTask
{
    /// <inheritdoc/>
    public double[] SolutionLower => inner.SolutionLower;

    /// <inheritdoc/>
    public double[] SolutionUpper => inner.SolutionUpper;
}
