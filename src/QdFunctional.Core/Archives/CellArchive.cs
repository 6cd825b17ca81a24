namespace QdFunctional.Core.Archives;

using System.Buffers;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Persistence;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

/// <summary>
/// An archive of one elite per cell over a tessellation of measure space: MAP-Elites' grid
/// (<see cref="Grid"/>) or CVT-MAP-Elites' centroids (<see cref="Cvt"/>). Immutable: Add
/// returns a new archive that shares every untouched chunk of cells with this one.
/// </summary>
/// <remarks>
/// The add rule (pyribs' batch semantics): each solution is compared with its cell's threshold
/// as it was before the batch; a solution that beats it is New (empty cell) or Improved; among a
/// batch's solutions for one cell the highest objective wins (the earliest row among equals).
/// </remarks>
public sealed class CellArchive : IArchive
{
    readonly EliteStore store;
    readonly string[] extraFields;
    readonly long nextIndex;

    CellArchive(int solutionDim, ITessellation tessellation, ArchiveOptions options, EliteStore store, ArchiveStats stats, long nextIndex)
    {
        SolutionDim = solutionDim;
        Tessellation = tessellation;
        Options = options;
        this.store = store;
        Stats = stats;
        this.nextIndex = nextIndex;
        extraFields = options.ExtraFields ?? [];
    }

