namespace QdFunctional.Core.Archives;

using System.Runtime.InteropServices;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Random;

/// <summary>
/// A grid whose cell boundaries follow the solutions (Fontaine et al. 2019, "Mapping Hearthstone deck
/// spaces through MAP-Elites with sliding boundaries"; pyribs' SlidingBoundariesArchive). Measures that
/// crowd into a small part of their range get more cells there: a buffer keeps the
/// <see cref="SlidingBoundariesOptions.BufferCapacity"/> most recent solutions, and after every
/// <see cref="SlidingBoundariesOptions.RemapFrequency"/> solutions the boundaries of each measure are
/// re-placed at the quantiles of the buffer's measures and the archive is filled again.
/// </summary>
/// <remarks>
/// <para>Remap: with s solutions in the buffer and r cells along measure j, the sorted buffer values
/// v₀ ≤ … ≤ v_{s−1} place boundary c (0 ≤ c &lt; r) at v_⌊c·s/r⌋ and boundary r at v_{s−1}; the lowest and
/// highest boundaries become the range measures are clipped to. When any boundary moved, the archive is
/// emptied and refilled with MAP-Elites' rule (strictly better objective wins; the first among equals
/// stays) from its old elites in cell order, then the buffer from oldest to newest, as pyribs does; so
/// every new cell holds the best of those solutions that fall in it. Unmoved boundaries leave the
/// archive as it is (refilling would give the same elites).</para>
/// <para>Lookup: measure m falls in cell c, the number of boundaries among the lowest r that lie below
/// clip(m + ε, low, high − ε), minus one (at least 0), as pyribs' searchsorted.</para>
/// <para>Batch rule: unlike the other archives, solutions are added one after another in batch order
/// (as in pyribs), since a remap can fall inside a batch; the report's status and value of the solution
/// that triggered a remap are those of its own insertion after the refill. Elites of earlier batches
/// that the refill brings back appear in no report. An elite's <see cref="Elite.Index"/> is its arrival
/// number: every solution offered gets one, added or not. The report's value is the objective minus the
/// cell's elite's (the objective itself for an empty cell), as pyribs.</para>
/// <para>Cost: O(batch × (k log r + buffer)) between remaps (the buffer is copied once per batch); a remap
/// sorts the buffer per measure and refills, O(k s log s + cells + s).</para>
/// </remarks>
public sealed class SlidingBoundariesArchive : IArchive, ICheckpointedArchive
{
    readonly int[] resolution;
    readonly double[] rangeLow;
    readonly double[] rangeHigh;
    readonly double[][] boundaries;
    readonly EliteStore store;
    readonly Elite[] buffer;
    readonly string[] extraFields;

    SlidingBoundariesArchive(
        int solutionDim,
        int[] resolution,
        double[] rangeLow,
        double[] rangeHigh,
        SlidingBoundariesOptions options,
        double[][] boundaries,
        EliteStore store,
        Elite[] buffer,
        long offered,
        ArchiveStats stats
    )
    {
        SolutionDim = solutionDim;
        this.resolution = resolution;
        this.rangeLow = rangeLow;
        this.rangeHigh = rangeHigh;
        Options = options;
        this.boundaries = boundaries;
        this.store = store;
        this.buffer = buffer;
        Offered = offered;
        Stats = stats;
        extraFields = options.ExtraFields ?? [];
    }

