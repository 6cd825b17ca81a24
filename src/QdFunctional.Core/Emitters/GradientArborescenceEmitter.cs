namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Emitters.Rankers;
using QdFunctional.Core.Optimizers;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

/// <summary>
/// CMA-MEGA's emitter (Fontaine and Nikolaidis 2021; pyribs' GradientArborescenceEmitter). Each
/// iteration it evaluates its search point θ with gradients, then branches
/// θ + c_0 ∇f + Σ_j c_j ∇m_j with coefficients c drawn by a CMA-ES over the 1 + k coefficient
/// dimensions. The branches are ranked by what they did to the archive; CMA-ES learns which
/// coefficients work, and θ steps along the log-weighted mean of the better branches minus θ
/// (gradient ascent, or Adam for CMA-MEGA (Adam)). No branch improving the archive, or CMA-ES
/// stopping, restarts θ at a random elite.
/// </summary>
public sealed record GradientArborescenceEmitter : IGradientEmitter, ICheckpointedEmitter
{
    /// <summary>
    /// An emitter at <paramref name="x0"/> making <paramref name="batchSize"/> branches per
    /// iteration, with coefficient spread <paramref name="sigmaG"/> over <paramref name="measureDim"/> + 1 gradients.
    /// </summary>
    public GradientArborescenceEmitter(
        double[] x0,
        int measureDim,
        double sigmaG,
        int batchSize,
        IGradientOptimizer optimizer,
        bool normalizeGradients = true,
        bool selectAdded = false,
        RestartRule? restart = null,
        IRanker? ranker = null,
        EmitterBounds? bounds = null
    )
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (x0.Length == 0)
            throw new ArgumentException("x0 needs at least one dimension.", nameof(x0));
        if (measureDim < 1)
            throw new ArgumentOutOfRangeException(nameof(measureDim), measureDim, "At least one measure is needed.");
        if (!(sigmaG > 0) || !double.IsFinite(sigmaG))
            throw new ArgumentOutOfRangeException(nameof(sigmaG), sigmaG, "sigmaG must be positive and finite.");
        EmitterChecks.BatchSize(batchSize, atLeast: 2);
        EmitterChecks.Bounds(bounds, x0.Length);
        Theta = (double[])x0.Clone();
        Optimizer = optimizer;
        Coefficients = CmaEs.Create(new double[measureDim + 1], sigmaG, batchSize);
        Ranker = ranker ?? new TwoStageImprovementRanker();
        Restart = restart ?? new RestartRule.NoImprovement();
        NormalizeGradients = normalizeGradients;
        SelectAdded = selectAdded;
        Bounds = bounds;
        PendingRestart = Ranker is RandomDirectionRanker { Direction: null };
    }

    /// <summary>θ: the search point.</summary>
    public double[] Theta { get; init; }

    /// <summary>How θ moves (gradient ascent or Adam).</summary>
    public IGradientOptimizer Optimizer { get; init; }

    /// <summary>The CMA-ES over gradient coefficients.</summary>
    public IEvolutionStrategy Coefficients { get; init; }

    /// <summary>The ranker of branches.</summary>
    public IRanker Ranker { get; init; }

    /// <summary>When to restart.</summary>
    public RestartRule Restart { get; }

    /// <summary>Whether each gradient is divided by its norm.</summary>
    public bool NormalizeGradients { get; }

    /// <summary>True: recombine the branches that entered the archive; false (the paper's): the better half.</summary>
    public bool SelectAdded { get; }

    /// <summary>Solution bounds, or null.</summary>
    public EmitterBounds? Bounds { get; }

    /// <summary>Gradients at θ, (1 + k) × d, once told.</summary>
    public double[]? Jacobian { get; init; }

    /// <summary>The coefficients of the branches asked last, λ × (1 + k).</summary>
    public double[]? AskedCoefficients { get; init; }

    /// <summary>Restarts so far.</summary>
    public int Restarts { get; init; }

    /// <summary>Iterations since the last restart.</summary>
    public int IterationsSinceRestart { get; init; }

    /// <summary>Whether the next gradient ask starts over from a random elite.</summary>
    public bool PendingRestart { get; init; }

    /// <inheritdoc/>
    public int BatchSize => Coefficients.BatchSize;

    int Dim => Theta.Length;

    /// <inheritdoc/>
    public (IGradientEmitter Emitter, SolutionBatch Solutions) AskGradients(IArchive archive, Key key)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var emitter = PendingRestart ? Restarted(archive, key) : this;
        return (emitter with { Jacobian = null }, new SolutionBatch(1, Dim, (double[])emitter.Theta.Clone()));
    }

    /// <inheritdoc/>
    public IGradientEmitter TellGradients(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        var jacobians = Gradients.Require(evaluation, Dim, "CMA-MEGA");
        int rows = evaluation.ObjectiveCount + evaluation.MeasureDim;
        if (rows != Coefficients.Dimension || evaluation.Count != 1)
            throw new ArgumentException(
                $"CMA-MEGA: expected the Jacobian of one point with {Coefficients.Dimension} gradients, got {evaluation.Count} points with {rows}."
            );
        return this with { Jacobian = NormalizeGradients ? Gradients.Normalized(jacobians, Dim) : (double[])jacobians.Clone() };
    }

    /// <inheritdoc/>
    public (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key)
    {
        if (Jacobian is null)
            throw new InvalidOperationException("CMA-MEGA: ask for gradients and tell them before asking for branches.");
        int rows = Coefficients.Dimension,
            n = BatchSize,
            d = Dim;
        var coefficients = Coefficients.Ask(key);
        var block = new double[(long)n * d];
        for (int i = 0; i < n; i++)
        {
            var x = block.AsSpan(i * d, d);
            Theta.CopyTo(x);
            for (int r = 0; r < rows; r++)
                QdFunctional.Numerics.Unfused.MultiplyAdd(
                    Jacobian.AsSpan(r * d, d),
                    coefficients[i * rows + r],
                    (ReadOnlySpan<double>)x,
                    x
                );
        }
        Bounds?.Clip(block);
        return (this with { AskedCoefficients = coefficients }, new SolutionBatch(n, d, block));
    }

    /// <inheritdoc/>
    public IEmitter Tell(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        if (AskedCoefficients is null)
            throw new InvalidOperationException("CMA-MEGA: tell called before ask.");
        var (indices, values) = Ranker.Rank(solutions, evaluation, report);
        int added = report.CountAtLeast(AddStatus.Improved);
        int parents = SelectAdded ? added : solutions.Count / 2;
        var coefficients = Coefficients;
        var optimizer = Optimizer;
        var theta = Theta;
        if (parents > 0)
        {
            coefficients = Coefficients.Tell(AskedCoefficients, indices, parents);
            // Step: the log-weighted mean of the best parents, minus θ.
            var step = new double[Dim];
            double total = 0;
            for (int p = 0; p < parents; p++)
                total += PortableMath.Log(parents + 0.5) - PortableMath.Log(p + 1);
            for (int p = 0; p < parents; p++)
            {
                double w = (PortableMath.Log(parents + 0.5) - PortableMath.Log(p + 1)) / total;
                QdFunctional.Numerics.Unfused.MultiplyAdd(solutions.Row(indices[p]), w, step, step);
            }
            System.Numerics.Tensors.TensorPrimitives.Subtract(step, Theta, step);
            (optimizer, theta) = Optimizer.Step(Theta, step);
        }
        bool restart = Restart.Fires(added, IterationsSinceRestart + 1) || coefficients.CheckStop(values) != StopReason.None;
        return this with
        {
            Coefficients = coefficients,
            Optimizer = optimizer,
            Theta = theta,
            AskedCoefficients = null,
            Jacobian = null,
            IterationsSinceRestart = IterationsSinceRestart + 1,
            PendingRestart = restart,
        };
    }

    GradientArborescenceEmitter Restarted(IArchive archive, Key key)
    {
        var (kElite, kRanker) = key.Split2();
        bool first = Ranker is RandomDirectionRanker { Direction: null } && Restarts == 0 && IterationsSinceRestart == 0;
        var theta = first || archive.IsEmpty ? Theta : archive.Sample(kElite, 1)[0].Solution.ToArray();
        return this with
        {
            Theta = theta,
            Optimizer = first ? Optimizer : Optimizer.Reset(),
            Coefficients = first ? Coefficients : Coefficients.Reset(new double[Coefficients.Dimension]),
            Ranker = Ranker.Reset(archive, kRanker),
            Restarts = first ? Restarts : Restarts + 1,
            IterationsSinceRestart = 0,
            PendingRestart = false,
        };
    }

    /// <inheritdoc/>
    public byte StateKind => EmitterState.Arborescence;

    /// <inheritdoc/>
    public bool CanCheckpoint => true;

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer)
    {
        EmitterState.WriteDoubles(writer, Theta);
        EmitterState.WriteOptimizer(writer, Optimizer);
        EmitterState.WriteStrategy(writer, Coefficients);
        EmitterState.WriteRanker(writer, Ranker);
        writer.Write(Restarts);
        writer.Write(IterationsSinceRestart);
        writer.Write(PendingRestart);
    }

    /// <inheritdoc/>
    public IEmitter ReadState(BinaryReader reader)
    {
        var theta = EmitterState.ReadDoubles(reader);
        if (theta.Length != Theta.Length)
            throw new ArgumentException($"saved θ has {theta.Length} values, the emitter {Theta.Length}");
        return this with
        {
            Theta = theta,
            Optimizer = EmitterState.ReadOptimizer(reader, Optimizer),
            Coefficients = EmitterState.ReadStrategy(reader, Coefficients),
            Ranker = EmitterState.ReadRanker(reader, Ranker),
            Restarts = reader.ReadInt32(),
            IterationsSinceRestart = reader.ReadInt32(),
            PendingRestart = reader.ReadBoolean(),
        };
    }
}
