namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Random;

/// <summary>
/// MOME-OMG-MEGA: OMG-MEGA's gradient step (Fontaine and Nikolaidis 2021) adapted to a MOME
/// archive, along one chosen objective. The gradient stage evaluates parents drawn uniformly from
/// the archive (uniform in the bounds, or x0, while it is empty); each branch then moves its
/// parent along that objective's gradient, θ' = θ + α ∇f_j(θ) + σ N(0, I) with α ~ |N(0, σ_g²)|,
/// and is clipped to the bounds. The gradients travel with the points between the two stages,
/// so no second archive of gradients is kept.
/// </summary>
public sealed record MomeGradientEmitter : IGradientEmitter, ICheckpointedEmitter
{
    /// <summary>An emitter of <paramref name="batchSize"/> gradient points and as many branches per iteration.</summary>
    public MomeGradientEmitter(
        int solutionDim,
        int batchSize,
        int objective,
        double sigmaG,
        double sigma = 0.0,
        bool normalizeGradients = false,
        EmitterBounds? bounds = null,
        double[]? x0 = null
    )
    {
        EmitterChecks.Dimension(solutionDim);
        EmitterChecks.BatchSize(batchSize);
        if (objective < 0)
            throw new ArgumentOutOfRangeException(nameof(objective), objective, "Objective index must be 0 or more.");
        EmitterChecks.NonNegative(sigmaG, nameof(sigmaG));
        EmitterChecks.NonNegative(sigma, nameof(sigma));
        EmitterChecks.Bounds(bounds, solutionDim);
        if (bounds is null && x0 is null)
            throw new ArgumentException("MomeGradientEmitter: give bounds (to start uniformly within them) or x0.");
        if (x0 is not null && x0.Length != solutionDim)
            throw new ArgumentException($"x0 has {x0.Length} values; solutions have dimension {solutionDim}.", nameof(x0));
        SolutionDim = solutionDim;
        BatchSize = batchSize;
        Objective = objective;
        SigmaG = sigmaG;
        Sigma = sigma;
        NormalizeGradients = normalizeGradients;
        Bounds = bounds;
        X0 = x0 is null ? null : (double[])x0.Clone();
    }

    /// <summary>d.</summary>
    public int SolutionDim { get; }

    /// <inheritdoc/>
    public int BatchSize { get; }

    /// <summary>Index of the objective whose gradient is followed.</summary>
    public int Objective { get; }

    /// <summary>σ_g: the spread of the step length α.</summary>
    public double SigmaG { get; }

    /// <summary>σ: the Gaussian noise added to each branch.</summary>
    public double Sigma { get; }

    /// <summary>Whether each gradient is divided by its norm first.</summary>
    public bool NormalizeGradients { get; }

    /// <summary>Solution bounds, or null for none.</summary>
    public EmitterBounds? Bounds { get; }

    /// <summary>Where gradient points start while the archive is empty (null: uniform in the bounds).</summary>
    public double[]? X0 { get; }

    /// <summary>The gradient points of this iteration (n × d), once told.</summary>
    public double[]? Points { get; private init; }

    /// <summary>The chosen objective's gradient at each point (n × d), once told.</summary>
    public double[]? ObjectiveGradients { get; private init; }

    /// <inheritdoc/>
    public (IGradientEmitter Emitter, SolutionBatch Solutions) AskGradients(IArchive archive, Key key)
    {
        ArgumentNullException.ThrowIfNull(archive);
        double[] block;
        if (!archive.IsEmpty)
            block = Variation.Solutions(archive.Sample(key, BatchSize), SolutionDim);
        else if (X0 is not null)
            block = Variation.Repeat(X0, BatchSize);
        else
            block = Bounds!.SampleUniform(key, BatchSize);
        return (this with { Points = null, ObjectiveGradients = null }, new SolutionBatch(BatchSize, SolutionDim, block));
    }

    /// <inheritdoc/>
    public IGradientEmitter TellGradients(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        var jacobians = Gradients.Require(evaluation, SolutionDim, "MomeGradientEmitter");
        if (Objective >= evaluation.ObjectiveCount)
            throw new ArgumentException(
                $"MomeGradientEmitter follows objective {Objective}, but the task has {evaluation.ObjectiveCount} objectives."
            );
        int n = solutions.Count,
            d = SolutionDim,
            rows = evaluation.ObjectiveCount + evaluation.MeasureDim;
        var gradients = new double[n * d];
        for (int i = 0; i < n; i++)
            jacobians.AsSpan((i * rows + Objective) * d, d).CopyTo(gradients.AsSpan(i * d, d));
        return this with
        {
            Points = solutions.Values.ToArray(),
            ObjectiveGradients = NormalizeGradients ? Gradients.Normalized(gradients, d) : gradients,
        };
    }

    /// <inheritdoc/>
    public (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key)
    {
        if (Points is null || ObjectiveGradients is null)
            throw new InvalidOperationException("MomeGradientEmitter: ask for gradients and tell them before asking for branches.");
        int d = SolutionDim,
            n = Points.Length / d;
        var (kSteps, kNoise) = key.Split2();
        var steps = new double[n];
        kSteps.Normal(steps, 0.0, SigmaG);
        var block = (double[])Points.Clone();
        for (int i = 0; i < n; i++)
            QdFunctional.Numerics.Unfused.MultiplyAdd(
                ObjectiveGradients.AsSpan(i * d, d),
                Math.Abs(steps[i]),
                block.AsSpan(i * d, d),
                block.AsSpan(i * d, d)
            );
        if (Sigma > 0)
            Variation.Gaussian(block, d, Sigma, kNoise);
        Bounds?.Clip(block);
        return (this, new SolutionBatch(n, d, block));
    }

    /// <inheritdoc/>
    public IEmitter Tell(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report) =>
        this with
        {
            Points = null,
            ObjectiveGradients = null,
        };

    /// <inheritdoc/>
    public byte StateKind => EmitterState.Stateless;

    /// <inheritdoc/>
    public bool CanCheckpoint => Points is null;

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer) { }

    /// <inheritdoc/>
    public IEmitter ReadState(BinaryReader reader) => this;
}
