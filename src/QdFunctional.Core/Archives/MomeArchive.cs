namespace QdFunctional.Core.Archives;

using System.Runtime.InteropServices;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Metrics;
using QdFunctional.Core.Persistence;
using QdFunctional.Core.Random;

/// <summary>
/// The archive of Multi-Objective MAP-Elites (MOME; Pierrot et al. 2022, "Multi-Objective Quality
/// Diversity Optimization"; QDax's <c>MOMERepertoire</c>): over any tessellation of measure space,
/// each cell holds a Pareto front of at most P solutions for m ≥ 2 maximized objectives. Immutable:
/// Add returns a new archive that shares every untouched chunk of cells, and every untouched
/// front, with this one.
/// </summary>
/// <remarks>
/// <para><b>Add rule</b> (batch semantics). The batch's solutions are grouped by cell; each cell's
/// stored front (in its order) followed by the cell's new solutions (in batch order) is filtered to
/// its non-dominated members: a solution is dropped when another dominates it, or when it equals
/// an earlier one in every objective (ties keep the stored solution, then the earliest row). When
/// more than P remain, <see cref="MomeOptions.Overflow"/> decides: by default the most crowded
/// (smallest crowding distance, boundary points infinite, recomputed after each removal; among
/// equals the latest arrival) leaves until P remain; with <see cref="FrontOverflow.Random"/> a
/// uniform subset of P stays, drawn from <c>key.FoldIn(cell)</c>. The new front lists surviving
/// stored members first, then surviving arrivals in batch order. (QDax inserts a batch one solution
/// at a time and, when a front is full, keeps its first P members, which drops the newest; the
/// crowding rule instead keeps the front spread out.)</para>
/// <para><b>Report.</b> Status: <see cref="AddStatus.New"/> when the solution joined a cell that was
/// empty before the batch, <see cref="AddStatus.Improved"/> when it joined an occupied cell's front,
/// <see cref="AddStatus.NotAdded"/> otherwise. Value: the hypervolume the solution alone adds to its
/// cell's front as it was before the batch, HV(F ∪ {x}) − HV(F) w.r.t. the reference point (for an
/// empty cell, the volume of the box between the reference and x); 0 when x is dominated by or
/// equal to a stored member, or not strictly better than the reference in every objective. Like
/// pyribs' improvement value, it ignores the batch's other solutions, so rankers can compare rows.</para>
/// <para><b>Statistics.</b> <see cref="Stats"/> counts occupied cells as <c>NumElites</c> (so
/// <c>Coverage</c> is MOME's coverage) and keeps the MOQD score (sum over cells of each front's
/// hypervolume, cached per cell and updated by each add's changes) as its <c>QdScore</c>;
/// <c>ObjMean</c> is then the mean front hypervolume, and <c>BestElite</c> is null (no single
/// objective ranks solutions). <see cref="MomeMetrics"/> gathers the MOME figures.</para>
/// </remarks>
public sealed class MomeArchive : IArchive
{
    readonly FrontStore store;
    readonly double[] reference;
    readonly string[] extraFields;
    readonly Elite? best;
    readonly double bestSum;
    readonly long nextIndex;

    MomeArchive(
        int solutionDim,
        int objectiveCount,
        ITessellation tessellation,
        double[] reference,
        MomeOptions options,
        FrontStore store,
        ArchiveStats stats,
        int numSolutions,
        Elite? best,
        double bestSum,
        long nextIndex
    )
    {
        SolutionDim = solutionDim;
        ObjectiveCount = objectiveCount;
        Tessellation = tessellation;
        this.reference = reference;
        Options = options;
        this.store = store;
        Stats = stats;
        NumSolutions = numSolutions;
        this.best = best;
        this.bestSum = bestSum;
        this.nextIndex = nextIndex;
        extraFields = options.ExtraFields ?? [];
    }

