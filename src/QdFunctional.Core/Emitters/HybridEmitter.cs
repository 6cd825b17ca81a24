namespace QdFunctional.Core.Emitters;

using System.Collections.Immutable;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Random;

/// <summary>
/// Several emitters acting as one: each ask concatenates the parts' children in part order (part
/// i draws from <c>key.FoldIn(i)</c>), and each tell hands every part its own slice. Parts may be
/// hybrids themselves, so mixes nest (MOME's mega-hybrid is 20% gradient and 80% a hybrid of 20%
/// biased and 80% standard). When any part has a gradient stage, the hybrid has one too, made of
/// those parts' gradient points. <see cref="FromShares"/> sizes the parts from batch shares.
/// </summary>
public sealed record HybridEmitter : IGradientEmitter, ICheckpointedEmitter
{
    /// <summary>A hybrid of <paramref name="parts"/>, each with its own batch size.</summary>
    public HybridEmitter(IReadOnlyList<IEmitter> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
            throw new ArgumentException("A hybrid emitter needs at least one part.", nameof(parts));
        foreach (var p in parts)
            ArgumentNullException.ThrowIfNull(p, nameof(parts));
        Parts = [.. parts];
    }

    /// <summary>
    /// A hybrid of <paramref name="batchSize"/> children split by <paramref name="shares"/> (each
    /// part made by its factory from its size). Sizes are rounded by largest remainder, ties to the
    /// earlier part, so they add up to the batch exactly; every part gets at least one child.
    /// </summary>
    /// <exception cref="ArgumentException">Shares are not positive, or the batch is smaller than the number of parts.</exception>
    public static HybridEmitter FromShares(int batchSize, params (double Share, Func<int, IEmitter> Make)[] shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var sizes = Sizes(batchSize, shares.Select(s => s.Share).ToArray());
        return new HybridEmitter(shares.Select((s, i) => s.Make(sizes[i])).ToArray());
    }

    /// <summary>The batch sizes <see cref="FromShares"/> gives for <paramref name="shares"/> (normalized to sum to 1).</summary>
    public static int[] Sizes(int batchSize, double[] shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Length == 0)
            throw new ArgumentException("A hybrid emitter needs at least one share.", nameof(shares));
        foreach (var s in shares)
            if (!(s > 0) || !double.IsFinite(s))
                throw new ArgumentException($"Hybrid shares must be positive and finite; got {s}.", nameof(shares));
        if (batchSize < shares.Length)
            throw new ArgumentException(
                $"A hybrid of {shares.Length} parts needs a batch of at least {shares.Length}; got {batchSize}.",
                nameof(batchSize)
            );
        double total = shares.Sum();
        var sizes = new int[shares.Length];
        var remainders = new double[shares.Length];
        int given = 0;
        for (int i = 0; i < shares.Length; i++)
        {
            double exact = batchSize * shares[i] / total;
            sizes[i] = Math.Max(1, (int)Math.Floor(exact));
            remainders[i] = exact - Math.Floor(exact);
            given += sizes[i];
        }
        // Hand out what is left by largest remainder (earlier part first on ties); take back any
        // excess (from the at-least-one rule) from the largest parts.
        var order = Enumerable.Range(0, shares.Length).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToArray();
        for (int r = 0; given < batchSize; r = (r + 1) % order.Length, given++)
            sizes[order[r]]++;
        while (given > batchSize)
        {
            int largest = Array.IndexOf(sizes, sizes.Max());
            sizes[largest]--;
            given--;
        }
        return sizes;
    }

    /// <summary>The parts, in batch order.</summary>
    public ImmutableArray<IEmitter> Parts { get; private init; }

    /// <summary>Rows each part gave in the last (gradient or branch) ask, until it is told.</summary>
    public ImmutableArray<int> PendingCounts { get; private init; } = [];

    /// <inheritdoc/>
    public int BatchSize => Parts.Sum(p => p.BatchSize);

    /// <inheritdoc/>
    public bool NeedsGradients => Parts.Any(NeedsGradientsOf);

    static bool NeedsGradientsOf(IEmitter e) => e is IGradientEmitter { NeedsGradients: true };

    /// <inheritdoc/>
    public (IGradientEmitter Emitter, SolutionBatch Solutions) AskGradients(IArchive archive, Key key)
    {
        var next = Parts.ToBuilder();
        var counts = new int[Parts.Length];
        var batches = new List<SolutionBatch>();
        for (int i = 0; i < Parts.Length; i++)
        {
            if (!NeedsGradientsOf(Parts[i]))
                continue;
            var (part, points) = ((IGradientEmitter)Parts[i]).AskGradients(archive, key.FoldIn(i));
            next[i] = part;
            counts[i] = points.Count;
            batches.Add(points);
        }
        if (batches.Count == 0)
            throw new InvalidOperationException("AskGradients: no part of this hybrid emitter uses gradients.");
        return (this with { Parts = next.MoveToImmutable(), PendingCounts = [.. counts] }, SolutionBatch.Concat(batches));
    }

    /// <inheritdoc/>
    public IGradientEmitter TellGradients(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report) =>
        TellParts(solutions, evaluation, report, (part, s, e, r) => part is IGradientEmitter g ? g.TellGradients(archive, s, e, r) : part);

    /// <inheritdoc/>
    public (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key)
    {
        var next = Parts.ToBuilder();
        var counts = new int[Parts.Length];
        var batches = new SolutionBatch[Parts.Length];
        for (int i = 0; i < Parts.Length; i++)
        {
            var (part, children) = Parts[i].Ask(archive, key.FoldIn(i));
            next[i] = part;
            counts[i] = children.Count;
            batches[i] = children;
        }
        return (this with { Parts = next.MoveToImmutable(), PendingCounts = [.. counts] }, SolutionBatch.Concat(batches));
    }

    /// <inheritdoc/>
    public IEmitter Tell(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report) =>
        TellParts(solutions, evaluation, report, (part, s, e, r) => part.Tell(archive, s, e, r));

    HybridEmitter TellParts(
        SolutionBatch solutions,
        Evaluation evaluation,
        AddReport report,
        Func<IEmitter, SolutionBatch, Evaluation, AddReport, IEmitter> tell
    )
    {
        ArgumentNullException.ThrowIfNull(solutions);
        ArgumentNullException.ThrowIfNull(evaluation);
        if (PendingCounts.Length != Parts.Length)
            throw new InvalidOperationException("HybridEmitter: tell without a pending ask.");
        if (PendingCounts.Sum() != solutions.Count)
            throw new ArgumentException($"HybridEmitter: asked for {PendingCounts.Sum()} rows, told {solutions.Count}.");
        var next = Parts.ToBuilder();
        int start = 0;
        for (int i = 0; i < Parts.Length; i++)
        {
            int count = PendingCounts[i];
            if (count > 0)
                next[i] = tell(Parts[i], solutions.Slice(start, count), evaluation.Slice(start, count), report.Slice(start, count));
            start += count;
        }
        return this with { Parts = next.MoveToImmutable(), PendingCounts = [] };
    }

    /// <inheritdoc/>
    public byte StateKind => EmitterState.Hybrid;

    /// <inheritdoc/>
    public bool CanCheckpoint => PendingCounts.Length == 0;

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(Parts.Length);
        foreach (var part in Parts)
            EmitterState.Write(writer, part);
    }

    /// <inheritdoc/>
    public IEmitter ReadState(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count != Parts.Length)
            throw new ArgumentException($"saved hybrid has {count} parts, the emitter {Parts.Length}");
        return new HybridEmitter(Parts.Select(part => EmitterState.Read(reader, part)).ToArray());
    }
}