    /// <summary>
    /// An empty archive with <paramref name="resolution"/>[j] cells along measure j, whose boundaries start
    /// evenly spaced over [<paramref name="low"/>[j], <paramref name="high"/>[j]] until the first remap.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, a resolution is below 1, a range is empty or not finite, or an option is out of range.</exception>
    public static SlidingBoundariesArchive Create(
        int solutionDim,
        int[] resolution,
        double[] low,
        double[] high,
        SlidingBoundariesOptions? options = null
    )
    {
        // The grid checks the same shapes and bounds, with the same messages.
        var grid = new GridTessellation(resolution, low, high);
        if (solutionDim < 1)
            throw new ArgumentOutOfRangeException(nameof(solutionDim), solutionDim, "Solutions need at least one dimension.");
        options ??= new SlidingBoundariesOptions();
        options.Validate();
        int k = resolution.Length;
        var edges = new double[k][];
        for (int j = 0; j < k; j++)
        {
            edges[j] = new double[resolution[j] + 1];
            for (int c = 0; c <= resolution[j]; c++)
                edges[j][c] = c == resolution[j] ? high[j] : low[j] + (high[j] - low[j]) * c / resolution[j];
        }
        return new SlidingBoundariesArchive(
            solutionDim,
            (int[])resolution.Clone(),
            (double[])low.Clone(),
            (double[])high.Clone(),
            options,
            edges,
            EliteStore.Empty(grid.CellCount),
            [],
            0,
            ArchiveStats.Empty(grid.CellCount, options.QdOffset)
        );
    }

    /// <inheritdoc/>
    public int SolutionDim { get; }

    /// <inheritdoc/>
    public int MeasureDim => resolution.Length;

    /// <inheritdoc/>
    public int CellCount => store.CellCount;

    /// <summary>Remap frequency, buffer capacity, epsilon, offset and extra fields.</summary>
    public SlidingBoundariesOptions Options { get; }

    /// <summary>Names of the extra per-elite fields.</summary>
    public IReadOnlyList<string> ExtraFields => extraFields;

    /// <summary>Cells per measure.</summary>
    public ReadOnlySpan<int> Resolution => resolution;

    /// <summary>Solutions offered to the archive so far (added or not): a remap follows each multiple of the remap frequency.</summary>
    public long Offered { get; }

    /// <summary>
    /// The boundaries of measure <paramref name="j"/>: <c>Resolution[j] + 1</c> non-decreasing values, cell c
    /// spanning [b[c], b[c + 1]) (pyribs' <c>boundaries</c>).
    /// </summary>
    public ReadOnlySpan<double> BoundariesOf(int j) => boundaries[j];

    /// <summary>The buffer's solutions, oldest first, as elites (their cells as they were when they arrived).</summary>
    public IReadOnlyList<Elite> Buffer => buffer;

    /// <inheritdoc/>
    public ArchiveStats Stats { get; }

    /// <inheritdoc/>
    public bool IsEmpty => Stats.NumElites == 0;

    /// <summary>The layout: kind "sliding", the range given at creation (a picture's frame), the resolution and the current boundaries.</summary>
    public ArchiveLayout Layout =>
        new("sliding", (double[])rangeLow.Clone(), (double[])rangeHigh.Clone(), (int[])resolution.Clone(), [])
        {
            Boundaries = boundaries.Select(b => (double[])b.Clone()).ToArray(),
        };

    /// <inheritdoc/>
    public int CellOf(ReadOnlySpan<double> measures)
    {
        AddChecks.Measures(measures, MeasureDim, "CellOf");
        return Locate(measures, boundaries);
    }

    int Locate(ReadOnlySpan<double> measures, double[][] edges)
    {
        int cell = 0;
        double eps = Options.Epsilon;
        for (int j = 0; j < resolution.Length; j++)
        {
            var b = edges[j];
            int r = resolution[j];
            // numpy's clip: the lower bound first, then the upper one (which wins when they cross).
            double x = Math.Min(Math.Max(measures[j] + eps, b[0]), b[r] - eps);
            int lo = 0,
                hi = r;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (b[mid] < x)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            cell = cell * r + Math.Max(0, lo - 1);
        }
        return cell;
    }

    /// <inheritdoc/>
    public Elite? EliteAt(int cell)
    {
        if ((uint)cell >= (uint)CellCount)
            throw new ArgumentOutOfRangeException(nameof(cell), cell, $"The archive has cells 0..{CellCount - 1}.");
        return store[cell];
    }

    /// <inheritdoc/>
    public IEnumerable<Elite> Elites => store.InCellOrder();