    /// <summary>
    /// An empty MOME archive over any tessellation, for <paramref name="objectiveCount"/> (m ≥ 2)
    /// maximized objectives. <paramref name="referencePoint"/> (m values) is the point every
    /// hypervolume is measured from: only solutions strictly better than it in every objective
    /// count towards a front's hypervolume (pick it below the worst objective values you expect).
    /// </summary>
    /// <exception cref="ArgumentException">m &lt; 2, a reference point of the wrong length or not finite, or P &lt; 1.</exception>
    public static MomeArchive Create(
        int solutionDim,
        int objectiveCount,
        ITessellation tessellation,
        double[] referencePoint,
        MomeOptions? options = null
    )
    {
        ArgumentNullException.ThrowIfNull(tessellation);
        ArgumentNullException.ThrowIfNull(referencePoint);
        if (solutionDim < 1)
            throw new ArgumentOutOfRangeException(nameof(solutionDim), solutionDim, "Solutions need at least one dimension.");
        if (objectiveCount < 2)
            throw new ArgumentOutOfRangeException(
                nameof(objectiveCount),
                objectiveCount,
                "MOME needs at least 2 objectives; use a CellArchive for one."
            );
        if (referencePoint.Length != objectiveCount)
            throw new ArgumentException(
                $"MOME: the reference point has {referencePoint.Length} values; expected {objectiveCount} (one per objective).",
                nameof(referencePoint)
            );
        for (int j = 0; j < referencePoint.Length; j++)
            if (!double.IsFinite(referencePoint[j]))
                throw new ArgumentException(
                    $"MOME: reference point value {j} is {referencePoint[j]}; it must be finite.",
                    nameof(referencePoint)
                );
        options ??= MomeOptions.Default;
        options.Validate();
        return new MomeArchive(
            solutionDim,
            objectiveCount,
            tessellation,
            (double[])referencePoint.Clone(),
            options,
            FrontStore.Empty(tessellation.CellCount),
            ArchiveStats.Empty(tessellation.CellCount, 0.0),
            0,
            null,
            double.NegativeInfinity,
            0
        );
    }

    /// <summary>An empty MOME archive over a grid with the given cells per measure and bounds.</summary>
    public static MomeArchive Grid(
        int solutionDim,
        int objectiveCount,
        int[] resolution,
        double[] low,
        double[] high,
        double[] referencePoint,
        MomeOptions? options = null
    ) => Create(solutionDim, objectiveCount, new GridTessellation(resolution, low, high), referencePoint, options);

    /// <summary>An empty MOME archive over CVT centroids (QDax's MOME uses CVT cells).</summary>
    public static MomeArchive Cvt(
        int solutionDim,
        int objectiveCount,
        CvtTessellation tessellation,
        double[] referencePoint,
        MomeOptions? options = null
    ) => Create(solutionDim, objectiveCount, tessellation, referencePoint, options);

    /// <inheritdoc/>
    public int SolutionDim { get; }

    /// <summary>m: objectives per solution (2 or more), all maximized.</summary>
    public int ObjectiveCount { get; }

    /// <summary>How measures map to cells.</summary>
    public ITessellation Tessellation { get; }

    /// <summary>Front length, overflow rule and extra fields.</summary>
    public MomeOptions Options { get; }

    /// <summary>Names of the extra per-solution fields.</summary>
    public IReadOnlyList<string> ExtraFields => extraFields;

    /// <summary>The reference point of every hypervolume (m values).</summary>
    public ReadOnlySpan<double> ReferencePoint => reference;

    /// <inheritdoc/>
    public int MeasureDim => Tessellation.MeasureDim;

    /// <inheritdoc/>
    public int CellCount => Tessellation.CellCount;

    /// <inheritdoc/>
    public ArchiveStats Stats { get; }

    /// <inheritdoc/>
    public bool IsEmpty => Stats.NumElites == 0;

    /// <summary>Occupied cells.</summary>
    public int OccupiedCount => Stats.NumElites;

    /// <summary>Solutions stored over all fronts.</summary>
    public int NumSolutions { get; }

    /// <summary>MOQD score: the sum over cells of the hypervolume of each front (cached per cell).</summary>
    public double MoqdScore => Stats.QdScore;

