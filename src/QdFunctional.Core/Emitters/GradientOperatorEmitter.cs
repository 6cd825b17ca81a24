namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Random;

/// <summary>
/// The gradient operator of OG-MAP-Elites and OMG-MEGA (Fontaine and Nikolaidis 2021). The
/// gradient stage evaluates elites perturbed by N(0, σ0²) (x0 while the archive is empty); the
/// branch stage steps each of them along its gradients:
/// OG: x' = x + σ_g ∇f;  OMG: x' = x + |c_0| ∇f + Σ_j c_j ∇m_j with c ~ N(0, σ_g²),
/// with gradients optionally normalized. Between the stages the emitter holds the points and
/// their Jacobians; Tell after the branches clears them.
/// </summary>
public sealed record GradientOperatorEmitter : IGradientEmitter, ICheckpointedEmitter
{
    /// <summary>An emitter of <paramref name="batchSize"/> gradient points and as many branches per iteration.</summary>
    public GradientOperatorEmitter(
        int solutionDim,
        double sigma0,
        double sigmaG,
        bool measureGradients,
        bool normalizeGradients,
        int batchSize,
        double[] x0,
        EmitterBounds? bounds = null
    )
    {
        EmitterChecks.Dimension(solutionDim);
        EmitterChecks.NonNegative(sigma0, nameof(sigma0));
        EmitterChecks.NonNegative(sigmaG, nameof(sigmaG));
        EmitterChecks.BatchSize(batchSize);
        ArgumentNullException.ThrowIfNull(x0);
        if (x0.Length != solutionDim)
            throw new ArgumentException($"x0 has {x0.Length} values; solutions have dimension {solutionDim}.", nameof(x0));
        EmitterChecks.Bounds(bounds, solutionDim);
        SolutionDim = solutionDim;
        Sigma0 = sigma0;
        SigmaG = sigmaG;
        MeasureGradients = measureGradients;
        NormalizeGradients = normalizeGradients;
        BatchSize = batchSize;
        X0 = (double[])x0.Clone();
        Bounds = bounds;
    }

    /// <summary>d.</summary>
    public int SolutionDim { get; }

    /// <summary>σ0: noise on the sampled elites before their gradients are taken.</summary>
    public double Sigma0 { get; }

    /// <summary>σ_g: the step size (OG) or the spread of the gradient coefficients (OMG).</summary>
    public double SigmaG { get; }

    /// <summary>True for OMG-MEGA (objective and measure gradients), false for OG-MAP-Elites.</summary>
    public bool MeasureGradients { get; }

    /// <summary>Whether each gradient is divided by its norm.</summary>
    public bool NormalizeGradients { get; }

    /// <inheritdoc/>
    public int BatchSize { get; }

    /// <summary>Where gradient points start while the archive is empty.</summary>
    public double[] X0 { get; }

    /// <summary>Solution bounds, or null for none.</summary>
    public EmitterBounds? Bounds { get; }

    /// <summary>The gradient points of this iteration (n × d), once told.</summary>
    public double[]? Points { get; private init; }

    /// <summary>Their Jacobians (n × (1 + k) × d, normalized if asked), once told.</summary>
    public double[]? Jacobians { get; private init; }

    /// <summary>1 + k: gradients per point.</summary>
    public int GradientRows { get; private init; }

    /// <inheritdoc/>
    public (IGradientEmitter Emitter, SolutionBatch Solutions) AskGradients(IArchive archive, Key key)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var (kParents, kNoise) = key.Split2();
        var block = archive.IsEmpty
            ? Variation.Repeat(X0, BatchSize)
            : Variation.Solutions(archive.Sample(kParents, BatchSize), SolutionDim);
        if (Sigma0 > 0)
            Variation.Gaussian(block, SolutionDim, Sigma0, kNoise);
        Bounds?.Clip(block);
        return (this with { Points = null, Jacobians = null }, new SolutionBatch(BatchSize, SolutionDim, block));
    }

    /// <inheritdoc/>
    public IGradientEmitter TellGradients(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        var jacobians = Gradients.Require(evaluation, SolutionDim, "GradientOperatorEmitter");
        int rows = evaluation.ObjectiveCount + evaluation.MeasureDim;
        return this with
        {
            Points = solutions.Values.ToArray(),
            Jacobians = NormalizeGradients ? Gradients.Normalized(jacobians, SolutionDim) : jacobians,
            GradientRows = rows,
        };
    }

    /// <inheritdoc/>
    public (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key)
    {
        if (Points is null || Jacobians is null)
            throw new InvalidOperationException("GradientOperatorEmitter: ask for gradients and tell them before asking for branches.");
        int n = Points.Length / SolutionDim,
            d = SolutionDim,
            rows = GradientRows;
        var block = (double[])Points.Clone();
        var coefficients = new double[n * rows];
        if (MeasureGradients)
        {
            key.Normal(coefficients, 0.0, SigmaG);
            for (int i = 0; i < n; i++)
                coefficients[i * rows] = Math.Abs(coefficients[i * rows]);
        }
        else
        {
            for (int i = 0; i < n; i++)
                coefficients[i * rows] = SigmaG;
        }
        for (int i = 0; i < n; i++)
        {
            var x = block.AsSpan(i * d, d);
            for (int r = 0; r < rows; r++)
            {
                double c = coefficients[i * rows + r];
                if (c != 0)
                    QdFunctional.Numerics.Unfused.MultiplyAdd(Jacobians.AsSpan((i * rows + r) * d, d), c, x, x);
            }
        }
        Bounds?.Clip(block);
        return (this, new SolutionBatch(n, d, block));
    }

    /// <inheritdoc/>
    public IEmitter Tell(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report) =>
        this with
        {
            Points = null,
            Jacobians = null,
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
