namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Random;

/// <summary>
/// MOME's standard emitter (QDax's <c>MixingEmitter</c>): each ask makes a share of the batch by
/// crossover, iso-line variation between two parents (Vassiliades and Mouret 2018), and the rest
/// by Deb's polynomial mutation of one parent; children are clipped to the bounds. Parents come
/// from <see cref="Selection"/>: uniform for the standard emitter, a softmax over one objective
/// for the biased one (<see cref="Biased"/>). Stateless between iterations.
/// </summary>
public sealed record MixingEmitter : IEmitter, ICheckpointedEmitter
{
    /// <summary>
    /// A mixing emitter of <paramref name="batchSize"/> children per ask within <paramref name="bounds"/>.
    /// Defaults: half the batch by crossover, iso σ 0.01 and line σ 0.2 (pyribs' iso-line defaults),
    /// η = 1 and 60% of the genes mutated (QDax's MOME example); the first batch is uniform in the bounds.
    /// </summary>
    public MixingEmitter(
        int solutionDim,
        int batchSize,
        EmitterBounds bounds,
        ParentSelection? selection = null,
        double crossoverShare = 0.5,
        double isoSigma = 0.01,
        double lineSigma = 0.2,
        double eta = 1.0,
        double mutationProportion = 0.6,
        EmitterStart? start = null
    )
    {
        EmitterChecks.Dimension(solutionDim);
        EmitterChecks.BatchSize(batchSize);
        ArgumentNullException.ThrowIfNull(bounds);
        EmitterChecks.Bounds(bounds, solutionDim);
        EmitterChecks.Fraction(crossoverShare, nameof(crossoverShare));
        EmitterChecks.NonNegative(isoSigma, nameof(isoSigma));
        EmitterChecks.NonNegative(lineSigma, nameof(lineSigma));
        EmitterChecks.NonNegative(eta, nameof(eta));
        EmitterChecks.Fraction(mutationProportion, nameof(mutationProportion));
        SolutionDim = solutionDim;
        BatchSize = batchSize;
        Bounds = bounds;
        Selection = selection ?? ParentSelection.Uniform;
        CrossoverShare = crossoverShare;
        IsoSigma = isoSigma;
        LineSigma = lineSigma;
        Eta = eta;
        MutationProportion = mutationProportion;
        Start = start ?? new EmitterStart.UniformInBounds();
    }

    /// <summary>The biased emitter: a mixing emitter whose parents come from a softmax over one objective.</summary>
    public static MixingEmitter Biased(int solutionDim, int batchSize, EmitterBounds bounds, SoftmaxParents selection) =>
        new(solutionDim, batchSize, bounds, selection);

    /// <summary>d.</summary>
    public int SolutionDim { get; }

    /// <inheritdoc/>
    public int BatchSize { get; }

    /// <summary>Solution bounds: polynomial mutation needs them.</summary>
    public EmitterBounds Bounds { get; }

    /// <summary>How parents are chosen.</summary>
    public ParentSelection Selection { get; }

    /// <summary>Share of each batch made by crossover (rounded to whole children); the rest is mutated.</summary>
    public double CrossoverShare { get; }

    /// <summary>σ_iso of the crossover.</summary>
    public double IsoSigma { get; }

    /// <summary>σ_line of the crossover.</summary>
    public double LineSigma { get; }

    /// <summary>η of the polynomial mutation (large keeps children close).</summary>
    public double Eta { get; }

    /// <summary>Share of the genes each mutation changes.</summary>
    public double MutationProportion { get; }

    /// <summary>What to emit while the archive is empty.</summary>
    public EmitterStart Start { get; }

    /// <summary>Children made by crossover in a batch of <paramref name="n"/>.</summary>
    public int CrossoverCount(int n) => (int)Math.Round(CrossoverShare * n, MidpointRounding.ToEven);

    /// <inheritdoc/>
    public (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var (kParents, kPartners, kVary) = key.Split3();
        int n = BatchSize,
            d = SolutionDim;
        double[] block;
        if (archive.IsEmpty)
        {
            n = Start.FirstCount(BatchSize);
            (block, bool vary) = Start.First(d, n, Bounds, kParents);
            if (vary)
                Variation.PolynomialMutation(block, d, Eta, MutationProportion, Bounds, kVary);
        }
        else
        {
            int crossed = CrossoverCount(n);
            block = Variation.Solutions(Selection.Pick(archive, kParents, n), d);
            var (kCross, kMutate) = kVary.Split2();
            if (crossed > 0)
            {
                var children = block.AsSpan(0, crossed * d).ToArray();
                var partners = Variation.Solutions(Selection.Pick(archive, kPartners, crossed), d);
                Variation.IsoLine(children, partners, d, IsoSigma, LineSigma, kCross);
                children.CopyTo(block.AsSpan());
            }
            if (crossed < n)
            {
                var mutants = block.AsSpan(crossed * d).ToArray();
                Variation.PolynomialMutation(mutants, d, Eta, MutationProportion, Bounds, kMutate);
                mutants.CopyTo(block.AsSpan(crossed * d));
            }
        }
        Bounds.Clip(block);
        return (this, new SolutionBatch(n, d, block));
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
