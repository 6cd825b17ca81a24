namespace QdFunctional.Core.Archives;

using QdFunctional.Core.Archives.Density;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Persistence;
using QdFunctional.Core.Random;

/// <summary>
/// Density Descent Search's archive (Lee et al., GECCO 2024; pyribs' DensityArchive): it keeps no
/// elites of its own but a reservoir-sampled buffer of the measures seen, and reports for each added
/// solution the kernel density of its measures under that buffer, so that emitters can descend the
/// density (<see cref="QdFunctional.Core.Emitters.Rankers.DensityRanker"/>). The elites a run reports
/// are its result archive's (a grid in the DDS paper), which this archive holds and forwards every
/// question about elites to, as pyribs' emitters are handed the result archive.
/// </summary>
/// <remarks>
/// Add rule: the density of each row is estimated over the buffer as it was before the batch
/// (<see cref="KernelDensity"/>), the rows are offered to the <see cref="Reservoir"/> in batch order,
/// and the batch is added to the result archive. The report's status and cell are the result
/// archive's (what happened to each solution there); its value is −density, so "higher is better"
/// means "lower density is better". Statistics, samples and elites are the result archive's.
/// </remarks>
public sealed class DensityArchive : IArchive, ICheckpointedArchive
{
    DensityArchive(IArchive results, Reservoir reservoir, double bandwidth)
    {
        Results = results;
        Reservoir = reservoir;
        Bandwidth = bandwidth;
    }

    /// <summary>
    /// An empty density archive with a buffer of <paramref name="bufferSize"/> measure vectors (pyribs' 10,000),
    /// kernel bandwidth <paramref name="bandwidth"/> (25.6 on the LP sphere: 10% of the measure range's half-width),
    /// the reservoir drawing from <paramref name="key"/>, over an empty <paramref name="results"/> archive.
    /// </summary>
    public static DensityArchive Create(IArchive results, int bufferSize, double bandwidth, Key key)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (!results.IsEmpty)
            throw new ArgumentException("density archive: the result archive must start empty", nameof(results));
        if (!(bandwidth > 0) || !double.IsFinite(bandwidth))
            throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "density archive: bandwidth must be finite and > 0");
        return new DensityArchive(results, Reservoir.Create(bufferSize, results.MeasureDim, key.Hi, key.Lo), bandwidth);
    }

    /// <summary>The archive of elites this one reports.</summary>
    public IArchive Results { get; }

    /// <summary>The buffer of measures the density is estimated from.</summary>
    public Reservoir Reservoir { get; }

    /// <summary>h, the kernel bandwidth.</summary>
    public double Bandwidth { get; }

    /// <summary>KDE at each row of <paramref name="measures"/> (row-major) over the current buffer.</summary>
    public double[] DensityAt(ReadOnlySpan<double> measures, int rows)
    {
        var density = new double[rows];
        KernelDensity.Estimate(Reservoir.Rows, Reservoir.Count, MeasureDim, measures, rows, Bandwidth, density);
        return density;
    }

    /// <inheritdoc/>
    public int SolutionDim => Results.SolutionDim;

    /// <inheritdoc/>
    public int MeasureDim => Results.MeasureDim;

    /// <inheritdoc/>
    public int CellCount => Results.CellCount;

    /// <inheritdoc/>
    public ArchiveStats Stats => Results.Stats;

    /// <inheritdoc/>
    public bool IsEmpty => Results.IsEmpty;

    /// <inheritdoc/>
    public int CellOf(ReadOnlySpan<double> measures) => Results.CellOf(measures);

    /// <inheritdoc/>
    public Elite? EliteAt(int cell) => Results.EliteAt(cell);

    /// <inheritdoc/>
    public (IArchive Archive, AddReport Report) Add(SolutionBatch solutions, Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        ArgumentNullException.ThrowIfNull(evaluation);
        var (results, added) = Results.Add(solutions, evaluation);
        int n = solutions.Count;
        var density = DensityAt(evaluation.Measures, n);
        var value = new double[n];
        for (int i = 0; i < n; i++)
            value[i] = -density[i];
        var reservoir = Reservoir.Offer(evaluation.Measures, n);
        return (new DensityArchive(results, reservoir, Bandwidth), new AddReport(added.Status, value, added.Cells));
    }

    /// <inheritdoc/>
    public Elite[] Sample(Key key, int count) => Results.Sample(key, count);

    /// <inheritdoc/>
    public IEnumerable<Elite> Elites => Results.Elites;

    /// <inheritdoc/>
    public EliteTable ToTable() => Results.ToTable();

    byte ICheckpointedArchive.CheckpointKind => 5;

    // The bandwidth, capacity and key come from the run's configuration and are checked on reading.
    void ICheckpointedArchive.WriteCheckpoint(BinaryWriter w)
    {
        var r = Reservoir;
        w.Write(r.Capacity);
        w.Write(r.Dim);
        w.Write(r.K0);
        w.Write(r.K1);
        w.Write(r.Seen);
        w.Write(r.W);
        w.Write(r.NextReplacement);
        w.Write(r.Draws);
        w.Write(r.Count);
        ArchiveCheckpoint.WriteDoubles(w, r.Rows);
        ArchiveCheckpoint.WriteNested(w, Results);
    }

    IArchive ICheckpointedArchive.ReadCheckpoint(BinaryReader r)
    {
        int capacity = r.ReadInt32(),
            dim = r.ReadInt32();
        uint k0 = r.ReadUInt32(),
            k1 = r.ReadUInt32();
        if (capacity != Reservoir.Capacity || dim != Reservoir.Dim || k0 != Reservoir.K0 || k1 != Reservoir.K1)
            throw new ArgumentException(
                $"density archive: saved buffer of {capacity} × {dim} with key ({k0:x8}, {k1:x8}); the run's is {Reservoir.Capacity} × {Reservoir.Dim} with ({Reservoir.K0:x8}, {Reservoir.K1:x8})"
            );
        long seen = r.ReadInt64();
        double w = r.ReadDouble();
        long next = r.ReadInt64();
        ulong draws = r.ReadUInt64();
        int count = r.ReadInt32();
        if (count < 0 || count > capacity)
            throw new ArgumentException($"density archive: saved buffer holds {count} rows, more than its capacity {capacity}");
        var rows = ArchiveCheckpoint.ReadDoubles(r, count * dim);
        var reservoir = Reservoir.Restore(capacity, dim, k0, k1, rows, seen, w, next, draws);
        return new DensityArchive(ArchiveCheckpoint.ReadNested(r, Results), reservoir, Bandwidth);
    }
}
