namespace QdFunctional.Core.Archives;

using QdFunctional.Core.Archives.Proximity;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Persistence;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

/// <summary>
/// Novelty search's unstructured archive (ProximityArchive in pyribs; Lehman and Stanley 2011):
/// no cells are fixed in advance; a solution enters when its novelty
/// ρ(x) = (1/k) Σᵢ₌₁ᵏ ‖b(x) − μᵢ‖ (mean Euclidean distance from its measures b(x) to the k nearest
/// entries μᵢ) is at least the threshold. With local competition (NSLC) a solution that is not novel
/// enough replaces its nearest entry when its objective is higher. Immutable: Add returns a new
/// archive sharing every untouched chunk of entries and every k-d tree with this one.
/// </summary>
/// <remarks>
/// Batch rule (as pyribs): every solution of a batch is judged against the archive as it was before
/// the batch, so solutions of one batch do not see each other. An entry's "cell" is its slot: 0, 1, 2,
/// ... in order of arrival; a replaced entry keeps its slot. The add report's value is the novelty
/// (+∞ against an empty archive) and its cell the slot the solution took, or its nearest entry's slot.
/// Without objectives every entry scores 0, so the QD score is 0; coverage is 1 once anything is in
/// (pyribs' convention: the archive has as many cells as entries), so count entries instead.
/// Nearest neighbours are found with a <c>NeighbourIndex</c> of static k-d trees; ties in
/// distance go to the older entry, so results never depend on how the trees happen to be split.
/// </remarks>
public sealed class ProximityArchive : IArchive
{
    readonly EntryLog entries;
    readonly NeighbourIndex index;
    readonly string[] extraFields;
    readonly double[] low;
    readonly double[] high;

    ProximityArchive(
        int solutionDim,
        double[] low,
        double[] high,
        ProximityOptions options,
        EntryLog entries,
        NeighbourIndex index,
        ArchiveStats stats,
        long nextIndex,
        bool hasObjectives
    )
    {
        HasObjectives = hasObjectives;
        SolutionDim = solutionDim;
        this.low = low;
        this.high = high;
        Options = options;
        this.entries = entries;
        this.index = index;
        Stats = stats;
        NextIndex = nextIndex;
        extraFields = options.ExtraFields ?? [];
    }

    /// <summary>
    /// An empty archive. <paramref name="low"/> and <paramref name="high"/> are the measure bounds
    /// that pictures use; measures outside them are accepted.
    /// </summary>
    public static ProximityArchive Create(int solutionDim, double[] low, double[] high, ProximityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (solutionDim < 1)
            throw new ArgumentOutOfRangeException(nameof(solutionDim), solutionDim, "Solutions need at least one dimension.");
        if (low.Length < 1 || low.Length != high.Length || low.Length > byte.MaxValue)
            throw new ArgumentException($"Measure bounds: {low.Length} lower and {high.Length} upper values (1 to 255 measures).");
        for (int j = 0; j < low.Length; j++)
            if (!(double.IsFinite(low[j]) && double.IsFinite(high[j]) && high[j] > low[j]))
                throw new ArgumentException($"Measure {j}: bounds [{low[j]}, {high[j]}] must be finite with low < high.");
        options ??= new ProximityOptions();
        options.Validate();
        return new ProximityArchive(
            solutionDim,
            (double[])low.Clone(),
            (double[])high.Clone(),
            options,
            EntryLog.Empty,
            NeighbourIndex.Empty(low.Length),
            ArchiveStats.Empty(1, options.QdOffset),
            0,
            false
        );
    }

    /// <inheritdoc/>
    public int SolutionDim { get; }

    /// <inheritdoc/>
    public int MeasureDim => low.Length;

    /// <summary>k, the threshold, local competition, capacity and extra fields.</summary>
    public ProximityOptions Options { get; }

    /// <summary>Names of the extra per-entry fields.</summary>
    public IReadOnlyList<string> ExtraFields => extraFields;

    /// <summary>Number of entries.</summary>
    public int Count => entries.Count;

    /// <summary>Cells are entries (at least 1, so coverage is defined when empty).</summary>
    public int CellCount => Math.Max(1, entries.Count);

    /// <summary>
    /// pyribs' capacity: <see cref="ProximityOptions.InitialCapacity"/> doubled until it holds every
    /// entry, capped by <see cref="ProximityOptions.MaxSize"/> when that is set.
    /// </summary>
    public int Capacity
    {
        get
        {
            long c = Options.InitialCapacity;
            while (c < entries.Count)
                c *= 2;
            return (int)(Options.MaxSize > 0 ? Math.Min(c, Options.MaxSize) : Math.Min(c, int.MaxValue));
        }
    }