    /// <summary>The stored solution with the largest sum of objectives (earliest inserted among equals); null when empty.</summary>
    public Elite? BestBySum => best;

    /// <summary>Its sum of objectives: MOME's "maximum sum of scores"; NaN when empty.</summary>
    public double MaxSumOfScores => best is null ? double.NaN : bestSum;

    /// <summary>The number the next inserted solution gets as its <see cref="Elite.Index"/>.</summary>
    public long NextIndex => nextIndex;

    /// <summary>Occupied cells in the order they were first filled (what sampling indexes into).</summary>
    public ReadOnlySpan<int> OccupiedCells => store.Occupied.ToArray();

    /// <inheritdoc/>
    public int CellOf(ReadOnlySpan<double> measures)
    {
        AddChecks.Measures(measures, MeasureDim, "CellOf");
        return Tessellation.CellOf(measures);
    }

    /// <summary>The first member of the cell's front, or null when the cell is empty; see <see cref="FrontAt"/>.</summary>
    public Elite? EliteAt(int cell) => CellAt(cell)?.Front[0];

    /// <summary>The cell's Pareto front (empty when the cell is empty), stored members in insertion order.</summary>
    public ReadOnlySpan<Elite> FrontAt(int cell) => CellAt(cell) is { } c ? c.Front : ReadOnlySpan<Elite>.Empty;

    /// <summary>The hypervolume of the cell's front w.r.t. <see cref="ReferencePoint"/> (cached; 0 when empty).</summary>
    public double CellHypervolume(int cell) => CellAt(cell)?.Hypervolume ?? 0.0;

    MomeCell? CellAt(int cell)
    {
        if ((uint)cell >= (uint)CellCount)
            throw new ArgumentOutOfRangeException(nameof(cell), cell, $"The archive has cells 0..{CellCount - 1}.");
        return store[cell];
    }

    /// <summary>Every stored solution: cells in order, each cell's front in its order.</summary>
    public IEnumerable<Elite> Elites
    {
        get
        {
            foreach (var cell in store.InCellOrder())
            foreach (var e in cell.Front)
                yield return e;
        }
    }

    /// <summary>The cached fronts in cell order (for metrics).</summary>
    internal IEnumerable<MomeCell> Cells => store.InCellOrder();

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The archive uses random overflow, which needs a key.</exception>
    (IArchive Archive, AddReport Report) IArchive.Add(SolutionBatch solutions, Evaluation evaluation) => Add(solutions, evaluation);

    /// <summary>Adds a batch with crowding-distance overflow; see the class remarks. This archive is unchanged.</summary>
    /// <exception cref="ArgumentException">Shapes disagree, or an objective or measure is NaN or infinite (the message names the row).</exception>
    /// <exception cref="InvalidOperationException">The archive uses random overflow: call the overload with a key.</exception>
    public (MomeArchive Archive, AddReport Report) Add(SolutionBatch solutions, Evaluation evaluation)
    {
        if (Options.Overflow == FrontOverflow.Random)
            throw new InvalidOperationException("MOME: random overflow draws from a key; call Add(solutions, evaluation, key).");
        return AddCore(solutions, evaluation, default);
    }

    /// <summary>
    /// Adds a batch; random overflow draws from <paramref name="key"/> (<c>key.FoldIn(cell)</c> per
    /// overflowing cell), crowding-distance overflow ignores it. This archive is unchanged.
    /// </summary>
    public (MomeArchive Archive, AddReport Report) Add(SolutionBatch solutions, Evaluation evaluation, Key key) =>
        AddCore(solutions, evaluation, key);

    (MomeArchive, AddReport) AddCore(SolutionBatch solutions, Evaluation evaluation, Key key)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        ArgumentNullException.ThrowIfNull(evaluation);
        Validate(solutions, evaluation);
        int n = solutions.Count,
            m = ObjectiveCount,
            limit = Options.ParetoFrontMaxLength;
        var objectives = evaluation.Objectives;
        var cells = new int[n];
        Tessellation.CellsOf(evaluation.Measures, cells);
        var status = new AddStatus[n];
        var value = new double[n];

