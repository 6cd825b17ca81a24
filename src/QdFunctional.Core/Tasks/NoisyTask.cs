namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// A task evaluated with Gaussian noise (<see cref="NoiseSpec"/>): each evaluation perturbs the
/// solutions, evaluates the inner task, and perturbs its objectives and measures, all drawn from
/// the key it is seeded with. Elites of a noisy run are partly luck; re-evaluating them
/// (<see cref="Metrics.Reevaluation"/>) shows how much. A bounded inner task keeps its box: noisy
/// solutions are clipped into it, as a joint cannot turn past its stop.
/// </summary>
public class NoisyTask : TaskOver, IStochasticTask
{
    /// <summary>The inner task under <paramref name="noise"/>, known as <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">A negative or non-finite standard deviation.</exception>
    public static NoisyTask Create(ITask inner, NoiseSpec noise, string? name = null) =>
        inner is IBoundedTask bounded ? new BoundedNoisyTask(bounded, noise, name) : new NoisyTask(inner, noise, name);

    private protected NoisyTask(ITask inner, NoiseSpec noise, string? name)
        : base(inner, name)
    {
        ArgumentNullException.ThrowIfNull(noise);
        Noise = noise.Validated();
    }

    /// <summary>The noise added.</summary>
    public NoiseSpec Noise { get; }

    /// <summary>False: the noise has no gradient, so gradient algorithms estimate one from values.</summary>
    public override bool HasGradients => false;

    /// <summary>Refuses: a noisy task evaluates under a key (<see cref="Seeded"/>).</summary>
    public override Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false) => throw StochasticTasks.NeedsKey(Name);

    /// <inheritdoc/>
    public ITask Seeded(Key key) => new SeededTask(this, solutions => EvaluateWith(solutions, key));

    /// <summary>One batch's evaluation: solution noise from key/0, objective noise from key/1, measure noise from key/2.</summary>
    Evaluation EvaluateWith(SolutionBatch solutions, Key key)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (solutions.Dim != SolutionDim)
            throw new ArgumentException($"{Name}: solutions have {solutions.Dim} values, the task takes {SolutionDim}.", nameof(solutions));
        var n = solutions.Count;
        var noisy = solutions;
        if (Noise.Solution > 0.0)
        {
            var values = new double[n * SolutionDim];
            key.FoldIn(0).Normal(values, 0.0, Noise.Solution);
            var clean = solutions.Values;
            for (var i = 0; i < values.Length; i++)
                values[i] += clean[i];
            if (Inner is IBoundedTask box)
                for (var i = 0; i < values.Length; i++)
                {
                    var j = i % SolutionDim;
                    values[i] = Math.Clamp(values[i], box.SolutionLower[j], box.SolutionUpper[j]);
                }
            noisy = new SolutionBatch(n, SolutionDim, values);
        }
        var e = Inner.Evaluate(noisy);
        var objectives = (double[])e.Objectives.Clone();
        var measures = (double[])e.Measures.Clone();
        if (Noise.Objective > 0.0 && objectives.Length > 0)
        {
            var (low, high) = ObjectiveRange;
            var draws = new double[objectives.Length];
            key.FoldIn(1).Normal(draws, 0.0, Noise.Objective * (high - low));
            for (var i = 0; i < objectives.Length; i++)
                objectives[i] += draws[i];
        }
        if (Noise.Measures > 0.0)
        {
            var draws = new double[measures.Length];
            key.FoldIn(2).Normal(draws);
            var k = MeasureDim;
            for (var i = 0; i < measures.Length; i++)
                measures[i] += draws[i] * Noise.Measures * (MeasureHigh[i % k] - MeasureLow[i % k]);
        }
        return new Evaluation(n, e.ObjectiveCount, e.MeasureDim, objectives, measures, null, 0, e.Extra);
    }
}

/// <summary>A noisy task over a bounded one: the same box for emitters and the initial population.</summary>
sealed class BoundedNoisyTask(IBoundedTask inner, NoiseSpec noise, string? name) : NoisyTask(inner, noise, name), IBoundedTask
{
    /// <inheritdoc/>
    public double[] SolutionLower => inner.SolutionLower;

    /// <inheritdoc/>
    public double[] SolutionUpper => inner.SolutionUpper;
}
