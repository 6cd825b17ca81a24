namespace QdFunctional.Core.Archives;

using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

/// <summary>
/// Dominated Novelty Search's population (Bahlous-Boldi, Faldor et al. 2025; pyribs' DNSArchive, QDax's
/// DNS repertoire): a fixed-capacity set of solutions with no grid, bounds or threshold. Each member is
/// scored by its dominated novelty, the mean measure-space distance to its k nearest fitter members,
/// <code>
/// dns(i) = (1/|N_i|) Σ_{j ∈ N_i} ‖b(i) − b(j)‖₂,   N_i = the min(k, |F_i|) nearest of F_i = { j ≠ i : f(j) ≥ f(i) },
/// </code>
/// and +∞ when F_i is empty (nothing is at least as fit). An add pools the members and the batch,
/// scores them all, and keeps the <see cref="DnsOptions.Capacity"/> highest scores: a solution survives by
/// being far from everything fitter, which is local competition without cells.
/// </summary>
/// <remarks>
/// <para>"Fitter" includes equal objectives, as pyribs' and QDax' code do (pyribs' docstring says strictly
/// higher): so a batch of equal objectives (a diversity-only run) scores plain novelty against the pool.</para>
/// <para>Ties in score go to the higher objective, then to the older solution (members before the batch,
/// batch rows in order); the k nearest break distance ties by pool order. So an add is deterministic.</para>
/// <para>Cells are slots 0 … capacity − 1: survivors keep their slots, and batch survivors fill the slots
/// of the evicted in row order, then the free ones. The report's status is New for a batch row that
/// survives (as pyribs) and NotAdded otherwise; its value is the row's DNS score in the pool (+∞ possible);
/// its cell the slot it took, or the slot of its nearest survivor. Coverage is members over capacity.</para>
/// <para>Cost: O((m + n)² k) distance work for m members and n rows, rows in parallel with results
/// independent of the thread count; the slot table is copied once per add (O(capacity)).</para>
/// </remarks>
public sealed class DominatedNoveltyArchive : IArchive, ICheckpointedArchive
{
    readonly Elite[] members;
    readonly string[] extraFields;
    readonly double[]? low;
    readonly double[]? high;

    DominatedNoveltyArchive(
        int solutionDim,
        int measureDim,
        double[]? low,
        double[]? high,
        DnsOptions options,
        Elite[] members,
        ArchiveStats stats,
        long nextIndex
    )
    {
        SolutionDim = solutionDim;
        MeasureDim = measureDim;
        this.low = low;
        this.high = high;
        Options = options;
        this.members = members;
        Stats = stats;
        NextIndex = nextIndex;
        extraFields = options.ExtraFields ?? [];
    }

    /// <summary>
    /// An empty population of <paramref name="measureDim"/>-measure solutions. <paramref name="low"/> and
    /// <paramref name="high"/>, when given, only frame pictures (the layout); without them the layout
    /// takes the members' extent.
    /// </summary>
    public static DominatedNoveltyArchive Create(
        int solutionDim,
        int measureDim,
        DnsOptions? options = null,
        double[]? low = null,
        double[]? high = null
    )
    {
        if (solutionDim < 1)
            throw new ArgumentOutOfRangeException(nameof(solutionDim), solutionDim, "Solutions need at least one dimension.");
        if (measureDim < 1)
            throw new ArgumentOutOfRangeException(nameof(measureDim), measureDim, "DNS needs at least one measure.");
        if ((low is null) != (high is null) || (low is not null && (low.Length != measureDim || high!.Length != measureDim)))
            throw new ArgumentException($"Picture bounds: give both, {measureDim} values each, or neither.");
        if (low is not null && high is not null)
            for (int j = 0; j < measureDim; j++)
                if (!(double.IsFinite(low[j]) && double.IsFinite(high[j]) && high[j] > low[j]))
                    throw new ArgumentException($"Measure {j}: bounds [{low[j]}, {high[j]}] must be finite with low < high.");
        options ??= new DnsOptions();
        options.Validate();
        return new DominatedNoveltyArchive(
            solutionDim,
            measureDim,
            (double[]?)low?.Clone(),
            (double[]?)high?.Clone(),
            options,
            [],
            ArchiveStats.Empty(options.Capacity, options.QdOffset),
            0
        );
    }

