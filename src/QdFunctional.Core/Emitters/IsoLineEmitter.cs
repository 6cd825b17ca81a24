namespace QdFunctional.Core.Emitters;

using System.Buffers;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Random;

/// <summary>
/// The Iso+LineDD emitter (Vassiliades and Mouret 2018): two parents a, b drawn uniformly from
/// the archive give y = a + σ_iso N(0, I) + σ_line N(0, 1) (b - a). The line term follows the
/// correlations between elites, which helps in high dimensions. Stateless between iterations.
/// </summary>
public sealed record IsoLineEmitter : IEmitter, IBlockEmitter, ICheckpointedEmitter
{
    /// <summary>An emitter of <paramref name="batchSize"/> solutions per ask (pyribs' defaults: σ_iso 0.01, σ_line 0.2).</summary>
    public IsoLineEmitter(
        int solutionDim,
        double isoSigma,
        double lineSigma,
        int batchSize,
        EmitterStart start,
        EmitterBounds? bounds = null
    )
    {
        EmitterChecks.Dimension(solutionDim);
        EmitterChecks.NonNegative(isoSigma, nameof(isoSigma));
        EmitterChecks.NonNegative(lineSigma, nameof(lineSigma));
        EmitterChecks.BatchSize(batchSize);
        ArgumentNullException.ThrowIfNull(start);
        EmitterChecks.Bounds(bounds, solutionDim);
        SolutionDim = solutionDim;
        IsoSigma = isoSigma;
        LineSigma = lineSigma;
        BatchSize = batchSize;
        Start = start;
        Bounds = bounds;
    }

    /// <summary>d.</summary>
    public int SolutionDim { get; }

    /// <summary>σ_iso: isotropic noise.</summary>
    public double IsoSigma { get; }

    /// <summary>σ_line: spread along the line between the two parents.</summary>
    public double LineSigma { get; }

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
        var (kA, kB, kNoise) = key.Split3();
        double[] block;
        int n = BatchSize;
        if (archive.IsEmpty)
        {
            n = Start.FirstCount(BatchSize);
            (block, bool vary) = Start.First(SolutionDim, n, Bounds, kA);
            // With no elites there is no second parent: the line term vanishes (b = a).
            if (vary)
                Variation.Gaussian(block, SolutionDim, IsoSigma, kNoise);
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
        var (kA, kB, kNoise) = key.Split3();
        Variation.CopySampledSolutions(archive, kA, BatchSize, block, first, SolutionDim);
        var second = ArrayPool<Elite>.Shared.Rent(BatchSize);
        archive.SampleInto(kB, second.AsSpan(0, BatchSize));
        Variation.IsoLine(block, first, second, BatchSize, SolutionDim, IsoSigma, LineSigma, kNoise);
        ArrayPool<Elite>.Shared.Return(second, clearArray: true);
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