    /// <inheritdoc/>
    (IArchive Archive, AddReport Report) IArchive.Add(SolutionBatch solutions, Evaluation evaluation) => Add(solutions, evaluation);

    /// <summary>Adds a batch, one solution after another; see the class remarks. This archive is unchanged.</summary>
    /// <exception cref="ArgumentException">Shapes disagree, more than one objective, or an objective or measure is NaN or infinite (the message names the row).</exception>
    public (SlidingBoundariesArchive Archive, AddReport Report) Add(SolutionBatch solutions, Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        ArgumentNullException.ThrowIfNull(evaluation);
        if (evaluation.ObjectiveCount > 1)
            throw new ArgumentException(
                $"Add: a sliding-boundaries archive takes one objective (or none), got {evaluation.ObjectiveCount}."
            );
        AddChecks.Batch(solutions, evaluation, SolutionDim, MeasureDim, extraFields);
        int n = solutions.Count;
        var objectives = evaluation.ObjectiveCount == 1 ? evaluation.Objectives : new double[n];
        var status = new AddStatus[n];
        var value = new double[n];
        var cells = new int[n];

        var work = new Filling(store, Stats, boundaries);
        var recent = new Queue<Elite>(buffer);
        long offered = Offered;
        for (int i = 0; i < n; i++)
        {
            var measures = evaluation.MeasuresOf(i).ToArray();
            var entry = new Elite(
                Locate(measures, work.Boundaries),
                objectives[i],
                objectives[i],
                solutions.Row(i).ToArray(),
                measures,
                evaluation.ExtraRow(i, extraFields),
                offered
            );
            recent.Enqueue(entry);
            if (recent.Count > Options.BufferCapacity)
                recent.Dequeue();
            offered++;
            if (offered % Options.RemapFrequency == 0 && Remapped(work, recent) is { } moved)
            {
                Refill(work, moved, recent);
                entry = entry.InCell(Locate(entry.Measures, moved));
            }
            (status[i], value[i]) = work.Insert(entry);
            cells[i] = entry.Cell;
        }

        var next = new SlidingBoundariesArchive(
            SolutionDim,
            resolution,
            rangeLow,
            rangeHigh,
            Options,
            work.Boundaries,
            work.Store(),
            recent.ToArray(),
            offered,
            work.Stats(CellCount, Options.QdOffset)
        );
        return (next, new AddReport(status, value, cells));
    }

    /// <summary>The boundaries at the buffer's quantiles, or null when they equal the current ones.</summary>
    double[][]? Remapped(Filling work, Queue<Elite> recent)
    {
        int s = recent.Count,
            k = MeasureDim;
        var edges = new double[k][];
        var values = new double[s];
        bool moved = false;
        for (int j = 0; j < k; j++)
        {
            int i = 0;
            foreach (var e in recent)
                values[i++] = e.Measures[j];
            Array.Sort(values);
            int r = resolution[j];
            edges[j] = new double[r + 1];
            for (int c = 0; c < r; c++)
                edges[j][c] = values[(int)((long)c * s / r)];
            edges[j][r] = values[s - 1];
            moved |= !edges[j].AsSpan().SequenceEqual(work.Boundaries[j]);
        }
        return moved ? edges : null;
    }

    /// <summary>
    /// Empties the archive under the new boundaries and inserts again its elites in cell order, then the
    /// buffer's solutions oldest first, except the newest (the caller inserts it, to report on it).
    /// </summary>
    void Refill(Filling work, double[][] moved, Queue<Elite> recent)
    {
        var elites = work.InCellOrder();
        work.Reset(moved, CellCount);
        foreach (var e in elites)
            work.Insert(e.InCell(Locate(e.Measures, moved)));
        int last = recent.Count - 1,
            i = 0;
        foreach (var e in recent)
            if (i++ < last)
                work.Insert(e.InCell(Locate(e.Measures, moved)));
    }

