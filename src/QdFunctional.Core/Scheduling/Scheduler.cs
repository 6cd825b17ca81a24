namespace QdFunctional.Core.Scheduling;

using System.Buffers;
using System.Collections.Immutable;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Emitters;
using QdFunctional.Core.Random;

/// <summary>
/// One archive and its emitters, driven by ask/tell as pure functions: <see cref="Ask"/> returns
/// the next scheduler (holding the asked batch) and the solutions; <see cref="Tell"/> adds the
/// evaluated batch to the archive and hands each emitter its slice of the evaluation and the
/// add report. Emitter <c>i</c> draws from <c>key.FoldIn(i)</c>, so adding an emitter never
/// changes the draws of the others.
/// </summary>
public sealed class Scheduler
{
    Scheduler(IArchive archive, IArchive? resultArchive, ImmutableArray<IEmitter> emitters, PendingAsk? pending)
    {
        Archive = archive;
        ResultArchive = resultArchive;
        Emitters = emitters;
        Pending = pending;
    }

    /// <summary>
    /// A scheduler over <paramref name="archive"/> and at least one emitter. CMA-MAE passes a
    /// <paramref name="resultArchive"/> as well: the search archive anneals its thresholds, and
    /// the result archive keeps the plain best-per-cell elites that are reported and saved.
    /// </summary>
    public static Scheduler Create(IArchive archive, IEnumerable<IEmitter> emitters, IArchive? resultArchive = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(emitters);
        var list = emitters.ToImmutableArray();
        if (list.IsEmpty)
            throw new ArgumentException("A scheduler needs at least one emitter.", nameof(emitters));
        if (
            resultArchive is not null
            && (resultArchive.SolutionDim != archive.SolutionDim || resultArchive.MeasureDim != archive.MeasureDim)
        )
            throw new ArgumentException(
                "The result archive must hold the same solutions and measures as the archive.",
                nameof(resultArchive)
            );
        return new Scheduler(archive, resultArchive, list, null);
    }

    /// <summary>The archive the emitters search with.</summary>
    public IArchive Archive { get; }

    /// <summary>The separate result archive (CMA-MAE), or null when the archive is also the result.</summary>
    public IArchive? ResultArchive { get; }

    /// <summary>The archive whose elites are the run's result: the result archive if any, else the archive.</summary>
    public IArchive Results => ResultArchive ?? Archive;

    /// <summary>The emitters, in the order their solutions appear in a batch.</summary>
    public ImmutableArray<IEmitter> Emitters { get; }

    /// <summary>The batch asked for and not yet told, if any.</summary>
    public PendingAsk? Pending { get; }

    /// <summary>True when some emitter asks for gradients first (the differentiable-QD family).</summary>
    public bool NeedsGradients
    {
        get
        {
            foreach (var e in Emitters)
                if (e is IGradientEmitter { NeedsGradients: true })
                    return true;
            return false;
        }
    }

    /// <summary>
    /// The gradient stage: asks every gradient emitter for the points whose Jacobians it needs
    /// (emitter <c>i</c> draws from <c>key.FoldIn(i)</c>). Evaluate them with Jacobians and pass
    /// the result to <see cref="TellGradients"/>, then continue with <see cref="Ask"/>.
    /// </summary>
    public (Scheduler Scheduler, SolutionBatch Solutions) AskGradients(Key key)
    {
        if (Pending is not null)
            throw new InvalidOperationException("AskGradients called with a batch pending: tell it first.");
        var next = Emitters.ToBuilder();
        var parts = new List<SolutionBatch>();
        var offsets = new int[Emitters.Length + 1];
        for (int i = 0; i < Emitters.Length; i++)
        {
            int count = 0;
            if (Emitters[i] is IGradientEmitter { NeedsGradients: true } g)
            {
                var (emitter, solutions) = g.AskGradients(Archive, key.FoldIn(i));
                next[i] = emitter;
                parts.Add(solutions);
                count = solutions.Count;
            }
            offsets[i + 1] = offsets[i] + count;
        }
        if (parts.Count == 0)
            throw new InvalidOperationException("AskGradients: no emitter of this scheduler uses gradients.");
        var all = SolutionBatch.Concat(parts);
        return (new Scheduler(Archive, ResultArchive, next.MoveToImmutable(), new PendingAsk(all, offsets, ForGradients: true)), all);
    }

    /// <summary>Adds the gradient points to the archive and hands each gradient emitter its Jacobians.</summary>
    public (Scheduler Scheduler, AddReport Report) TellGradients(Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        if (Pending is not { ForGradients: true })
            throw new InvalidOperationException("TellGradients called without a pending AskGradients.");
        return TellPending(
            evaluation,
            (emitter, archive, solutions, slice, report) =>
                emitter is IGradientEmitter g ? g.TellGradients(archive, solutions, slice, report) : emitter
        );
    }

    /// <summary>Asks every emitter; the solutions are concatenated in emitter order.</summary>
    /// <exception cref="InvalidOperationException">The previous batch was not told yet.</exception>
    public (Scheduler Scheduler, SolutionBatch Solutions) Ask(Key key)
    {
        if (Pending is not null)
            throw new InvalidOperationException("Ask called twice: tell the previous batch first.");
        if (Emitters.Length > 1 && !Archive.IsEmpty && AllWriteBlocks())
            return AskIntoOneBlock(key);
        var next = ImmutableArray.CreateBuilder<IEmitter>(Emitters.Length);
        var parts = new SolutionBatch[Emitters.Length];
        var offsets = new int[Emitters.Length + 1];
        for (int i = 0; i < Emitters.Length; i++)
        {
            var (emitter, solutions) = Emitters[i].Ask(Archive, key.FoldIn(i));
            next.Add(emitter);
            parts[i] = solutions;
            offsets[i + 1] = offsets[i] + solutions.Count;
        }
        var all = SolutionBatch.Concat(parts);
        return (new Scheduler(Archive, ResultArchive, next.MoveToImmutable(), new PendingAsk(all, offsets)), all);
    }

