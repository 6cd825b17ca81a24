namespace QdFunctional.Core.Archives;

using QdFunctional.Core.Archives.Discount;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Checkpoints;
using QdFunctional.Core.Persistence;
using QdFunctional.Core.Random;
using QdFunctional.Diff.Models;

/// <summary>
/// Discount Model Search's archive (Tjanaka et al., ICLR 2026; pyribs' DiscountArchive): CMA-MAE with the
/// per-cell thresholds replaced by a learned discount model f(measures), so the measure space may have
/// many dimensions. It keeps no elites of its own; its result archive (a grid or CVT) holds them, and it
/// forwards every question about elites there, as pyribs hands its emitters the result archive.
/// </summary>
/// <remarks>
/// Add rule, per batch: (1) each solution's discount d = f(measures) from the model as it was before the
/// batch; its improvement value is objective − d and its status new-cell when objective &gt; d, else not
/// added (pyribs' statuses); the cell is the result archive's; (2) the batch enters the result archive;
/// (3) one training round (<see cref="DiscountModel.Train"/>) on the batch's measures with targets
/// (1 − α)·d + α·objective where objective &gt; d and d elsewhere (the CMA-MAE threshold update, the paper's
/// equation 1), plus up to <see cref="DiscountModelOptions.EmptyPoints"/> centres of cells empty in the
/// result archive after the batch, drawn without replacement, with target <see cref="ThresholdMin"/>.
/// Training inside Add is equivalent to pyribs' training after the scheduler's tell: the emitters never
/// see the model in between. Randomness (empty cells, minibatch order) comes from the archive's key
/// folded with the number of batches added (folded with 2³² − 1: the initial weights and first round), so an add is a pure function and a checkpoint of the network,
/// Adam's moments and that count resumes bit for bit. Creation fits <see cref="DiscountModelOptions.InitialPoints"/>
/// empty centres to <see cref="ThresholdMin"/>, pyribs' init_discount_model.
/// </remarks>
public sealed class DiscountArchive : IArchive, ICheckpointedArchive
{
    DiscountArchive(
        CellArchive results,
        DiscountModel model,
        double learningRate,
        double thresholdMin,
        Key key,
        long batches,
        double[] lastLosses
    )
    {
        Results = results;
        Model = model;
        LearningRate = learningRate;
        ThresholdMin = thresholdMin;
        Key = key;
        Batches = batches;
        LastLosses = lastLosses;
    }

    /// <summary>
    /// An empty discount archive over an empty grid or CVT <paramref name="results"/> archive: the model
    /// (weights from <paramref name="key"/>) is fitted to <paramref name="thresholdMin"/> at
    /// <see cref="DiscountModelOptions.InitialPoints"/> cell centres. α = <paramref name="learningRate"/>
    /// (paper: 0.1); discounts are scaled over [discountLow, discountHigh] (the objective range).
    /// </summary>
    public static DiscountArchive Create(
        CellArchive results,
        double learningRate,
        double thresholdMin,
        double discountLow,
        double discountHigh,
        DiscountModelOptions options,
        Key key
    )
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        if (!results.IsEmpty)
            throw new ArgumentException("discount archive: the result archive must start empty", nameof(results));
        if (!(learningRate >= 0 && learningRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "discount archive: α must be in [0, 1]");
        if (!double.IsFinite(thresholdMin))
            throw new ArgumentOutOfRangeException(
                nameof(thresholdMin),
                thresholdMin,
                "discount archive: the minimum threshold must be finite"
            );
        if (results.Tessellation is not (GridTessellation or CvtTessellation))
            throw new ArgumentException("discount archive: the result archive must be a grid or CVT archive", nameof(results));
        var layout = results.Tessellation.Layout;
        var (kModel, kInit) = key.FoldIn(uint.MaxValue).Split2();
        var model = DiscountModel.Create(layout.Low, layout.High, discountLow, discountHigh, options, kModel);
        var (kCells, kTrain) = kInit.Split2();
        var centres = EmptyCentres(results, options.InitialPoints, kCells, out int n);
        var (trained, losses) = model.Train(centres, Filled(n, thresholdMin), n, kTrain);
        return new DiscountArchive(results, trained, learningRate, thresholdMin, key, 0, losses);
    }

    /// <summary>The archive of elites this one reports.</summary>
    public CellArchive Results { get; }

    /// <summary>The discount model after the last batch.</summary>
    public DiscountModel Model { get; }

    /// <summary>α: how far a solution above its discount pulls the discount towards its objective.</summary>
    public double LearningRate { get; }

    /// <summary>The discount of unexplored measure space (the empty cells' target).</summary>
    public double ThresholdMin { get; }

    /// <summary>The key every batch's randomness derives from (folded with the batch count).</summary>
    public Key Key { get; }

    /// <summary>Batches added so far.</summary>
    public long Batches { get; }