    /// <summary>An empty archive over any tessellation.</summary>
    public static CellArchive Create(int solutionDim, ITessellation tessellation, ArchiveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tessellation);
        if (solutionDim < 1)
            throw new ArgumentOutOfRangeException(nameof(solutionDim), solutionDim, "Solutions need at least one dimension.");
        options ??= ArchiveOptions.Default;
        options.Validate();
        return new CellArchive(
            solutionDim,
            tessellation,
            options,
            EliteStore.Empty(tessellation.CellCount),
            ArchiveStats.Empty(tessellation.CellCount, options.QdOffset),
            0
        );
    }

    /// <summary>An empty grid archive (GridArchive in pyribs) with the given cells per measure and bounds.</summary>
    public static CellArchive Grid(int solutionDim, int[] resolution, double[] low, double[] high, ArchiveOptions? options = null) =>
        Create(solutionDim, new GridTessellation(resolution, low, high), options);

    /// <summary>An empty CVT archive (CVTArchive in pyribs) over the given centroids.</summary>
    public static CellArchive Cvt(int solutionDim, CvtTessellation tessellation, ArchiveOptions? options = null) =>
        Create(solutionDim, tessellation, options);

    /// <inheritdoc/>
    public int SolutionDim { get; }

    /// <summary>How measures map to cells.</summary>
    public ITessellation Tessellation { get; }

    /// <summary>Offset, learning rate, minimum threshold and extra fields.</summary>
    public ArchiveOptions Options { get; }

    /// <summary>Names of the extra per-elite fields.</summary>
    public IReadOnlyList<string> ExtraFields => extraFields;

    /// <inheritdoc/>
    public int MeasureDim => Tessellation.MeasureDim;

    /// <inheritdoc/>
    public int CellCount => Tessellation.CellCount;

    /// <inheritdoc/>
    public ArchiveStats Stats { get; }

    /// <inheritdoc/>
    public bool IsEmpty => Stats.NumElites == 0;

    /// <inheritdoc/>
    public int CellOf(ReadOnlySpan<double> measures)
    {
        AddChecks.Measures(measures, MeasureDim, "CellOf");
        return Tessellation.CellOf(measures);
    }

    /// <inheritdoc/>
    public Elite? EliteAt(int cell)
    {
        if ((uint)cell >= (uint)CellCount)
            throw new ArgumentOutOfRangeException(nameof(cell), cell, $"The archive has cells 0..{CellCount - 1}.");
        return store[cell];
    }

    /// <summary>Occupied cells in the order they were first filled (what sampling indexes into); a copy.</summary>
    public ReadOnlySpan<int> OccupiedCells => store.Occupied.ToArray();

    /// <inheritdoc/>
    public IEnumerable<Elite> Elites => store.InCellOrder();

    /// <inheritdoc/>
    (IArchive Archive, AddReport Report) IArchive.Add(SolutionBatch solutions, Evaluation evaluation) => Add(solutions, evaluation);

    /// <summary>Adds a batch; see the class remarks for the rule. This archive is unchanged.</summary>
    /// <exception cref="ArgumentException">Shapes disagree, or an objective or measure is NaN or infinite (the message names the row).</exception>
    public (CellArchive Archive, AddReport Report) Add(SolutionBatch solutions, Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        ArgumentNullException.ThrowIfNull(evaluation);
        Validate(solutions, evaluation);
        int n = solutions.Count,
            k = MeasureDim;
        bool hasObjective = evaluation.ObjectiveCount == 1;
        var objectives = hasObjective ? evaluation.Objectives : new double[n];

        var cells = new int[n];
        Tessellation.CellsOf(evaluation.Measures, cells);
        var status = new AddStatus[n];
        var value = new double[n];
        double tMin = Options.ThresholdMin;
        double valueBase = double.IsNegativeInfinity(tMin) ? 0.0 : tMin;

        // Per cell: the winning row, how many rows beat the threshold, and their objective sum.
        var winners = BatchWinners.Rent(n);
        for (int i = 0; i < n; i++)
        {
            var current = store[cells[i]];
            double f = objectives[i];
            double threshold = current?.Threshold ?? tMin;
            value[i] = f - (current is null ? valueBase : threshold);
            if (!(f > threshold))
                continue;
            status[i] = current is null ? AddStatus.New : AddStatus.Improved;
            winners.Offer(cells[i], i, f, objectives);
        }

        if (winners.Count == 0)
        {
            winners.Return();
            return (this, new AddReport(status, value, cells));
        }

        var updates = ArrayPool<Elite>.Shared.Rent(winners.Count);
        var newCells = ArrayPool<int>.Shared.Rent(winners.Count);
        int fresh = 0;
        int numElites = Stats.NumElites;
        double sum = Stats.ObjectiveSum,
            comp = Stats.ObjectiveSumCompensation;
        Elite? best = Stats.BestElite;
        bool bestLost = false;
        long index = nextIndex;
        int u = 0;
        double lr = Options.LearningRate;
        for (int i = 0; i < n; i++)
        {
            if (status[i] == AddStatus.NotAdded)
                continue;
            var (row, count, fsum) = winners[cells[i]];
            if (row != i)
                continue;
            var current = store[cells[i]];
            double f = objectives[i];
            double threshold = lr == 1.0 ? f : AnnealedThreshold(current?.Threshold ?? tMin, lr, count, fsum / count);
            var elite = new Elite(
                cells[i],
                f,
                threshold,
                solutions.Row(i).ToArray(),
                evaluation.MeasuresOf(i).ToArray(),
                evaluation.ExtraRow(i, extraFields),
                index++
            );
            updates[u++] = elite;
            if (current is null)
            {
                numElites++;
                newCells[fresh++] = cells[i];
                (sum, comp) = ArchiveStats.Accumulate(sum, comp, f);
            }
            else
            {
                (sum, comp) = ArchiveStats.Accumulate(sum, comp, f - current.Objective);
                if (ReferenceEquals(current, best) && f < current.Objective)
                    bestLost = true;
            }
            if (best is null || f > best.Objective)
            {
                best = elite;
                bestLost = false;
            }
        }
        winners.Return();

        var nextStore = store.With(updates.AsSpan(0, u), newCells.AsSpan(0, fresh));
        ArrayPool<Elite>.Shared.Return(updates, clearArray: true);
        ArrayPool<int>.Shared.Return(newCells);
        // Only CMA-MAE can replace the best elite by a worse one; then the best is found again.
        if (bestLost)
            best = BestOf(nextStore);
        var stats = new ArchiveStats(CellCount, Options.QdOffset, numElites, sum, comp, best);
        return (new CellArchive(SolutionDim, Tessellation, Options, nextStore, stats, index), new AddReport(status, value, cells));
    }

    /// <summary>CMA-MAE's batch threshold update for c accepted solutions with mean objective m.</summary>
    static double AnnealedThreshold(double threshold, double lr, int c, double mean)
    {
        double keep = PortableMath.Pow(1.0 - lr, c);
        return keep * threshold + (1.0 - keep) * mean;
    }

    static Elite? BestOf(EliteStore s)
    {
        Elite? best = null;
        foreach (var e in s.InCellOrder())
            if (best is null || e.Objective > best.Objective || (e.Objective == best.Objective && e.Index < best.Index))
                best = e;
        return best;
    }

    void Validate(SolutionBatch solutions, Evaluation evaluation)
    {
        if (evaluation.ObjectiveCount > 1)
            throw new ArgumentException(
                $"Add: a cell archive takes one objective (or none), got {evaluation.ObjectiveCount}; use a multi-objective archive."
            );
        AddChecks.Batch(solutions, evaluation, SolutionDim, MeasureDim, extraFields);
    }

    /// <summary>The number the next inserted elite gets as its <see cref="Elite.Index"/>.</summary>
    public long NextIndex => nextIndex;

    /// <summary>
    /// Rebuilds an archive exactly as it was: <paramref name="elites"/> in the order their cells were
    /// first occupied, with their thresholds, insertion indices and the statistics' compensated sums.
    /// Used by checkpoints, so a resumed run continues bit for bit.
    /// </summary>
    internal CellArchive Restore(IReadOnlyList<Elite> elites, long next, double objSum, double objComp)
    {
        if (!IsEmpty)
            throw new InvalidOperationException("Restore starts from an empty archive.");
        var cells = new int[elites.Count];
        Elite? best = null;
        for (int i = 0; i < elites.Count; i++)
        {
            var e = elites[i];
            if (
                (uint)e.Cell >= (uint)CellCount
                || e.Solution.Length != SolutionDim
                || e.Measures.Length != MeasureDim
                || e.Extra.Length != extraFields.Length
            )
                throw new ArgumentException($"Restore: elite {i} does not fit this archive (cell {e.Cell}).");
            cells[i] = e.Cell;
            if (best is null || e.Objective > best.Objective || (e.Objective == best.Objective && e.Index < best.Index))
                best = e;
        }
        var restored = store.With(elites.ToArray(), cells);
        var stats = new ArchiveStats(CellCount, Options.QdOffset, elites.Count, objSum, objComp, best);
        return new CellArchive(SolutionDim, Tessellation, Options, restored, stats, next);
    }

    /// <inheritdoc/>
    public Elite[] Sample(Key key, int count)
    {
        if (IsEmpty)
            throw new InvalidOperationException("Cannot sample elites from an empty archive.");
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "Sample count must be 0 or more.");
        var elites = new Elite[count];
        SampleInto(key, elites);
        return elites;
    }

    /// <inheritdoc/>
    public void SampleInto(Key key, Span<Elite> destination)
    {
        if (IsEmpty)
            throw new InvalidOperationException("Cannot sample elites from an empty archive.");
        int count = destination.Length;
        var rented = count > 256 ? ArrayPool<int>.Shared.Rent(count) : null;
        Span<int> picks = rented is null ? stackalloc int[count] : rented.AsSpan(0, count);
        key.Integers(picks, 0, store.Occupied.Count);
        for (int i = 0; i < count; i++)
            destination[i] = store[store.Occupied[picks[i]]]!;
        if (rented is not null)
            ArrayPool<int>.Shared.Return(rented);
    }

    /// <inheritdoc/>
    public EliteTable ToTable()
    {
        int n = Stats.NumElites,
            d = SolutionDim,
            k = MeasureDim;
        var cells = new int[n];
        var objectives = new double[n];
        var measures = new double[n * k];
        var solutions = new double[(long)n * d];
        var extra = new Dictionary<string, double[]>();
        foreach (var name in extraFields)
            extra[name] = new double[n];
        int i = 0;
        foreach (var e in store.InCellOrder())
        {
            cells[i] = e.Cell;
            objectives[i] = e.Objective;
            e.Measures.CopyTo(measures.AsSpan(i * k));
            e.Solution.CopyTo(solutions.AsSpan(i * d));
            for (int j = 0; j < extraFields.Length; j++)
                extra[extraFields[j]][i] = e.Extra[j];
            i++;
        }
        return new EliteTable(Tessellation.Layout, d, 1, cells, objectives, measures, solutions, extra);
    }
}