    bool AllWriteBlocks()
    {
        foreach (var e in Emitters)
            if (e is not IBlockEmitter)
                return false;
        return true;
    }

    /// <summary><see cref="Ask"/> with every emitter writing its rows straight into the one batch (no concatenation).</summary>
    (Scheduler Scheduler, SolutionBatch Solutions) AskIntoOneBlock(Key key)
    {
        // Every row is written by its emitter: skip zeroing.
        var (next, all, _) = AskIntoBlock(key, n => GC.AllocateUninitializedArray<double>(n));
        return (next, all);
    }

    /// <summary>
    /// The ask of <see cref="Iteration.Step"/>: the same solutions as <see cref="Ask"/>, but when every
    /// emitter writes blocks (their Tell reads nothing) and the archive has elites, the rows go into an
    /// array rented from the shared pool, returned as <c>Rented</c>. The batch never leaves the iteration
    /// (the archive copies the rows it keeps), so the caller hands the array back once the batch is
    /// told, and a steady run allocates no solution block per iteration.
    /// </summary>
    internal (Scheduler Scheduler, SolutionBatch Solutions, double[]? Rented) AskRented(Key key)
    {
        if (Pending is not null || Archive.IsEmpty || !AllWriteBlocks())
        {
            var (next, solutions) = Ask(key);
            return (next, solutions, null);
        }
        return AskIntoBlock(key, n => ArrayPool<double>.Shared.Rent(n));
    }

    (Scheduler Scheduler, SolutionBatch Solutions, double[] Block) AskIntoBlock(Key key, Func<int, double[]> blockOf)
    {
        int dim = Archive.SolutionDim;
        var offsets = new int[Emitters.Length + 1];
        for (int i = 0; i < Emitters.Length; i++)
            offsets[i + 1] = offsets[i] + Emitters[i].BatchSize;
        var block = blockOf(offsets[^1] * dim);
        var next = ImmutableArray.CreateBuilder<IEmitter>(Emitters.Length);
        for (int i = 0; i < Emitters.Length; i++)
            next.Add(((IBlockEmitter)Emitters[i]).AskInto(Archive, key.FoldIn(i), block, offsets[i] * dim));
        var all = SolutionBatch.OverPrefix(offsets[^1], dim, block);
        return (new Scheduler(Archive, ResultArchive, next.MoveToImmutable(), new PendingAsk(all, offsets)), all, block);
    }

    /// <summary>
    /// Adds the evaluated batch (same rows as the last ask) and tells each emitter its share.
    /// An evaluation with no objective (m = 0) runs diversity optimization: each cell keeps its first solution.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing was asked.</exception>
    /// <exception cref="ArgumentException">The evaluation has the wrong number of rows or bad values.</exception>
    public (Scheduler Scheduler, AddReport Report) Tell(Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        if (Pending is null or { ForGradients: true })
            throw new InvalidOperationException("Tell called without a pending ask.");
        return TellPending(evaluation, (emitter, archive, solutions, slice, report) => emitter.Tell(archive, solutions, slice, report));
    }

    (Scheduler Scheduler, AddReport Report) TellPending(
        Evaluation evaluation,
        Func<IEmitter, IArchive, SolutionBatch, Evaluation, AddReport, IEmitter> tell
    )
    {
        var pending = Pending!;
        var solutions = pending.Solutions;
        if (evaluation.Count != solutions.Count)
            throw new ArgumentException(
                $"Tell: asked for {solutions.Count} solutions but got {evaluation.Count} evaluations.",
                nameof(evaluation)
            );
        var (archive, report) = Archive.Add(solutions, evaluation);
        var results = ResultArchive?.Add(solutions, evaluation).Archive;
        var next = ImmutableArray.CreateBuilder<IEmitter>(Emitters.Length);
        for (int i = 0; i < Emitters.Length; i++)
        {
            int start = pending.Offsets[i],
                count = pending.Offsets[i + 1] - start;
            bool whole = start == 0 && count == solutions.Count;
            // A block emitter's Tell reads nothing and returns itself: no slices to copy for it.
            if (count == 0 || Emitters[i] is IBlockEmitter)
            {
                next.Add(Emitters[i]);
                continue;
            }
            next.Add(
                tell(
                    Emitters[i],
                    archive,
                    whole ? solutions : solutions.Slice(start, count),
                    whole ? evaluation : evaluation.Slice(start, count),
                    whole ? report : report.Slice(start, count)
                )
            );
        }
        return (new Scheduler(archive, results, next.MoveToImmutable(), null), report);
    }

    /// <summary>The same scheduler over other archives (for example ones restored from a checkpoint).</summary>
    public Scheduler WithArchives(IArchive archive, IArchive? resultArchive = null) => new(archive, resultArchive, Emitters, null);
}

/// <summary>
/// A batch that was asked for and not yet told: its rows, where each emitter's share starts,
/// and whether it is the gradient stage.
/// </summary>
public sealed record PendingAsk(SolutionBatch Solutions, int[] Offsets, bool ForGradients = false);