    /// <inheritdoc/>
    public int SolutionDim { get; }

    /// <inheritdoc/>
    public int MeasureDim { get; }

    /// <summary>Capacity, k, offset and extra fields.</summary>
    public DnsOptions Options { get; }

    /// <summary>Names of the extra per-member fields.</summary>
    public IReadOnlyList<string> ExtraFields => extraFields;

    /// <summary>Members now (at most the capacity).</summary>
    public int Count => members.Length;

    /// <summary>The capacity: slots are cells.</summary>
    public int CellCount => Options.Capacity;

    /// <inheritdoc/>
    public ArchiveStats Stats { get; }

    /// <inheritdoc/>
    public bool IsEmpty => members.Length == 0;

    /// <summary>The number the next solution offered gets as its <see cref="Elite.Index"/>.</summary>
    public long NextIndex { get; }

    /// <summary>The nearest member's slot (ties: the lower slot), like pyribs' index_of.</summary>
    /// <exception cref="InvalidOperationException">The population is empty.</exception>
    public int CellOf(ReadOnlySpan<double> measures)
    {
        AddChecks.Measures(measures, MeasureDim, "CellOf");
        if (IsEmpty)
            throw new InvalidOperationException("CellOf: a DNS population has no members yet.");
        int nearest = 0;
        double bestDistance = double.PositiveInfinity;
        for (int s = 0; s < members.Length; s++)
        {
            double d = SquaredDistance(measures, members[s].Measures);
            if (d < bestDistance)
            {
                bestDistance = d;
                nearest = s;
            }
        }
        return nearest;
    }

    /// <inheritdoc/>
    public Elite? EliteAt(int cell)
    {
        if ((uint)cell >= (uint)CellCount)
            throw new ArgumentOutOfRangeException(nameof(cell), cell, $"The population has slots 0..{CellCount - 1}.");
        return cell < members.Length ? members[cell] : null;
    }

    /// <inheritdoc/>
    public IEnumerable<Elite> Elites => members;

    /// <summary>The members' dominated novelty scores against each other, by slot (+∞ for the fittest).</summary>
    public double[] Scores()
    {
        var objectives = new double[members.Length];
        var measures = new double[members.Length * MeasureDim];
        for (int i = 0; i < members.Length; i++)
        {
            objectives[i] = members[i].Objective;
            members[i].Measures.CopyTo(measures.AsSpan(i * MeasureDim));
        }
        return Score(objectives, measures, MeasureDim, Options.Neighbours);
    }

    /// <summary>
    /// Dominated novelty of each of n solutions (objectives n values, measures n × k) against the others:
    /// the mean distance to its min(k, |F|) nearest among F = the others with an objective at least its
    /// own, +∞ when F is empty. Distance ties go to the earlier row.
    /// </summary>
    public static double[] Score(ReadOnlySpan<double> objectives, ReadOnlySpan<double> measures, int measureDim, int neighbours)
    {
        int n = objectives.Length,
            k = measureDim;
        if (measures.Length != n * k)
            throw new ArgumentException($"Score: {n} objectives but {measures.Length} measure values (expected {n} × {k}).");
        if (neighbours < 1)
            throw new ArgumentOutOfRangeException(nameof(neighbours), neighbours, "k must be at least 1.");
        var f = objectives.ToArray();
        var b = measures.ToArray();
        var scores = new double[n];
        Blocks.ForRows(
            n,
            (long)n * k,
            (start, end) =>
            {
                var nearest = new double[neighbours];
                for (int i = start; i < end; i++)
                {
                    int found = 0;
                    var bi = b.AsSpan(i * k, k);
                    for (int j = 0; j < n; j++)
                    {
                        if (j == i || !(f[j] >= f[i]))
                            continue;
                        double d = Math.Sqrt(SquaredDistance(bi, b.AsSpan(j * k, k)));
                        if (found == neighbours && !(d < nearest[found - 1]))
                            continue;
                        // Insertion into the sorted list of the nearest so far; equal distances keep the earlier row first.
                        int at = found < neighbours ? found++ : found - 1;
                        while (at > 0 && nearest[at - 1] > d)
                        {
                            nearest[at] = nearest[at - 1];
                            at--;
                        }
                        nearest[at] = d;
                    }
                    if (found == 0)
                        scores[i] = double.PositiveInfinity;
                    else
                    {
                        double sum = 0;
                        for (int q = 0; q < found; q++)
                            sum += nearest[q];
                        scores[i] = sum / found;
                    }
                }
            }
        );
        return scores;
    }