        // Rows grouped by cell, in batch order within a cell.
        var order = new long[n];
        for (int i = 0; i < n; i++)
            order[i] = ((long)cells[i] << 32) | (uint)i;
        Array.Sort(order);

        var joined = new bool[n];
        var groups = new List<(int Cell, int Start, int Count, bool[] Keep)>();
        for (int g = 0; g < n; )
        {
            int cell = (int)(order[g] >> 32),
                end = g;
            while (end < n && (int)(order[end] >> 32) == cell)
                end++;
            int k = end - g;
            var old = store[cell];
            int oldCount = old?.Front.Length ?? 0;
            var candidates = new double[(oldCount + k) * m];
            for (int i = 0; i < oldCount; i++)
                old!.Front[i].Objectives.CopyTo(candidates.AsSpan(i * m, m));
            var stored = candidates.AsSpan(0, oldCount * m);
            // With two objectives the stored front's staircase is built once and each row's gain read off it.
            var stairs = m == 2 ? StaircaseOf(stored) : null;
            for (int r = 0; r < k; r++)
            {
                int row = (int)order[g + r];
                var x = candidates.AsSpan((oldCount + r) * m, m);
                objectives.AsSpan(row * m, m).CopyTo(x);
                if (stairs is null)
                    value[row] = Hypervolume.Contribution(x, stored, m, reference);
                else if (x[0] > reference[0] && x[1] > reference[1])
                    value[row] = stairs.Gain(x[0] - reference[0], x[1] - reference[1]);
            }
            var keep = new bool[oldCount + k];
            int count = ParetoFront.NonDominated(candidates, m, keep, oldCount);
            if (count > limit)
            {
                if (Options.Overflow == FrontOverflow.CrowdingDistance)
                    CrowdingDistance.Truncate(candidates, m, keep, limit);
                else
                    KeepRandom(key.FoldIn(cell), keep, count, limit);
            }
            bool changed = false;
            for (int i = 0; i < oldCount; i++)
                changed |= !keep[i];
            for (int r = 0; r < k; r++)
                if (keep[oldCount + r])
                {
                    int row = (int)order[g + r];
                    joined[row] = true;
                    status[row] = old is null ? AddStatus.New : AddStatus.Improved;
                    changed = true;
                }
            if (changed)
                groups.Add((cell, g, k, keep));
            g = end;
        }

        var report = new AddReport(status, value, cells);
        if (groups.Count == 0)
            return (this, report);

        // Insertion indices follow batch order, like CellArchive's.
        var arrivals = new Elite?[n];
        long index = nextIndex;
        for (int row = 0; row < n; row++)
            if (joined[row])
                arrivals[row] = new Elite(
                    cells[row],
                    objectives.AsSpan(row * m, m).ToArray(),
                    solutions.Row(row).ToArray(),
                    evaluation.MeasuresOf(row).ToArray(),
                    evaluation.ExtraRow(row, extraFields),
                    index++
                );

        var updatedCells = new int[groups.Count];
        var updates = new MomeCell[groups.Count];
        var newCells = new List<int>();
        int occupied = Stats.NumElites,
            numSolutions = NumSolutions;
        double sum = Stats.ObjectiveSum,
            comp = Stats.ObjectiveSumCompensation;
        Elite? top = best;
        double topSum = bestSum;
        bool topLost = false;
        for (int u = 0; u < groups.Count; u++)
        {
            var (cell, start, k, keep) = groups[u];
            var old = store[cell];
            int oldCount = old?.Front.Length ?? 0;
            var front = new List<Elite>(Math.Min(limit, oldCount + k));
            for (int i = 0; i < oldCount; i++)
            {
                if (keep[i])
                    front.Add(old!.Front[i]);
                else if (ReferenceEquals(old!.Front[i], top))
                    topLost = true;
            }
            for (int r = 0; r < k; r++)
                if (keep[oldCount + r])
                    front.Add(arrivals[(int)order[start + r]]!);
            var members = front.ToArray();
            var next = new MomeCell(members, FrontHypervolume(members));
            updatedCells[u] = cell;
            updates[u] = next;
            (sum, comp) = ArchiveStats.Accumulate(sum, comp, next.Hypervolume - (old?.Hypervolume ?? 0.0));
            numSolutions += members.Length - oldCount;
            if (old is null)
            {
                occupied++;
                newCells.Add(cell);
            }
            if (top is null || next.BestSum > topSum)
            {
                top = next.Best;
                topSum = next.BestSum;
                topLost = false;
            }
        }