    /// <summary>An add in progress: the store before it, the cells it wrote, and the running statistics.</summary>
    sealed class Filling(EliteStore start, ArchiveStats stats, double[][] boundaries)
    {
        EliteStore baseStore = start;
        readonly Dictionary<int, Elite> written = [];
        readonly List<int> newCells = [];
        int numElites = stats.NumElites;
        double sum = stats.ObjectiveSum,
            comp = stats.ObjectiveSumCompensation;
        Elite? best = stats.BestElite;
        bool reset;

        public double[][] Boundaries { get; private set; } = boundaries;

        Elite? At(int cell) => written.TryGetValue(cell, out var e) ? e : baseStore[cell];

        /// <summary>MAP-Elites' rule for one solution: status and value (objective minus the cell's elite's, or the objective itself).</summary>
        public (AddStatus, double) Insert(Elite e)
        {
            var current = At(e.Cell);
            double f = e.Objective;
            if (current is not null && !(f > current.Objective))
                return (AddStatus.NotAdded, f - current.Objective);
            if (current is null)
            {
                newCells.Add(e.Cell);
                numElites++;
                (sum, comp) = ArchiveStats.Accumulate(sum, comp, f);
            }
            else
                (sum, comp) = ArchiveStats.Accumulate(sum, comp, f - current.Objective);
            written[e.Cell] = e;
            if (best is null || f > best.Objective)
                best = e;
            return current is null ? (AddStatus.New, f) : (AddStatus.Improved, f - current.Objective);
        }

        /// <summary>The elites as they stand, in cell order.</summary>
        public List<Elite> InCellOrder()
        {
            var all = new List<Elite>(numElites);
            foreach (var e in baseStore.InCellOrder())
                if (!written.ContainsKey(e.Cell))
                    all.Add(e);
            all.AddRange(written.Values);
            all.Sort((a, b) => a.Cell.CompareTo(b.Cell));
            return all;
        }

        public void Reset(double[][] moved, int cellCount)
        {
            baseStore = EliteStore.Empty(cellCount);
            written.Clear();
            newCells.Clear();
            numElites = 0;
            sum = 0;
            comp = 0;
            best = null;
            reset = true;
            Boundaries = moved;
        }

        public EliteStore Store()
        {
            if (written.Count == 0 && !reset)
                return baseStore;
            var updates = new Elite[written.Count];
            written.Values.CopyTo(updates, 0);
            return baseStore.With(updates, CollectionsMarshal.AsSpan(newCells));
        }

        public ArchiveStats Stats(int cellCount, double offset) => new(cellCount, offset, numElites, sum, comp, best);
    }