    /// <summary>k-d trees in the neighbour index: O(log entries).</summary>
    public int IndexTreeCount => index.TreeCount;

    /// <inheritdoc/>
    public ArchiveStats Stats { get; }

    /// <inheritdoc/>
    public bool IsEmpty => entries.Count == 0;

    /// <summary>The number the next inserted entry gets as its <see cref="Elite.Index"/>.</summary>
    public long NextIndex { get; }

    /// <summary>
    /// True once any added batch carried an objective. A diversity-only archive (novelty search told
    /// no objective) saves no objective column, rather than a column of zeros.
    /// </summary>
    public bool HasObjectives { get; }

    /// <summary>The nearest entry's slot, like pyribs' index_of.</summary>
    /// <exception cref="InvalidOperationException">The archive is empty.</exception>
    public int CellOf(ReadOnlySpan<double> measures)
    {
        AddChecks.Measures(measures, MeasureDim, "CellOf");
        if (IsEmpty)
            throw new InvalidOperationException("CellOf: a proximity archive has no cells until something is added.");
        var set = new NearestSet(1);
        index.Nearest(measures, 1, set, entries);
        return set[0].Cell;
    }

    /// <inheritdoc/>
    public Elite? EliteAt(int cell)
    {
        if (cell < 0)
            throw new ArgumentOutOfRangeException(nameof(cell), cell, "Slots are 0 or more.");
        return cell < entries.Count ? entries[cell] : null;
    }

