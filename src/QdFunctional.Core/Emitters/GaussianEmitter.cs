namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Random;

/// <summary>
/// MAP-Elites' emitter (Mouret and Clune 2015): parents drawn uniformly from the archive, each
/// perturbed by isotropic Gaussian noise, x' = x + σ N(0, I), clipped to the bounds if any.
/// Stateless between iterations, so Tell returns the emitter itself.
/// </summary>
public sealed record GaussianEmitter : IEmitter, IBlockEmitter, ICheckpointedEmitter
{
    /// <summary>An emitter of <paramref name="batchSize"/> solutions per ask with step size <paramref name="sigma"/>.</summary>
    public GaussianEmitter(int solutionDim, double sigma, int batchSize, EmitterStart start, EmitterBounds? bounds = null)
    {
        EmitterChecks.Dimension(solutionDim);
        EmitterChecks.NonNegative(sigma, nameof(sigma));
        EmitterChecks.BatchSize(batchSize);
        ArgumentNullException.ThrowIfNull(start);
        EmitterChecks.Bounds(bounds, solutionDim);
        SolutionDim = solutionDim;
        Sigma = sigma;
        BatchSize = batchSize;
        Start = start;
        Bounds = bounds;
    }

    /// <summary>d.</summary>
    public int SolutionDim { get; }

    /// <summary>σ: standard deviation of the noise.</summary>
    public double Sigma { get; }

    /// <inheritdoc/>
    public int BatchSize { get; }

    /// <summary>What to emit while the archive is empty.</summary>
    public EmitterStart Start { get; }

    /// <summary>Solution bounds, or null for none.</summary>
    public EmitterBounds? Bounds { get; }

    /// <inheritdoc/>
    public (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var (kParents, kNoise) = key.Split2();
        double[] block;
        int n = BatchSize;
        if (archive.IsEmpty)
        {
            n = Start.FirstCount(BatchSize);
            (block, bool vary) = Start.First(SolutionDim, n, Bounds, kParents);
            if (vary)
                Variation.Gaussian(block, SolutionDim, Sigma, kNoise);
        }
        else
        {
            block = GC.AllocateUninitializedArray<double>(n * SolutionDim);
            AskInto(archive, key, block, 0);
            return (this, new SolutionBatch(n, SolutionDim, block));
        }
        Bounds?.Clip(block);
        return (this, new SolutionBatch(n, SolutionDim, block));
    }

    /// <inheritdoc cref="IBlockEmitter.AskInto"/>
    IEmitter IBlockEmitter.AskInto(IArchive archive, Key key, double[] block, int first) => AskInto(archive, key, block, first);

    IEmitter AskInto(IArchive archive, Key key, double[] block, int first)
    {
        var (kParents, kNoise) = key.Split2();
        Variation.CopySampledSolutions(archive, kParents, BatchSize, block, first, SolutionDim);
        Variation.Gaussian(block, first, BatchSize, SolutionDim, Sigma, kNoise);
        Bounds?.Clip(block.AsSpan(first, BatchSize * SolutionDim));
        return this;
    }

    /// <inheritdoc/>
    public IEmitter Tell(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report) => this;

    /// <inheritdoc/>
    public byte StateKind => EmitterState.Stateless;

    /// <inheritdoc/>
    public bool CanCheckpoint => true;

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer) { }

    /// <inheritdoc/>
    public IEmitter ReadState(BinaryReader reader) => this;
}