    /// <inheritdoc/>
    public Elite[] Sample(Key key, int count)
    {
        if (IsEmpty)
            throw new InvalidOperationException("Cannot sample elites from an empty archive.");
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "Sample count must be 0 or more.");
        var picks = new int[count];
        key.Integers(picks, 0, store.Occupied.Count);
        var elites = new Elite[count];
        for (int i = 0; i < count; i++)
            elites[i] = store[store.Occupied[picks[i]]]!;
        return elites;
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
        return new EliteTable(Layout, d, 1, cells, objectives, measures, solutions, extra);
    }

    byte ICheckpointedArchive.CheckpointKind => 3;

    // The range, remap frequency, buffer capacity and epsilon come from the run's configuration.
    void ICheckpointedArchive.WriteCheckpoint(BinaryWriter w)
    {
        w.Write(SolutionDim);
        w.Write(MeasureDim);
        foreach (int r in resolution)
            w.Write(r);
        w.Write(extraFields.Length);
        foreach (var name in extraFields)
            w.Write(name);
        w.Write(Offered);
        foreach (var b in boundaries)
            ArchiveCheckpoint.WriteDoubles(w, b);
        w.Write(Stats.ObjectiveSum);
        w.Write(Stats.ObjectiveSumCompensation);
        w.Write(Stats.BestElite?.Cell ?? -1);
        var occupied = store.Occupied.ToArray();
        w.Write(occupied.Length);
        foreach (int cell in occupied)
            WriteElite(w, store[cell]!);
        w.Write(buffer.Length);
        foreach (var e in buffer)
            WriteElite(w, e);
    }

    static void WriteElite(BinaryWriter w, Elite e)
    {
        w.Write(e.Cell);
        w.Write(e.Objective);
        w.Write(e.Index);
        ArchiveCheckpoint.WriteDoubles(w, e.Solution);
        ArchiveCheckpoint.WriteDoubles(w, e.Measures);
        ArchiveCheckpoint.WriteDoubles(w, e.Extra);
    }

    IArchive ICheckpointedArchive.ReadCheckpoint(BinaryReader r)
    {
        if (!IsEmpty || Offered != 0)
            throw new InvalidOperationException("A checkpoint is read into an empty archive.");
        int d = r.ReadInt32(),
            k = r.ReadInt32();
        if (d != SolutionDim || k != MeasureDim)
            throw new ArgumentException(
                $"the checkpoint's archive has dimension {d} and {k} measures; the run's has {SolutionDim} and {MeasureDim}"
            );
        for (int j = 0; j < k; j++)
            if (r.ReadInt32() != resolution[j])
                throw new ArgumentException("the checkpoint's resolution differs from the run's");
        int extraCount = r.ReadInt32();
        if (extraCount != extraFields.Length)
            throw new ArgumentException("the checkpoint's extra fields differ from the run's");
        for (int j = 0; j < extraCount; j++)
            if (r.ReadString() != extraFields[j])
                throw new ArgumentException("the checkpoint's extra fields differ from the run's");
        long offered = r.ReadInt64();
        var edges = new double[k][];
        for (int j = 0; j < k; j++)
        {
            edges[j] = ArchiveCheckpoint.ReadDoubles(r, resolution[j] + 1);
            for (int c = 1; c < edges[j].Length; c++)
                if (!(edges[j][c] >= edges[j][c - 1]))
                    throw new ArgumentException($"boundaries of measure {j} are not increasing");
        }
        double sum = r.ReadDouble(),
            comp = r.ReadDouble();
        int bestCell = r.ReadInt32();
        int count = r.ReadInt32();
        if (count < 0 || count > CellCount)
            throw new ArgumentException($"the checkpoint claims {count} elites in {CellCount} cells");
        var elites = new Elite[count];
        var cells = new int[count];
        for (int i = 0; i < count; i++)
        {
            elites[i] = ReadElite(r, d, k, extraCount);
            cells[i] = elites[i].Cell;
            if ((uint)cells[i] >= (uint)CellCount)
                throw new ArgumentException($"elite {i} is in cell {cells[i]}, outside the archive");
        }
        int buffered = r.ReadInt32();
        if (buffered < 0 || buffered > Options.BufferCapacity)
            throw new ArgumentException(
                $"the checkpoint's buffer holds {buffered} solutions; the run's holds at most {Options.BufferCapacity}"
            );
        var recent = new Elite[buffered];
        for (int i = 0; i < buffered; i++)
            recent[i] = ReadElite(r, d, k, extraCount);
        var restored = EliteStore.Empty(CellCount).With(elites, cells);
        Elite? best = bestCell < 0 ? null : restored[bestCell] ?? throw new ArgumentException($"the best elite's cell {bestCell} is empty");
        var stats = new ArchiveStats(CellCount, Options.QdOffset, count, sum, comp, best);
        return new SlidingBoundariesArchive(SolutionDim, resolution, rangeLow, rangeHigh, Options, edges, restored, recent, offered, stats);
    }

    static Elite ReadElite(BinaryReader r, int d, int k, int extraCount)
    {
        int cell = r.ReadInt32();
        double objective = r.ReadDouble();
        long index = r.ReadInt64();
        var solution = ArchiveCheckpoint.ReadDoubles(r, d);
        var measures = ArchiveCheckpoint.ReadDoubles(r, k);
        var extra = ArchiveCheckpoint.ReadDoubles(r, extraCount);
        return new Elite(cell, objective, objective, solution, measures, extra, index);
    }
}