    /// <summary>The entries' slots in <paramref name="measures"/>' k-nearest order, nearest first (ties: older entry first).</summary>
    public int[] Nearest(ReadOnlySpan<double> measures, int k)
    {
        AddChecks.Measures(measures, MeasureDim, "Nearest");
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, "Ask for at least one neighbour.");
        var set = new NearestSet(k);
        index.Nearest(measures, k, set, entries);
        var slots = new int[set.Count];
        for (int i = 0; i < slots.Length; i++)
            slots[i] = set[i].Cell;
        return slots;
    }

    /// <summary>
    /// Novelty of each row of <paramref name="measures"/> (n × k, row-major) against this archive:
    /// the mean distance to the min(k, entries) nearest entries; +∞ when the archive is empty.
    /// </summary>
    public double[] Novelty(ReadOnlySpan<double> measures)
    {
        int k = MeasureDim;
        if (measures.Length % k != 0)
            throw new ArgumentException($"Novelty: {measures.Length} numbers are not rows of {k} measures.", nameof(measures));
        for (int i = 0; i < measures.Length; i++)
            if (!double.IsFinite(measures[i]))
                throw new ArgumentException($"Novelty: measure {i % k} of row {i / k} is {measures[i]}; measures must be finite.");
        var copy = measures.ToArray();
        var novelty = new double[copy.Length / k];
        Query(copy, novelty, new int[novelty.Length], new double[novelty.Length]);
        return novelty;
    }

    /// <summary>
    /// Mean novelty of the archive: (1/n) Σ over the n entries of ρ(entry) against this archive, the
    /// entry itself among its k nearest (at distance 0), so an archive of evenly spread entries scores
    /// higher than one of clumps. It tells how far apart novelty search keeps its entries (<c>qd run</c>
    /// prints it at the end; <c>metrics.parquet</c> logs it per iteration). NaN when empty.
    /// Cost: one k-nearest query per entry, O(n k log n), rows in parallel; the sum runs in slot order, so
    /// the result does not depend on the thread count.
    /// </summary>
    public double MeanNovelty()
    {
        int n = entries.Count,
            k = MeasureDim;
        if (n == 0)
            return double.NaN;
        var measures = new double[n * k];
        for (int i = 0; i < n; i++)
            entries[i].Measures.CopyTo(measures.AsSpan(i * k, k));
        var novelty = new double[n];
        Query(measures, novelty, new int[n], new double[n]);
        double sum = 0.0;
        for (int i = 0; i < n; i++)
            sum += novelty[i];
        return sum / n;
    }

    /// <summary>
    /// For every row: novelty, the nearest entry's slot (-1 when empty) and its objective. Rows are
    /// independent, so blocks of rows run in parallel with results independent of the thread count.
    /// </summary>
    void Query(
        double[] measures,
        double[] novelty,
        int[] nearest,
        double[] nearestObjective,
        int[]? localCompetition = null,
        double[]? objectives = null,
        bool withBatch = false
    )
    {
        int k = MeasureDim,
            n = novelty.Length,
            wanted = Options.Neighbours;
        if (withBatch)
        {
            QueryWithBatch(measures, novelty, nearest, nearestObjective, localCompetition, objectives!);
            return;
        }
        if (IsEmpty)
        {
            Array.Fill(novelty, double.PositiveInfinity);
            Array.Fill(nearest, -1);
            Array.Fill(nearestObjective, double.NegativeInfinity);
            return;
        }
        long cost = (long)wanted * 64 * (32 - int.LeadingZeroCount(entries.Count));
        Blocks.ForRows(
            n,
            cost,
            (start, end) =>
            {
                var set = new NearestSet(wanted);
                for (int i = start; i < end; i++)
                {
                    index.Nearest(measures.AsSpan(i * k, k), wanted, set, entries);
                    double sum = 0;
                    foreach (double d2 in set.SquaredDistances)
                        sum += Math.Sqrt(d2);
                    novelty[i] = sum / set.Count;
                    nearest[i] = set[0].Cell;
                    nearestObjective[i] = set[0].Objective;
                    if (localCompetition is not null)
                        localCompetition[i] = Beaten(set, objectives![i]);
                }
            }
        );
    }

    /// <summary>How many of the neighbours in <paramref name="set"/> have a lower objective than <paramref name="objective"/>.</summary>
    static int Beaten(NearestSet set, double objective)
    {
        int beaten = 0;
        for (int j = 0; j < set.Count; j++)
            if (set[j].Objective < objective)
                beaten++;
        return beaten;
    }

    /// <summary>
    /// <see cref="Query"/> with the batch's other rows counted as neighbours for novelty (the archive's
    /// k nearest merged with every other row's distance, the k smallest kept). The nearest entry and
    /// local competition still look at the archive alone: only entries can be replaced or beaten.
    /// O(n² k) for a batch of n rows; rows run in parallel with results independent of the thread count.
    /// </summary>
    void QueryWithBatch(
        double[] measures,
        double[] novelty,
        int[] nearest,
        double[] nearestObjective,
        int[]? localCompetition,
        double[] objectives
    )
    {
        int k = MeasureDim,
            n = novelty.Length,
            wanted = Options.Neighbours;
        long cost = (long)wanted * 64 * (33 - int.LeadingZeroCount(Math.Max(1, entries.Count))) + (long)n * (k + wanted);
        Blocks.ForRows(
            n,
            cost,
            (start, end) =>
            {
                var set = new NearestSet(wanted);
                var best = new double[wanted];
                for (int i = start; i < end; i++)
                {
                    var row = measures.AsSpan(i * k, k);
                    int count = 0;
                    if (!IsEmpty)
                    {
                        index.Nearest(row, wanted, set, entries);
                        foreach (double d2 in set.SquaredDistances)
                            best[count++] = d2;
                        nearest[i] = set[0].Cell;
                        nearestObjective[i] = set[0].Objective;
                        if (localCompetition is not null)
                            localCompetition[i] = Beaten(set, objectives[i]);
                    }
                    else
                    {
                        nearest[i] = -1;
                        nearestObjective[i] = double.NegativeInfinity;
                        if (localCompetition is not null)
                            localCompetition[i] = 0;
                    }
                    // Insert each other row's squared distance into the sorted k smallest.
                    for (int j = 0; j < n; j++)
                    {
                        if (j == i)
                            continue;
                        double d2 = 0;
                        var other = measures.AsSpan(j * k, k);
                        for (int m = 0; m < k; m++)
                        {
                            double diff = row[m] - other[m];
                            d2 += diff * diff;
                        }
                        if (count == wanted && d2 >= best[wanted - 1])
                            continue;
                        int at = count < wanted ? count++ : wanted - 1;
                        while (at > 0 && best[at - 1] > d2)
                        {
                            best[at] = best[at - 1];
                            at--;
                        }
                        best[at] = d2;
                    }
                    if (count == 0)
                    {
                        novelty[i] = double.PositiveInfinity;
                        continue;
                    }
                    double sum = 0;
                    for (int j = 0; j < count; j++)
                        sum += Math.Sqrt(best[j]);
                    novelty[i] = sum / count;
                }
            }
        );
    }

    /// <inheritdoc/>
    (IArchive Archive, AddReport Report) IArchive.Add(SolutionBatch solutions, Evaluation evaluation) => Add(solutions, evaluation);

    /// <summary>Adds a batch; see the class remarks for the rule. This archive is unchanged.</summary>
    /// <exception cref="ArgumentException">
    /// Shapes disagree, an objective or measure is NaN or infinite (the message names the row), more than
    /// one objective is given, or local competition is on and the evaluation has no objective.
    /// </exception>
    public (ProximityArchive Archive, AddReport Report) Add(SolutionBatch solutions, Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        ArgumentNullException.ThrowIfNull(evaluation);
        if (evaluation.ObjectiveCount > 1)
            throw new ArgumentException($"Add: a proximity archive takes one objective (or none), got {evaluation.ObjectiveCount}.");
        if (Options.LocalCompetition && evaluation.ObjectiveCount == 0)
            throw new ArgumentException("Add: local competition compares objectives, but the evaluation has none.");
        AddChecks.Batch(solutions, evaluation, SolutionDim, MeasureDim, extraFields);
        int n = solutions.Count;
        var objectives = evaluation.ObjectiveCount == 1 ? evaluation.Objectives : new double[n];

        var novelty = new double[n];
        var nearest = new int[n];
        var nearestObjective = new double[n];
        var measures = evaluation.Measures;
        int[]? localCompetition = Options.LocalCompetition ? new int[n] : null;
        Query(measures, novelty, nearest, nearestObjective, localCompetition, objectives, Options.BatchNovelty);

        var status = new AddStatus[n];
        var cells = new int[n];
        int room = Options.MaxSize > 0 ? Options.MaxSize - entries.Count : int.MaxValue;
        var appendedRows = new List<int>();
        // Local competition: per replaced slot, the winning row (highest objective, earliest among equals).
        var winners = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            cells[i] = nearest[i];
            if (novelty[i] >= Options.NoveltyThreshold && appendedRows.Count < room)
            {
                status[i] = AddStatus.New;
                cells[i] = entries.Count + appendedRows.Count;
                appendedRows.Add(i);
            }
            else if (Options.LocalCompetition && nearest[i] >= 0 && objectives[i] > nearestObjective[i])
            {
                status[i] = AddStatus.Improved;
                if (!winners.TryGetValue(nearest[i], out int w) || objectives[i] > objectives[w])
                    winners[nearest[i]] = i;
            }
        }
        // The value: the novelty without local competition; with it, pyribs' improvement value (the
        // objective of a new entry, the objective minus the nearest entry's otherwise), which CMA-ME's
        // improvement rankers order by. Novelty is reported on its own as well.
        var value = novelty;
        if (Options.LocalCompetition)
        {
            value = new double[n];
            for (int i = 0; i < n; i++)
                value[i] = status[i] == AddStatus.New || nearest[i] < 0 ? objectives[i] : objectives[i] - nearestObjective[i];
        }
        var report = new AddReport(status, value, cells, novelty, localCompetition);
        bool hasObjectives = HasObjectives || evaluation.ObjectiveCount == 1;
        if (appendedRows.Count == 0 && winners.Count == 0)
            return (hasObjectives == HasObjectives ? this : With(hasObjectives), report);

        long next = NextIndex;
        int numElites = Stats.NumElites;
        double sum = Stats.ObjectiveSum,
            comp = Stats.ObjectiveSumCompensation;
        Elite? best = Stats.BestElite;
        var replaced = new List<Elite>(winners.Count);
        var appended = new Elite[appendedRows.Count];
        var added = new List<Elite>(winners.Count + appendedRows.Count);
        int a = 0;
        for (int i = 0; i < n; i++)
        {
            Elite elite;
            if (status[i] == AddStatus.New)
            {
                elite = MakeElite(cells[i], objectives[i], solutions, evaluation, i, next++);
                appended[a++] = elite;
                numElites++;
                (sum, comp) = ArchiveStats.Accumulate(sum, comp, objectives[i]);
            }
            else if (status[i] == AddStatus.Improved && winners[nearest[i]] == i)
            {
                elite = MakeElite(nearest[i], objectives[i], solutions, evaluation, i, next++);
                replaced.Add(elite);
                (sum, comp) = ArchiveStats.Accumulate(sum, comp, objectives[i] - entries[nearest[i]].Objective);
            }
            else
                continue;
            added.Add(elite);
            // Replacement only raises a slot's objective, so the best elite is never lost.
            if (best is null || elite.Objective > best.Objective)
                best = elite;
        }
        var nextEntries = entries.With(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(replaced), appended);
        var nextIndex = index.With(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(added), replaced.Count, nextEntries);
        var stats = new ArchiveStats(Math.Max(1, nextEntries.Count), Options.QdOffset, numElites, sum, comp, best);
        return (new ProximityArchive(SolutionDim, low, high, Options, nextEntries, nextIndex, stats, next, hasObjectives), report);
    }

    ProximityArchive With(bool hasObjectives) => new(SolutionDim, low, high, Options, entries, index, Stats, NextIndex, hasObjectives);

    Elite MakeElite(int slot, double objective, SolutionBatch solutions, Evaluation evaluation, int row, long insertion)
    {
        return new Elite(
            slot,
            objective,
            objective,
            solutions.Row(row).ToArray(),
            evaluation.MeasuresOf(row).ToArray(),
            evaluation.ExtraRow(row, extraFields),
            insertion
        );
    }

    /// <summary>
    /// Rebuilds an archive exactly as it was from its entries in slot order, its next insertion index
    /// and the statistics' compensated sums. Used by checkpoints, so a resumed run continues bit for bit
    /// (queries break distance ties by insertion index, so the rebuilt trees give the same answers).
    /// </summary>
    internal ProximityArchive Restore(IReadOnlyList<Elite> elites, long next, double objSum, double objComp, bool hasObjectives)
    {
        if (!IsEmpty)
            throw new InvalidOperationException("Restore starts from an empty archive.");
        Elite? best = null;
        var all = new Elite[elites.Count];
        for (int i = 0; i < all.Length; i++)
        {
            var e = elites[i];
            if (e.Cell != i || e.Solution.Length != SolutionDim || e.Measures.Length != MeasureDim || e.Extra.Length != extraFields.Length)
                throw new ArgumentException($"Restore: entry {i} does not fit this archive (slot {e.Cell}).");
            all[i] = e;
            if (best is null || e.Objective > best.Objective || (e.Objective == best.Objective && e.Index < best.Index))
                best = e;
        }
        var log = EntryLog.Empty.With([], all);
        var idx = index.With(all, 0, log);
        var stats = new ArchiveStats(Math.Max(1, all.Length), Options.QdOffset, all.Length, objSum, objComp, best);
        return new ProximityArchive(SolutionDim, low, high, Options, log, idx, stats, next, hasObjectives);
    }

    /// <inheritdoc/>
    public Elite[] Sample(Key key, int count)
    {
        if (IsEmpty)
            throw new InvalidOperationException("Cannot sample entries from an empty archive.");
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "Sample count must be 0 or more.");
        var picks = new int[count];
        key.Integers(picks, 0, entries.Count);
        var sample = new Elite[count];
        for (int i = 0; i < count; i++)
            sample[i] = entries[picks[i]];
        return sample;
    }

    /// <inheritdoc/>
    public IEnumerable<Elite> Elites
    {
        get
        {
            for (int i = 0; i < entries.Count; i++)
                yield return entries[i];
        }
    }

    /// <summary>The layout stored with the entries: kind "proximity" with the measure bounds.</summary>
    public ArchiveLayout Layout => new("proximity", (double[])low.Clone(), (double[])high.Clone(), [], []);

    /// <summary>The entries as columns, in slot order; no objective column unless some batch carried one.</summary>
    public EliteTable ToTable()
    {
        int n = entries.Count,
            d = SolutionDim,
            k = MeasureDim,
            m = HasObjectives ? 1 : 0;
        var cells = new int[n];
        var objectives = new double[n * m];
        var measures = new double[n * k];
        var solutions = new double[(long)n * d];
        var extra = new Dictionary<string, double[]>();
        foreach (var name in extraFields)
            extra[name] = new double[n];
        for (int i = 0; i < n; i++)
        {
            var e = entries[i];
            cells[i] = i;
            if (m == 1)
                objectives[i] = e.Objective;
            e.Measures.CopyTo(measures.AsSpan(i * k));
            e.Solution.CopyTo(solutions.AsSpan(i * d));
            for (int j = 0; j < extraFields.Length; j++)
                extra[extraFields[j]][i] = e.Extra[j];
        }
        return new EliteTable(Layout, d, m, cells, objectives, measures, solutions, extra);
    }
}
