namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Emitters.Rankers;
using QdFunctional.Core.Optimizers;
using QdFunctional.Core.Random;

/// <summary>
/// CMA-ME's emitter (Fontaine et al. 2020; pyribs' EvolutionStrategyEmitter): an evolution
/// strategy samples solutions, a ranker orders them by what they did to the archive, and the
/// strategy moves towards the best. With the two-stage improvement ranker it climbs towards
/// unexplored or improvable cells; with a random direction it sweeps measure space.
/// </summary>
/// <remarks>
/// Restarts (on the restart rule or the strategy's stop conditions) move the strategy to a
/// uniformly drawn elite. Tell only marks the restart; the next Ask carries it out with its
/// key, so Tell needs no randomness and stays a pure function.
/// </remarks>
public sealed record EvolutionStrategyEmitter : IEmitter, ICheckpointedEmitter
{
    /// <summary>An emitter around <paramref name="strategy"/> (whose λ is the batch size).</summary>
    /// <param name="strategy">The evolution strategy, already at x0 with σ0.</param>
    /// <param name="ranker">How told solutions are ordered.</param>
    /// <param name="restart">When to start over.</param>
    /// <param name="selectAdded">
    /// pyribs' selection rule: true ("filter") recombines the solutions that entered the archive;
    /// false ("mu") the better half.
    /// </param>
    public EvolutionStrategyEmitter(IEvolutionStrategy strategy, IRanker ranker, RestartRule restart, bool selectAdded = true)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(ranker);
        ArgumentNullException.ThrowIfNull(restart);
        Strategy = strategy;
        Ranker = ranker;
        Restart = restart;
        SelectAdded = selectAdded;
        // A ranker that needs a direction draws it on the first ask.
        PendingRestart = ranker is RandomDirectionRanker { Direction: null };
    }

    /// <summary>The evolution strategy's current state.</summary>
    public IEvolutionStrategy Strategy { get; init; }

    /// <summary>The ranker.</summary>
    public IRanker Ranker { get; init; }

    /// <summary>The restart rule.</summary>
    public RestartRule Restart { get; }

    /// <summary>True: recombine the added solutions (filter); false: the better half (mu).</summary>
    public bool SelectAdded { get; }

    /// <summary>Restarts so far.</summary>
    public int Restarts { get; init; }

    /// <summary>Iterations since the last restart.</summary>
    public int IterationsSinceRestart { get; init; }

    /// <summary>Whether the next ask starts over.</summary>
    public bool PendingRestart { get; init; }

    /// <summary>
    /// True when the last tell ended this emitter's current search (its restart rule or a stop
    /// condition fired), so the next ask restarts it: what a bandit scheduler reselects on.
    /// </summary>
    public bool Terminated => PendingRestart && IterationsSinceRestart > 0;

    /// <inheritdoc/>
    public int BatchSize => Strategy.BatchSize;

    /// <inheritdoc/>
    public (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var (kRestart, kSample) = key.Split2();
        var emitter = PendingRestart ? Restarted(archive, kRestart) : this;
        var block = emitter.Strategy.Ask(kSample);
        return (emitter, new SolutionBatch(BatchSize, Strategy.Dimension, block));
    }

    /// <inheritdoc/>
    public IEmitter Tell(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        var (indices, values) = Ranker.Rank(solutions, evaluation, report);
        int added = report.CountAtLeast(AddStatus.Improved);
        int parents = SelectAdded ? added : solutions.Count / 2;
        var strategy = parents > 0 ? Strategy.Tell(solutions.Values, indices, parents) : Strategy;
        bool restart = Restart.Fires(added, IterationsSinceRestart + 1) || strategy.CheckStop(values) != StopReason.None;
        return this with { Strategy = strategy, IterationsSinceRestart = IterationsSinceRestart + 1, PendingRestart = restart };
    }

    EvolutionStrategyEmitter Restarted(IArchive archive, Key key)
    {
        var (kElite, kRanker) = key.Split2();
        var x0 = archive.IsEmpty ? Strategy.Mean.ToArray() : archive.Sample(kElite, 1)[0].Solution.ToArray();
        bool first = Ranker is RandomDirectionRanker { Direction: null };
        return this with
        {
            Strategy = first ? Strategy : Strategy.Reset(x0),
            Ranker = Ranker.Reset(archive, kRanker),
            Restarts = first ? Restarts : Restarts + 1,
            IterationsSinceRestart = 0,
            PendingRestart = false,
        };
    }

    /// <inheritdoc/>
    public byte StateKind => EmitterState.Evolution;

    /// <inheritdoc/>
    public bool CanCheckpoint => true;

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer)
    {
        EmitterState.WriteStrategy(writer, Strategy);
        EmitterState.WriteRanker(writer, Ranker);
        writer.Write(Restarts);
        writer.Write(IterationsSinceRestart);
        writer.Write(PendingRestart);
    }

    /// <inheritdoc/>
    public IEmitter ReadState(BinaryReader reader) =>
        this with
        {
            Strategy = EmitterState.ReadStrategy(reader, Strategy),
            Ranker = EmitterState.ReadRanker(reader, Ranker),
            Restarts = reader.ReadInt32(),
            IterationsSinceRestart = reader.ReadInt32(),
            PendingRestart = reader.ReadBoolean(),
        };
}