    /// <summary>The epoch losses of the last training round (for logs and tests).</summary>
    public double[] LastLosses { get; }

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
        if (evaluation.ObjectiveCount != 1)
            throw new ArgumentException($"discount archive: needs one objective per solution, got {evaluation.ObjectiveCount}");
        int n = solutions.Count,
            k = MeasureDim;
        var discount = Model.Predict(evaluation.Measures, n);
        var objectives = evaluation.Objectives;
        var status = new AddStatus[n];
        var value = new double[n];
        var targets = new double[n];
        for (int i = 0; i < n; i++)
        {
            double d = discount[i],
                f = objectives[i];
            bool above = f > d;
            status[i] = above ? AddStatus.New : AddStatus.NotAdded;
            value[i] = f - d;
            targets[i] = above ? (1 - LearningRate) * d + LearningRate * f : d;
        }
        var (results, added) = Results.Add(solutions, evaluation);
        var (kCells, kTrain) = Key.FoldIn((uint)Batches).Split2();
        var centres = EmptyCentres(results, Model.Options.EmptyPoints, kCells, out int empty);
        var measures = new double[(long)(n + empty) * k];
        evaluation.Measures.CopyTo(measures);
        centres.AsSpan(0, empty * k).CopyTo(measures.AsSpan(n * k));
        var allTargets = new double[n + empty];
        targets.CopyTo(allTargets, 0);
        Array.Fill(allTargets, ThresholdMin, n, empty);
        var (model, losses) = Model.Train(measures, allTargets, n + empty, kTrain);
        return (
            new DiscountArchive(results, model, LearningRate, ThresholdMin, Key, Batches + 1, losses),
            new AddReport(status, value, added.Cells)
        );
    }

    /// <summary>Up to <paramref name="count"/> centres of cells empty in <paramref name="archive"/>, drawn
    /// uniformly without replacement (a grid cell's centre, a CVT cell's centroid), row-major.</summary>
    internal static double[] EmptyCentres(CellArchive archive, int count, Key key, out int drawn)
    {
        int cells = archive.CellCount,
            k = archive.MeasureDim;
        var empty = new List<int>(cells - archive.Stats.NumElites);
        for (int c = 0; c < cells; c++)
            if (archive.EliteAt(c) is null)
                empty.Add(c);
        drawn = Math.Min(count, empty.Count);
        var picks = new int[drawn];
        key.Choice(empty.Count, picks);
        var centres = new double[(long)drawn * k];
        var layout = archive.Tessellation.Layout;
        for (int i = 0; i < drawn; i++)
        {
            int cell = empty[picks[i]];
            var row = centres.AsSpan(i * k, k);
            switch (archive.Tessellation)
            {
                case GridTessellation grid:
                    var coords = grid.Coordinates(cell);
                    for (int j = 0; j < k; j++)
                        row[j] = layout.Low[j] + (coords[j] + 0.5) / grid.Resolution[j] * (layout.High[j] - layout.Low[j]);
                    break;
                case CvtTessellation cvt:
                    cvt.Centroids.Slice(cell * k, k).CopyTo(row);
                    break;
            }
        }
        return centres;
    }

    static double[] Filled(int n, double value)
    {
        var a = new double[n];
        Array.Fill(a, value);
        return a;
    }

    /// <inheritdoc/>
    public Elite[] Sample(Key key, int count) => Results.Sample(key, count);

    /// <inheritdoc/>
    public IEnumerable<Elite> Elites => Results.Elites;

    /// <inheritdoc/>
    public EliteTable ToTable() => Results.ToTable();

    byte ICheckpointedArchive.CheckpointKind => 6;

    // α, the minimum threshold, the options and the scalings come from the run's configuration.
    void ICheckpointedArchive.WriteCheckpoint(BinaryWriter w)
    {
        w.Write(Key.Hi);
        w.Write(Key.Lo);
        w.Write(Batches);
        ArchiveCheckpoint.WriteDoubles(w, Model.Network.Parameters);
        ArchiveCheckpoint.WriteDoubles(w, Model.Optimizer.FirstMoment);
        ArchiveCheckpoint.WriteDoubles(w, Model.Optimizer.SecondMoment);
        w.Write(Model.Optimizer.Steps);
        ArchiveCheckpoint.WriteNested(w, Results);
    }

    IArchive ICheckpointedArchive.ReadCheckpoint(BinaryReader r)
    {
        var key = new Key(r.ReadUInt32(), r.ReadUInt32());
        if (key != Key)
            throw new ArgumentException($"discount archive: saved with key {key}, the run's is {Key}");
        long batches = r.ReadInt64();
        int count = Model.Network.ParameterCount;
        var parameters = ArchiveCheckpoint.ReadDoubles(r, count);
        var m = ArchiveCheckpoint.ReadDoubles(r, count);
        var v = ArchiveCheckpoint.ReadDoubles(r, count);
        int steps = r.ReadInt32();
        var o = Model.Optimizer;
        var model = Model.With(
            Mlp.FromParameters(Model.Network.Layers, parameters),
            Adam.Restore(o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, m, v, steps)
        );
        var results =
            ArchiveCheckpoint.ReadNested(r, Results) as CellArchive
            ?? throw new ArgumentException("discount archive: the saved result archive is not a cell archive");
        return new DiscountArchive(results, model, LearningRate, ThresholdMin, Key, batches, []);
    }
}