    static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double diff = a[j] - b[j];
            s += diff * diff;
        }
        return s;
    }

    /// <inheritdoc/>
    (IArchive Archive, AddReport Report) IArchive.Add(SolutionBatch solutions, Evaluation evaluation) => Add(solutions, evaluation);

    /// <summary>Pools the members and the batch and keeps the highest DNS scores; see the class remarks. This archive is unchanged.</summary>
    /// <exception cref="ArgumentException">Shapes disagree, more than one objective, or an objective or measure is NaN or infinite (the message names the row).</exception>
    public (DominatedNoveltyArchive Archive, AddReport Report) Add(SolutionBatch solutions, Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        ArgumentNullException.ThrowIfNull(evaluation);
        if (evaluation.ObjectiveCount > 1)
            throw new ArgumentException($"Add: a DNS population takes one objective (or none), got {evaluation.ObjectiveCount}.");
        AddChecks.Batch(solutions, evaluation, SolutionDim, MeasureDim, extraFields);
        int n = solutions.Count,
            m = members.Length,
            total = m + n,
            k = MeasureDim,
            capacity = Options.Capacity;
        var rowObjectives = evaluation.ObjectiveCount == 1 ? evaluation.Objectives : new double[n];

        // The pool: members in slot order, then the batch in row order.
        var objectives = new double[total];
        var measures = new double[total * k];
        for (int i = 0; i < m; i++)
        {
            objectives[i] = members[i].Objective;
            members[i].Measures.CopyTo(measures.AsSpan(i * k));
        }
        rowObjectives.AsSpan(0, n).CopyTo(objectives.AsSpan(m));
        evaluation.Measures.CopyTo(measures.AsSpan(m * k));
        var scores = Score(objectives, measures, k, Options.Neighbours);

        var survives = new bool[total];
        if (total <= capacity)
            Array.Fill(survives, true);
        else
        {
            var order = new int[total];
            for (int i = 0; i < total; i++)
                order[i] = i;
            // Highest score first; then higher objective; then the older (lower pool position).
            Array.Sort(
                order,
                (a, c) =>
                {
                    int byScore = scores[c].CompareTo(scores[a]);
                    if (byScore != 0)
                        return byScore;
                    int byObjective = objectives[c].CompareTo(objectives[a]);
                    return byObjective != 0 ? byObjective : a.CompareTo(c);
                }
            );
            for (int i = 0; i < capacity; i++)
                survives[order[i]] = true;
        }

        // Slots: survivors stay; batch survivors take the freed slots in order, then new ones.
        int size = Math.Min(total, capacity);
        var slots = new Elite[size];
        var free = new Queue<int>();
        for (int s = 0; s < m; s++)
            if (survives[s])
                slots[s] = members[s];
            else
                free.Enqueue(s);
        for (int s = m; s < size; s++)
            free.Enqueue(s);
        var status = new AddStatus[n];
        var value = new double[n];
        var cells = new int[n];
        long next = NextIndex;
        for (int i = 0; i < n; i++)
        {
            value[i] = scores[m + i];
            long index = next++;
            if (!survives[m + i])
                continue;
            int slot = free.Dequeue();
            status[i] = AddStatus.New;
            cells[i] = slot;
            slots[slot] = new Elite(
                slot,
                rowObjectives[i],
                rowObjectives[i],
                solutions.Row(i).ToArray(),
                evaluation.MeasuresOf(i).ToArray(),
                evaluation.ExtraRow(i, extraFields),
                index
            );
        }
        for (int i = 0; i < n; i++)
            if (!survives[m + i])
                cells[i] = NearestSlot(slots, measures.AsSpan((m + i) * k, k));

        var report = new AddReport(status, value, cells);
        var nextArchive = new DominatedNoveltyArchive(SolutionDim, MeasureDim, low, high, Options, slots, StatsOf(slots), next);
        return (nextArchive, report);
    }

    static int NearestSlot(Elite[] slots, ReadOnlySpan<double> measures)
    {
        int nearest = 0;
        double bestDistance = double.PositiveInfinity;
        for (int s = 0; s < slots.Length; s++)
        {
            double d = SquaredDistance(measures, slots[s].Measures);
            if (d < bestDistance)
            {
                bestDistance = d;
                nearest = s;
            }
        }
        return nearest;
    }

    /// <summary>The statistics of a population, summed in slot order (a restored population gives the same bits).</summary>
    ArchiveStats StatsOf(Elite[] slots)
    {
        double sum = 0,
            comp = 0;
        Elite? best = null;
        foreach (var e in slots)
        {
            (sum, comp) = ArchiveStats.Accumulate(sum, comp, e.Objective);
            if (best is null || e.Objective > best.Objective || (e.Objective == best.Objective && e.Index < best.Index))
                best = e;
        }
        return new ArchiveStats(Options.Capacity, Options.QdOffset, slots.Length, sum, comp, best);
    }

    /// <inheritdoc/>
    public Elite[] Sample(Key key, int count)
    {
        if (IsEmpty)
            throw new InvalidOperationException("Cannot sample from an empty population.");
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "Sample count must be 0 or more.");
        var picks = new int[count];
        key.Integers(picks, 0, members.Length);
        var sample = new Elite[count];
        for (int i = 0; i < count; i++)
            sample[i] = members[picks[i]];
        return sample;
    }

    /// <summary>
    /// The layout: kind "dns" with the picture bounds given at creation, else the members' extent (a unit
    /// box around a point, or [0, 1] when empty).
    /// </summary>
    public ArchiveLayout Layout
    {
        get
        {
            if (low is not null)
                return new ArchiveLayout("dns", (double[])low.Clone(), (double[])high!.Clone(), [], []);
            int k = MeasureDim;
            var lo = new double[k];
            var hi = new double[k];
            for (int j = 0; j < k; j++)
            {
                lo[j] = double.PositiveInfinity;
                hi[j] = double.NegativeInfinity;
                foreach (var e in members)
                {
                    lo[j] = Math.Min(lo[j], e.Measures[j]);
                    hi[j] = Math.Max(hi[j], e.Measures[j]);
                }
                if (members.Length == 0)
                    (lo[j], hi[j]) = (0.0, 1.0);
                else if (!(hi[j] > lo[j]))
                    (lo[j], hi[j]) = (lo[j] - 0.5, lo[j] + 0.5);
            }
            return new ArchiveLayout("dns", lo, hi, [], []);
        }
    }

    /// <inheritdoc/>
    public EliteTable ToTable()
    {
        int n = members.Length,
            d = SolutionDim,
            k = MeasureDim;
        var cells = new int[n];
        var objectives = new double[n];
        var measures = new double[n * k];
        var solutions = new double[(long)n * d];
        var extra = new Dictionary<string, double[]>();
        foreach (var name in extraFields)
            extra[name] = new double[n];
        for (int i = 0; i < n; i++)
        {
            var e = members[i];
            cells[i] = i;
            objectives[i] = e.Objective;
            e.Measures.CopyTo(measures.AsSpan(i * k));
            e.Solution.CopyTo(solutions.AsSpan(i * d));
            for (int j = 0; j < extraFields.Length; j++)
                extra[extraFields[j]][i] = e.Extra[j];
        }
        return new EliteTable(Layout, d, 1, cells, objectives, measures, solutions, extra);
    }

    byte ICheckpointedArchive.CheckpointKind => 4;

    // Capacity, k and the picture bounds come from the run's configuration; the statistics are recomputed.
    void ICheckpointedArchive.WriteCheckpoint(BinaryWriter w)
    {
        w.Write(SolutionDim);
        w.Write(MeasureDim);
        w.Write(extraFields.Length);
        foreach (var name in extraFields)
            w.Write(name);
        w.Write(NextIndex);
        w.Write(members.Length);
        foreach (var e in members)
        {
            w.Write(e.Objective);
            w.Write(e.Index);
            ArchiveCheckpoint.WriteDoubles(w, e.Solution);
            ArchiveCheckpoint.WriteDoubles(w, e.Measures);
            ArchiveCheckpoint.WriteDoubles(w, e.Extra);
        }
    }

    IArchive ICheckpointedArchive.ReadCheckpoint(BinaryReader r)
    {
        if (!IsEmpty || NextIndex != 0)
            throw new InvalidOperationException("A checkpoint is read into an empty population.");
        int d = r.ReadInt32(),
            k = r.ReadInt32();
        if (d != SolutionDim || k != MeasureDim)
            throw new ArgumentException(
                $"the checkpoint's population has dimension {d} and {k} measures; the run's has {SolutionDim} and {MeasureDim}"
            );
        int extraCount = r.ReadInt32();
        if (extraCount != extraFields.Length)
            throw new ArgumentException("the checkpoint's extra fields differ from the run's");
        for (int j = 0; j < extraCount; j++)
            if (r.ReadString() != extraFields[j])
                throw new ArgumentException("the checkpoint's extra fields differ from the run's");
        long next = r.ReadInt64();
        int count = r.ReadInt32();
        if (count < 0 || count > Options.Capacity)
            throw new ArgumentException($"the checkpoint holds {count} members; the run's capacity is {Options.Capacity}");
        var slots = new Elite[count];
        for (int i = 0; i < count; i++)
        {
            double objective = r.ReadDouble();
            long index = r.ReadInt64();
            var solution = ArchiveCheckpoint.ReadDoubles(r, d);
            var measures = ArchiveCheckpoint.ReadDoubles(r, k);
            var extra = ArchiveCheckpoint.ReadDoubles(r, extraCount);
            slots[i] = new Elite(i, objective, objective, solution, measures, extra, index);
        }
        return new DominatedNoveltyArchive(SolutionDim, MeasureDim, low, high, Options, slots, StatsOf(slots), next);
    }
}

/// <summary>Settings of a <see cref="DominatedNoveltyArchive"/>.</summary>
/// <param name="Capacity">Members kept after every add (the paper's population size, 1,024 in its experiments).</param>
/// <param name="Neighbours">k: the score averages the distances to this many nearest fitter members (3 in the paper).</param>
/// <param name="QdOffset">Subtracted from every objective in the QD score.</param>
/// <param name="ExtraFields">Names of extra per-solution values kept with each member.</param>
public sealed record DnsOptions(int Capacity = 1024, int Neighbours = 3, double QdOffset = 0.0, string[]? ExtraFields = null)
{
    internal void Validate()
    {
        if (Capacity < 1)
            throw new ArgumentException($"Capacity must be at least 1, got {Capacity}.");
        if (Neighbours < 1)
            throw new ArgumentException($"Neighbours (k) must be at least 1, got {Neighbours}.");
        if (!double.IsFinite(QdOffset))
            throw new ArgumentException($"QdOffset must be finite, got {QdOffset}.");
        var seen = new HashSet<string>();
        foreach (var name in ExtraFields ?? [])
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
                throw new ArgumentException($"Extra field names must be non-empty and distinct; '{name}' is not.");
    }
}
