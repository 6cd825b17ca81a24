namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Optimizers;
using QdFunctional.Core.Random;

/// <summary>
/// Single-objective gradient ascent on a population, the "single" runs of the combined pipeline:
/// every point climbs the weighted objective Σ_j w_j f_j with Adam (Kingma and Ba 2015). Each ask
/// returns the current points; their Jacobians, told back, move every point one Adam step (one
/// optimizer over the whole population is the same as one per point: Adam works elementwise).
/// Points are clipped to the bounds. The archive only records what the points visit.
/// </summary>
public sealed record AdamPopulationEmitter : IJacobianEmitter, ICheckpointedEmitter
{
    /// <summary>Gradient ascent from <paramref name="start"/> (n × d) on the objectives weighted by <paramref name="weights"/>.</summary>
    public AdamPopulationEmitter(SolutionBatch start, double[] weights, double learningRate, EmitterBounds? bounds = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(weights);
        EmitterChecks.BatchSize(start.Count);
        EmitterChecks.Bounds(bounds, start.Dim);
        if (weights.Length == 0 || weights.Any(w => !double.IsFinite(w)))
            throw new ArgumentException("Objective weights must be finite, one per objective.", nameof(weights));
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");
        SolutionDim = start.Dim;
        Points = start.Values.ToArray();
        Weights = (double[])weights.Clone();
        Bounds = bounds;
        Optimizer = new Adam(learningRate);
        bounds?.Clip(Points);
    }

    /// <summary>d.</summary>
    public int SolutionDim { get; }

    /// <summary>The population (n × d).</summary>
    public double[] Points { get; init; }

    /// <summary>w: one weight per objective.</summary>
    public double[] Weights { get; }

    /// <summary>Solution bounds, or null for none.</summary>
    public EmitterBounds? Bounds { get; }

    /// <summary>Adam's moments over the whole population.</summary>
    public IGradientOptimizer Optimizer { get; init; }

    /// <inheritdoc/>
    public int BatchSize => Points.Length / SolutionDim;

    /// <inheritdoc/>
    public (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key) =>
        (this, new SolutionBatch(BatchSize, SolutionDim, (double[])Points.Clone()));

    /// <summary>The weighted objective's gradient at every told point (n × d).</summary>
    public double[] WeightedGradients(Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var jacobians = Gradients.Require(evaluation, SolutionDim, "AdamPopulationEmitter");
        if (evaluation.ObjectiveCount != Weights.Length)
            throw new ArgumentException(
                $"AdamPopulationEmitter has {Weights.Length} objective weights; the task has {evaluation.ObjectiveCount} objectives."
            );
        int n = evaluation.Count,
            d = SolutionDim,
            rows = evaluation.ObjectiveCount + evaluation.MeasureDim;
        var gradient = new double[n * d];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < Weights.Length; j++)
            if (Weights[j] != 0)
                QdFunctional.Numerics.Unfused.MultiplyAdd(
                    jacobians.AsSpan((i * rows + j) * d, d),
                    Weights[j],
                    gradient.AsSpan(i * d, d),
                    gradient.AsSpan(i * d, d)
                );
        return gradient;
    }

    /// <inheritdoc/>
    public IEmitter Tell(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (solutions.Count != BatchSize)
            throw new ArgumentException($"AdamPopulationEmitter: asked for {BatchSize} points, told {solutions.Count}.");
        var (optimizer, next) = Optimizer.Step(Points, WeightedGradients(evaluation));
        Bounds?.Clip(next);
        return this with { Points = next, Optimizer = optimizer };
    }

    /// <inheritdoc/>
    public byte StateKind => EmitterState.AdamPopulation;

    /// <inheritdoc/>
    public bool CanCheckpoint => true;

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer)
    {
        EmitterState.WriteDoubles(writer, Points);
        EmitterState.WriteOptimizer(writer, Optimizer);
    }

    /// <inheritdoc/>
    public IEmitter ReadState(BinaryReader reader)
    {
        var points = EmitterState.ReadDoubles(reader);
        if (points.Length != Points.Length)
            throw new ArgumentException($"saved population has {points.Length} values, the emitter {Points.Length}");
        return this with { Points = points, Optimizer = EmitterState.ReadOptimizer(reader, Optimizer) };
    }
}
