namespace QdFunctional.Core.Emitters;

using System.Collections.Immutable;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Random;

/// <summary>
/// Multi-Emitter MAP-Elites (Cully 2021; pyribs' BanditScheduler): a pool of emitters of which
/// <see cref="ActiveCount"/> produce each batch, chosen by UCB1 over each emitter's record of
/// successes (solutions that found a new cell or improved one) per solution it produced. It is an
/// emitter made of emitters, so any scheduler runs it and checkpoints hold its whole state.
/// </summary>
/// <remarks>
/// <para>Score of pool member i: UCB1ᵢ = sᵢ / nᵢ + ζ √(ln S / nᵢ), with sᵢ its successes, nᵢ the
/// solutions it produced, S = Σ sⱼ (pyribs takes the log of the total successes, not of the total
/// trials as textbook UCB1 does; so do we) and ζ = 0.05 by default. Members never chosen score +∞.
/// When S = 0 the bonus is taken as 0 (pyribs gets NaN there).</para>
/// <para>The first ask activates the first <see cref="ActiveCount"/> members. Before every ask the
/// members due for reselection (<see cref="BanditReselect"/>) are deactivated, and inactive members
/// are activated in descending score order (ties: lower pool index first; pyribs leaves ties to
/// NumPy's sort) until <see cref="ActiveCount"/> are active, so a deactivated member may be chosen
/// again. Inactive members keep their state and resume where they stopped. Member i draws from
/// <c>key.FoldIn(i)</c> (its pool index), so the draws do not depend on which others are active.</para>
/// <para>Gradient emitters (CMA-MEGA's family) cannot join: their gradient stage asks before the
/// bandit has chosen, as in pyribs, whose BanditScheduler refuses ask_dqd.</para>
/// </remarks>
public sealed record BanditEmitter : IEmitter, ICheckpointedEmitter
{
    /// <summary>A bandit over <paramref name="pool"/> with <paramref name="activeCount"/> members active at a time.</summary>
    /// <exception cref="ArgumentException">
    /// The pool is smaller than <paramref name="activeCount"/> or holds a gradient emitter, or ζ is
    /// negative or not finite. (One emitter value may fill several slots: emitters are immutable, so
    /// each slot evolves on its own, from its own key.)
    /// </exception>
    public BanditEmitter(
        IReadOnlyList<IEmitter> pool,
        int activeCount,
        BanditReselect reselect = BanditReselect.Terminated,
        double zeta = 0.05
    )
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (activeCount < 1)
            throw new ArgumentException($"A bandit needs at least one active emitter, got {activeCount}.", nameof(activeCount));
        if (pool.Count < activeCount)
            throw new ArgumentException($"The pool holds {pool.Count} emitters, fewer than the {activeCount} active.", nameof(pool));
        if (!(zeta >= 0) || !double.IsFinite(zeta))
            throw new ArgumentException($"zeta must be finite and non-negative, got {zeta}.", nameof(zeta));
        for (int i = 0; i < pool.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(pool[i], nameof(pool));
            if (pool[i] is IGradientEmitter { NeedsGradients: true })
                throw new ArgumentException(
                    $"Pool member {i} ({pool[i].GetType().Name}) is a gradient emitter; gradient emitters cannot join a bandit "
                        + "(their gradient stage would run before the bandit chooses; pyribs' BanditScheduler refuses them too).",
                    nameof(pool)
                );
        }
        Pool = [.. pool];
        ActiveCount = activeCount;
        Reselect = reselect;
        Zeta = zeta;
        var active = new bool[pool.Count];
        for (int i = 0; i < activeCount; i++)
            active[i] = true;
        Active = [.. active];
        Successes = ImmutableArray.Create(new long[pool.Count]);
        Selections = ImmutableArray.Create(new long[pool.Count]);
        First = true;
    }

    /// <summary>The pool, in the order that fixes each member's key and its place in a batch.</summary>
    public ImmutableArray<IEmitter> Pool { get; private init; }

    /// <summary>How many members produce each batch.</summary>
    public int ActiveCount { get; }

    /// <summary>When active members are reselected.</summary>
    public BanditReselect Reselect { get; }

    /// <summary>ζ, the weight of UCB1's exploration bonus (pyribs' default 0.05).</summary>
    public double Zeta { get; }

    /// <summary>Which members are active (produced the pending or last batch).</summary>
    public ImmutableArray<bool> Active { get; private init; }

    /// <summary>Per member, the solutions it produced that entered the archive (new cell or improved).</summary>
    public ImmutableArray<long> Successes { get; private init; }

    /// <summary>Per member, the solutions it produced.</summary>
    public ImmutableArray<long> Selections { get; private init; }

    /// <summary>True until the first ask (which keeps the first members active without a vote).</summary>
    public bool First { get; private init; }

    /// <summary>Rows each member gave in the last ask, until it is told.</summary>
    public ImmutableArray<int> PendingCounts { get; private init; } = [];

    /// <inheritdoc/>
    public int BatchSize
    {
        get
        {
            int total = 0;
            for (int i = 0; i < Pool.Length; i++)
                if (Active[i])
                    total += Pool[i].BatchSize;
            return total;
        }
    }

    /// <summary>
    /// UCB1 scores of every member (see the class remarks): +∞ for members never chosen, else
    /// sᵢ / nᵢ + ζ √(ln S / nᵢ) with S the total successes (bonus 0 while S = 0).
    /// </summary>
    public static double[] Scores(ReadOnlySpan<long> successes, ReadOnlySpan<long> selections, double zeta)
    {
        if (successes.Length != selections.Length)
            throw new ArgumentException($"Scores: {successes.Length} success counts for {selections.Length} selection counts.");
        long total = 0;
        foreach (long s in successes)
            total += s;
        double log = total > 0 ? Math.Log(total) : 0.0;
        var scores = new double[successes.Length];
        for (int i = 0; i < scores.Length; i++)
            scores[i] =
                selections[i] == 0 ? double.PositiveInfinity : (double)successes[i] / selections[i] + zeta * Math.Sqrt(log / selections[i]);
        return scores;
    }

    /// <summary>
    /// Activates inactive members in descending <paramref name="scores"/> (ties: lower index first)
    /// until <paramref name="activeCount"/> are active; returns the new activity.
    /// </summary>
    public static bool[] Choose(ReadOnlySpan<bool> active, double[] scores, int activeCount)
    {
        var next = active.ToArray();
        int count = 0;
        foreach (bool a in next)
            if (a)
                count++;
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i);
        foreach (int i in order)
        {
            if (count >= activeCount)
                break;
            if (!next[i])
            {
                next[i] = true;
                count++;
            }
        }
        return next;
    }

    /// <summary>Whether member <paramref name="e"/> is due for reselection under the terminated rule.</summary>
    static bool HasTerminated(IEmitter e) =>
        e switch
        {
            EvolutionStrategyEmitter es => es.Terminated,
            // Emitters without restarts count as restarting every iteration (pyribs).
            _ => true,
        };

    /// <summary>The activity for the coming ask: reselected members deactivated, then the vote.</summary>
    bool[] NextActive()
    {
        var active = Active.ToArray();
        if (First)
            return active;
        bool any = false;
        for (int i = 0; i < active.Length; i++)
        {
            if (active[i] && (Reselect == BanditReselect.All || HasTerminated(Pool[i])))
            {
                active[i] = false;
                any = true;
            }
        }
        return any ? Choose(active, Scores(Successes.AsSpan(), Selections.AsSpan(), Zeta), ActiveCount) : active;
    }

    /// <inheritdoc/>
    public (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key)
    {
        ArgumentNullException.ThrowIfNull(archive);
        if (PendingCounts.Length != 0)
            throw new InvalidOperationException("BanditEmitter: ask called twice; tell the previous batch first.");
        var active = NextActive();
        var next = Pool.ToBuilder();
        var counts = new int[Pool.Length];
        var batches = new List<SolutionBatch>(ActiveCount);
        for (int i = 0; i < Pool.Length; i++)
        {
            if (!active[i])
                continue;
            var (member, children) = Pool[i].Ask(archive, key.FoldIn(i));
            next[i] = member;
            counts[i] = children.Count;
            batches.Add(children);
        }
        var emitter = this with { Pool = next.MoveToImmutable(), Active = [.. active], PendingCounts = [.. counts], First = false };
        return (emitter, SolutionBatch.Concat(batches));
    }

    /// <inheritdoc/>
    public IEmitter Tell(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(report);
        if (PendingCounts.Length != Pool.Length)
            throw new InvalidOperationException("BanditEmitter: tell without a pending ask.");
        int asked = 0;
        foreach (int c in PendingCounts)
            asked += c;
        if (asked != solutions.Count)
            throw new ArgumentException($"BanditEmitter: asked for {asked} rows, told {solutions.Count}.", nameof(solutions));
        var next = Pool.ToBuilder();
        var successes = Successes.ToBuilder();
        var selections = Selections.ToBuilder();
        int start = 0;
        for (int i = 0; i < Pool.Length; i++)
        {
            int count = PendingCounts[i];
            if (count == 0)
                continue;
            var slice = report.Slice(start, count);
            selections[i] += count;
            successes[i] += slice.CountAtLeast(AddStatus.Improved);
            next[i] = Pool[i].Tell(archive, solutions.Slice(start, count), evaluation.Slice(start, count), slice);
            start += count;
        }
        return this with
        {
            Pool = next.MoveToImmutable(),
            Successes = successes.MoveToImmutable(),
            Selections = selections.MoveToImmutable(),
            PendingCounts = [],
        };
    }

    /// <inheritdoc/>
    public byte StateKind => EmitterState.Bandit;

    /// <inheritdoc/>
    public bool CanCheckpoint => PendingCounts.Length == 0;

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(Pool.Length);
        foreach (var member in Pool)
            EmitterState.Write(writer, member);
        writer.Write(First);
        for (int i = 0; i < Pool.Length; i++)
        {
            writer.Write(Active[i]);
            writer.Write(Successes[i]);
            writer.Write(Selections[i]);
        }
    }

    /// <inheritdoc/>
    public IEmitter ReadState(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count != Pool.Length)
            throw new ArgumentException($"saved bandit has {count} emitters in its pool, the emitter {Pool.Length}");
        var pool = Pool.Select(member => EmitterState.Read(reader, member)).ToImmutableArray();
        bool first = reader.ReadBoolean();
        var active = new bool[count];
        var successes = new long[count];
        var selections = new long[count];
        for (int i = 0; i < count; i++)
        {
            active[i] = reader.ReadBoolean();
            successes[i] = reader.ReadInt64();
            selections[i] = reader.ReadInt64();
        }
        return this with
        {
            Pool = pool,
            First = first,
            Active = [.. active],
            Successes = [.. successes],
            Selections = [.. selections],
            PendingCounts = [],
        };
    }
}