        var nextStore = store.With(updatedCells, updates, CollectionsMarshal.AsSpan(newCells));
        // Only overflow (or a tie in sums) can take the best solution away; then the cells' cached bests are scanned.
        if (topLost)
            (top, topSum) = BestOf(nextStore);
        var stats = new ArchiveStats(CellCount, 0.0, occupied, sum, comp, null);
        var archive = new MomeArchive(SolutionDim, m, Tessellation, reference, Options, nextStore, stats, numSolutions, top, topSum, index);
        return (archive, report);
    }

    /// <summary>
    /// This empty archive holding <paramref name="fronts"/> (occupied cells in the order they were
    /// first filled, each front in its stored order), with the insertion counter, the MOQD score's
    /// compensated sum and the index of the best solution by sum of objectives as they were saved,
    /// so that a resumed run continues bit for bit (a checkpoint's restore).
    /// </summary>
    internal MomeArchive Restore(IReadOnlyList<Elite[]> fronts, long next, double sum, double comp, long bestIndex)
    {
        if (!IsEmpty)
            throw new InvalidOperationException("Restore starts from an empty archive.");
        var cells = new int[fronts.Count];
        var updates = new MomeCell[fronts.Count];
        int numSolutions = 0;
        Elite? top = null;
        for (int u = 0; u < fronts.Count; u++)
        {
            var front = fronts[u];
            if (front.Length == 0 || front.Length > Options.ParetoFrontMaxLength)
                throw new ArgumentException($"Restore: a front of {front.Length} solutions (at most {Options.ParetoFrontMaxLength}).");
            int cell = front[0].Cell;
            if (cell < 0 || cell >= CellCount || store[cell] is not null || cells.AsSpan(0, u).Contains(cell))
                throw new ArgumentException($"Restore: cell {cell} does not fit this archive or appears twice.");
            foreach (var e in front)
            {
                if (e.Cell != cell || e.ObjectiveCount != ObjectiveCount || e.Solution.Length != SolutionDim)
                    throw new ArgumentException($"Restore: solution {e.Index} does not fit cell {cell} of this archive.");
                if (e.Index == bestIndex)
                    top = e;
            }
            cells[u] = cell;
            updates[u] = new MomeCell(front, FrontHypervolume(front));
            numSolutions += front.Length;
        }
        if (fronts.Count > 0 && top is null)
            throw new ArgumentException($"Restore: the best solution (index {bestIndex}) is not among the saved ones.");
        var stats = new ArchiveStats(CellCount, 0.0, fronts.Count, sum, comp, null);
        double topSum = top is null ? double.NegativeInfinity : MomeCell.SumOf(top);
        return new MomeArchive(
            SolutionDim,
            ObjectiveCount,
            Tessellation,
            reference,
            Options,
            store.With(cells, updates, cells),
            stats,
            numSolutions,
            top,
            topSum,
            next
        );
    }

    /// <summary>The occupied cells' fronts in the order the cells were first filled (what a checkpoint saves).</summary>
    internal IEnumerable<Elite[]> FrontsInFillOrder()
    {
        var occupied = store.Occupied;
        for (int i = 0; i < occupied.Count; i++)
            yield return store[occupied[i]]!.Front;
    }

    /// <summary>The 2-D staircase of the stored points (n × 2) that are strictly better than the reference.</summary>
    Staircase StaircaseOf(ReadOnlySpan<double> stored)
    {
        var stairs = new Staircase(stored.Length / 2 + 1);
        for (int i = 0; i < stored.Length; i += 2)
            if (stored[i] > reference[0] && stored[i + 1] > reference[1])
                stairs.Insert(stored[i] - reference[0], stored[i + 1] - reference[1]);
        return stairs;
    }

    /// <summary>Keeps a uniform random <paramref name="limit"/> of the <paramref name="count"/> kept points.</summary>
    static void KeepRandom(Key key, Span<bool> keep, int count, int limit)
    {
        var positions = new int[count];
        for (int i = 0, c = 0; i < keep.Length; i++)
            if (keep[i])
                positions[c++] = i;
        var picks = new int[limit];
        key.Choice(count, picks);
        keep.Clear();
        foreach (var p in picks)
            keep[positions[p]] = true;
    }

    double FrontHypervolume(Elite[] front)
    {
        int m = ObjectiveCount;
        var points = new double[front.Length * m];
        for (int i = 0; i < front.Length; i++)
            front[i].Objectives.CopyTo(points.AsSpan(i * m, m));
        return Hypervolume.Of(points, m, reference);
    }

    static (Elite?, double) BestOf(FrontStore s)
    {
        Elite? top = null;
        double topSum = double.NegativeInfinity;
        foreach (var cell in s.InCellOrder())
            if (top is null || cell.BestSum > topSum || (cell.BestSum == topSum && cell.Best.Index < top.Index))
            {
                top = cell.Best;
                topSum = cell.BestSum;
            }
        return (top, topSum);
    }

    void Validate(SolutionBatch solutions, Evaluation evaluation)
    {
        if (evaluation.ObjectiveCount != ObjectiveCount)
            throw new ArgumentException(
                $"Add: the MOME archive has {ObjectiveCount} objectives; the evaluation has {evaluation.ObjectiveCount}."
            );
        AddChecks.Batch(solutions, evaluation, SolutionDim, MeasureDim, extraFields);
    }

    /// <summary>
    /// <paramref name="count"/> solutions drawn with replacement as QDax's MOME samples: a cell
    /// uniformly among the occupied cells, then a member uniformly within that cell's front (so
    /// solutions of short fronts are drawn more often than those of long ones).
    /// </summary>
    public Elite[] Sample(Key key, int count)
    {
        if (IsEmpty)
            throw new InvalidOperationException("Cannot sample elites from an empty archive.");
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "Sample count must be 0 or more.");
        var (cellKey, memberKey) = key.Split2();
        var picks = new int[count];
        cellKey.Integers(picks, 0, store.Occupied.Count);
        var elites = new Elite[count];
        for (int i = 0; i < count; i++)
        {
            var front = store[store.Occupied[picks[i]]]!.Front;
            elites[i] = front[(int)Math.BigMul(memberKey.Bits((ulong)i), (ulong)front.Length, out _)];
        }
        return elites;
    }

    /// <summary>
    /// Every stored solution as a row (cells in order, each front in its order; a cell appears once
    /// per member), with ObjectiveCount = m and n × m objectives.
    /// </summary>
    public EliteTable ToTable()
    {
        int n = NumSolutions,
            d = SolutionDim,
            k = MeasureDim,
            m = ObjectiveCount;
        var cells = new int[n];
        var objectives = new double[n * m];
        var measures = new double[n * k];
        var solutions = new double[(long)n * d];
        var extra = new Dictionary<string, double[]>();
        foreach (var name in extraFields)
            extra[name] = new double[n];
        int i = 0;
        foreach (var e in Elites)
        {
            cells[i] = e.Cell;
            for (int j = 0; j < extraFields.Length; j++)
                extra[extraFields[j]][i] = e.Extra[j];
            e.Objectives.CopyTo(objectives.AsSpan(i * m));
            e.Measures.CopyTo(measures.AsSpan(i * k));
            e.Solution.CopyTo(solutions.AsSpan(i * d));
            i++;
        }
        return new EliteTable(Tessellation.Layout, d, m, cells, objectives, measures, solutions, extra);
    }
}
