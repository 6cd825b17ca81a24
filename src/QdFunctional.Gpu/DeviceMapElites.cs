using ILGPU;
using ILGPU.Runtime;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;
using QdFunctional.Core.Scheduling;
using QdFunctional.Core.Tasks;
using QdFunctional.Numerics;

namespace QdFunctional.Gpu;

/// <summary>The metrics one device iteration sends back: everything else stays on the device.</summary>
/// <param name="Elites">Occupied cells.</param>
/// <param name="ObjectiveSum">Sum of the elites' objectives (over the occupied cells in fill order).</param>
/// <param name="BestObjective">The best elite's objective (−∞ while empty).</param>
public readonly record struct DeviceMetrics(int Elites, double ObjectiveSum, double BestObjective);

/// <summary>A grid archive brought back from the device: occupied cells in the order they were first
/// filled (the order parent sampling indexes), with each cell's elite.</summary>
/// <param name="Cells">Occupied cells, first-filled first.</param>
/// <param name="Objectives">Objective of each listed cell's elite.</param>
/// <param name="Measures">Measures (2 per elite), row-major.</param>
/// <param name="Solutions">Solutions (d per elite), row-major.</param>
public sealed record DeviceArchive(int[] Cells, double[] Objectives, double[] Measures, double[] Solutions);

/// <summary>Whole MAP-Elites iterations on an ILGPU accelerator for the LP tasks and the planar arm:
/// parent sampling, Gaussian or iso-line variation (or the gradient operators of OG-MAP-Elites and
/// OMG-MEGA, with Jacobians computed on the device), evaluation and grid insertion run as kernels over
/// the batch; per iteration only three metrics come back, the archive only on <see cref="Download"/>.</summary>
/// <remarks>
/// It follows the CPU path step for step: the scheduler gives emitter e the key
/// <c>iterationKey.FoldIn(e)</c>, a Gaussian emitter splits it into (parents, noise) and an iso-line
/// emitter into (a, b, noise), row i's noise comes from <c>noise.FoldIn(i)</c>, all emitters ask
/// against the archive as it was before the iteration, and the concatenated batch is inserted with
/// the CPU archive's batch rule (see <c>MapElitesKernels</c>). With the iteration keys of <c>qd run</c> (<c>Run.iterationKey</c>)
///, so the archive equals the CPU run's bit for bit.
/// The gradient operators follow <c>Run.step</c>'s two stages: the iteration key splits into
/// (gradients, branches), the gradients key into (points, probes); emitter e's points come from
/// <c>points.FoldIn(e)</c> split into (parents, noise), are evaluated with Jacobians and inserted into the
/// archive (as the scheduler's TellGradients does), then its branches from <c>branches.FoldIn(e)</c> are
/// evaluated and inserted (see <c>GradientKernels</c>).
/// </remarks>
public sealed class DeviceMapElites : IDisposable
{
    /// <summary>The catalog names of the tasks the device evaluates itself.</summary>
    public static IReadOnlyList<string> Tasks => DeviceTasks.Names;

    readonly Context context;
    readonly Accelerator accelerator;
    readonly int emitters,
        batch,
        dim,
        cellCount;
    readonly MemoryBuffer1D<uint, Stride1D.Dense> keys;
    readonly MemoryBuffer1D<int, Stride1D.Dense> occupied,
        count,
        filled,
        winner,
        cells,
        fresh;
    readonly MemoryBuffer1D<double, Stride1D.Dense> archiveSolutions,
        cellObjectives,
        cellMeasures,
        children,
        objectives,
        measures,
        metrics,
        zigguratTable;
    readonly MemoryBuffer1D<long, Stride1D.Dense> best;
    readonly uint[] hostKeys;
    readonly ITask task;
    readonly int[] resolution;
    readonly double[] hostMetrics = new double[3];
    readonly DeviceOperator op;
    readonly MemoryBuffer1D<double, Stride1D.Dense>? jacobians;
    readonly Action<
        Index1D,
        MapElitesStep,
        ArrayView<uint>,
        ArrayView<int>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>
    >? emitPoints;
    readonly Action<
        Index1D,
        MapElitesStep,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<int>,
        ArrayView<double>
    >? evaluateWithJacobian;
    readonly Action<
        Index1D,
        MapElitesStep,
        ArrayView<uint>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<int>,
        ArrayView<double>
    >? branch;
    MapElitesStep step;

    readonly Action<
        Index1D,
        MapElitesStep,
        ArrayView<uint>,
        ArrayView<int>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<int>,
        ArrayView<double>
    > emit;
    readonly Action<Index1D, ArrayView<int>, ArrayView<long>, ArrayView<int>> reset;
    readonly Action<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<int>, ArrayView<double>, ArrayView<long>> cellMax;
    readonly Action<
        Index1D,
        ArrayView<double>,
        ArrayView<int>,
        ArrayView<int>,
        ArrayView<double>,
        ArrayView<long>,
        ArrayView<int>
    > cellWinner;
    readonly Action<
        Index1D,
        int,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<int>,
        ArrayView<int>,
        ArrayView<int>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<int>
    > insert;
    readonly Action<
        Index1D,
        int,
        ArrayView<int>,
        ArrayView<int>,
        ArrayView<int>,
        ArrayView<int>,
        ArrayView<double>,
        ArrayView<double>
    > append;

    /// <summary>A device run of <paramref name="emitterCount"/> emitters × <paramref name="batchSize"/>
    /// solutions per iteration on task <paramref name="task"/> ("lp-sphere", "lp-rastrigin", "arm") of
    /// dimension <paramref name="dimension"/>, over a res0 × res1 grid spanning the task's measure box.</summary>
    /// <param name="device">"ilgpu-cpu" or "cuda".</param>
    /// <param name="task">The task's catalog name.</param>
    /// <param name="dimension">Solution dimension d.</param>
    /// <param name="resolution">Grid cells along each of the two measures.</param>
    /// <param name="isoLine">Iso-line variation (σ_iso = sigma) instead of Gaussian mutation.</param>
    /// <param name="sigma">σ of the Gaussian (or isotropic) noise.</param>
    /// <param name="lineSigma">σ_line of the iso-line operator.</param>
    /// <param name="emitterCount">Emitters per iteration.</param>
    /// <param name="batchSize">Solutions per emitter.</param>
    /// <exception cref="DeviceUnavailableException">cuda without a GPU or driver.</exception>
    /// <remarks>The Gaussian and iso-line operators; the overload with an operator name also has the
    /// gradient operators.</remarks>
    public DeviceMapElites(
        string device,
        string task,
        int dimension,
        int[] resolution,
        bool isoLine,
        double sigma,
        double lineSigma,
        int emitterCount,
        int batchSize
    )
        : this(
            device,
            task,
            dimension,
            resolution,
            isoLine ? "iso-line" : "gaussian",
            sigma,
            lineSigma,
            0.0,
            false,
            emitterCount,
            batchSize
        ) { }

    /// <summary>A device run of <paramref name="emitterCount"/> emitters × <paramref name="batchSize"/>
    /// solutions per iteration with the variation operator <paramref name="operator"/>, on task
    /// <paramref name="task"/> ("lp-sphere", "lp-rastrigin", "arm") of dimension <paramref name="dimension"/>,
    /// over a res0 × res1 grid spanning the task's measure box.</summary>
    /// <param name="device">"ilgpu-cpu" or "cuda".</param>
    /// <param name="task">The task's catalog name.</param>
    /// <param name="dimension">Solution dimension d.</param>
    /// <param name="resolution">Grid cells along each of the two measures.</param>
    /// <param name="operator">"gaussian" (MAP-Elites), "iso-line" (Iso+LineDD), "og" (OG-MAP-Elites) or
    /// "omg" (OMG-MEGA).</param>
    /// <param name="sigma">σ of the Gaussian noise (σ_iso for iso-line, σ0 on the gradient points).</param>
    /// <param name="lineSigma">σ_line of the iso-line operator.</param>
    /// <param name="sigmaG">σ_g of the gradient operators: OG's step, OMG's coefficient spread.</param>
    /// <param name="normalizeGradients">Gradient operators: divide each gradient by its norm first.</param>
    /// <param name="emitterCount">Emitters per iteration.</param>
    /// <param name="batchSize">Solutions per emitter (per stage for the gradient operators).</param>
    /// <exception cref="ArgumentException">An unknown task or operator, or a bad size or σ.</exception>
    /// <exception cref="DeviceUnavailableException">cuda without a GPU or driver.</exception>
    public DeviceMapElites(
        string device,
        string task,
        int dimension,
        int[] resolution,
        string @operator,
        double sigma,
        double lineSigma,
        double sigmaG,
        bool normalizeGradients,
        int emitterCount,
        int batchSize
    )
    {
        ArgumentNullException.ThrowIfNull(resolution);
        if (resolution.Length != 2 || resolution[0] < 1 || resolution[1] < 1)
            throw new ArgumentException(
                $"device map-elites: the grid needs two positive resolutions, got [{string.Join(", ", resolution)}]"
            );
        if (emitterCount < 1 || batchSize < 1)
            throw new ArgumentException($"device map-elites: emitters ({emitterCount}) and batch ({batchSize}) must be positive");
        op = DeviceOperators.Parse(@operator);
        if (op is DeviceOperator.Og or DeviceOperator.Omg && (!double.IsFinite(sigmaG) || sigmaG < 0))
            throw new ArgumentException($"device map-elites: sigmaG must be finite and >= 0, got {sigmaG}");
        if (!double.IsFinite(sigma) || sigma < 0)
            throw new ArgumentException($"device map-elites: sigma must be finite and >= 0, got {sigma}");
        var (t, described) = DeviceTasks.Describe("device map-elites", task, dimension, resolution);
        step = described with
        {
            Batch = batchSize,
            IsoLine = op == DeviceOperator.IsoLine ? 1 : 0,
            MeasureGradients = op == DeviceOperator.Omg ? 1 : 0,
            Normalize = normalizeGradients ? 1 : 0,
            Sigma = sigma,
            LineSigma = lineSigma,
            SigmaG = sigmaG,
        };
        emitters = emitterCount;
        batch = batchSize;
        dim = dimension;
        cellCount = resolution[0] * resolution[1];
        int rows = emitters * batch;
        bool gradients = op is DeviceOperator.Og or DeviceOperator.Omg;
        if (gradients && 3L * rows * dim > int.MaxValue)
            throw new ArgumentException(
                $"device map-elites: the Jacobians of {rows} rows × 3 × {dim} exceed the {int.MaxValue} values one device array indexes; use a smaller batch"
            );
        (context, accelerator) = Devices.Open(device);
        try
        {
            keys = accelerator.Allocate1D<uint>(6 * emitters);
            occupied = accelerator.Allocate1D<int>(cellCount);
            count = accelerator.Allocate1D<int>(1);
            filled = accelerator.Allocate1D<int>(cellCount);
            winner = accelerator.Allocate1D<int>(cellCount);
            cells = accelerator.Allocate1D<int>(rows);
            fresh = accelerator.Allocate1D<int>(rows);
            archiveSolutions = accelerator.Allocate1D<double>((long)cellCount * dim);
            cellObjectives = accelerator.Allocate1D<double>(cellCount);
            cellMeasures = accelerator.Allocate1D<double>(2 * cellCount);
            children = accelerator.Allocate1D<double>((long)rows * dim);
            objectives = accelerator.Allocate1D<double>(rows);
            measures = accelerator.Allocate1D<double>(2 * rows);
            metrics = accelerator.Allocate1D<double>(3);
            best = accelerator.Allocate1D<long>(cellCount);
            zigguratTable = accelerator.Allocate1D(Ziggurat.Table());
            count.MemSetToZero();
            filled.MemSetToZero();
            if (gradients)
            {
                jacobians = accelerator.Allocate1D<double>(3L * rows * dim);
                emitPoints = accelerator.LoadAutoGroupedStreamKernel<
                    Index1D,
                    MapElitesStep,
                    ArrayView<uint>,
                    ArrayView<int>,
                    ArrayView<double>,
                    ArrayView<double>,
                    ArrayView<double>
                >(GradientKernels.EmitGradientPoints);
                evaluateWithJacobian = accelerator.LoadAutoGroupedStreamKernel<
                    Index1D,
                    MapElitesStep,
                    ArrayView<double>,
                    ArrayView<double>,
                    ArrayView<double>,
                    ArrayView<int>,
                    ArrayView<double>
                >(GradientKernels.EvaluateWithJacobian);
                branch = accelerator.LoadAutoGroupedStreamKernel<
                    Index1D,
                    MapElitesStep,
                    ArrayView<uint>,
                    ArrayView<double>,
                    ArrayView<double>,
                    ArrayView<double>,
                    ArrayView<double>,
                    ArrayView<int>,
                    ArrayView<double>
                >(GradientKernels.BranchAndEvaluate);
            }
            emit = accelerator.LoadAutoGroupedStreamKernel<
                Index1D,
                MapElitesStep,
                ArrayView<uint>,
                ArrayView<int>,
                ArrayView<double>,
                ArrayView<double>,
                ArrayView<double>,
                ArrayView<double>,
                ArrayView<int>,
                ArrayView<double>
            >(MapElitesKernels.EmitAndEvaluate);
            reset = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<long>, ArrayView<int>>(
                MapElitesKernels.ResetCells
            );
            cellMax = accelerator.LoadAutoGroupedStreamKernel<
                Index1D,
                ArrayView<double>,
                ArrayView<int>,
                ArrayView<int>,
                ArrayView<double>,
                ArrayView<long>
            >(MapElitesKernels.CellMax);
            cellWinner = accelerator.LoadAutoGroupedStreamKernel<
                Index1D,
                ArrayView<double>,
                ArrayView<int>,
                ArrayView<int>,
                ArrayView<double>,
                ArrayView<long>,
                ArrayView<int>
            >(MapElitesKernels.CellWinner);
            insert = accelerator.LoadAutoGroupedStreamKernel<
                Index1D,
                int,
                ArrayView<double>,
                ArrayView<double>,
                ArrayView<double>,
                ArrayView<int>,
                ArrayView<int>,
                ArrayView<int>,
                ArrayView<double>,
                ArrayView<double>,
                ArrayView<double>,
                ArrayView<int>
            >(MapElitesKernels.Insert);
            append = accelerator.LoadAutoGroupedStreamKernel<
                Index1D,
                int,
                ArrayView<int>,
                ArrayView<int>,
                ArrayView<int>,
                ArrayView<int>,
                ArrayView<double>,
                ArrayView<double>
            >(MapElitesKernels.Append);
        }
        catch
        {
            jacobians?.Dispose();
            accelerator.Dispose();
            context.Dispose();
            throw;
        }
        hostKeys = new uint[6 * emitters];
        this.task = t;
        this.resolution = [.. resolution];
    }

    /// <summary>Solutions per stage of an iteration (emitters × batch).</summary>
    public int BatchRows => emitters * batch;

    /// <summary>Solutions evaluated (and offered to the archive) per iteration: <see cref="BatchRows"/>, twice
    /// that for the gradient operators (the gradient points, then the branches).</summary>
    public int EvaluationsPerStep => op is DeviceOperator.Og or DeviceOperator.Omg ? 2 * BatchRows : BatchRows;

    /// <summary>The variation operator's name ("gaussian", "iso-line", "og" or "omg").</summary>
    public string Operator => DeviceOperators.Name(op);

    /// <summary>The metrics after the last iteration.</summary>
    public DeviceMetrics Metrics { get; private set; } = new(0, 0.0, double.NegativeInfinity);

    /// <summary>The accelerator's own description (device name).</summary>
    public string DeviceDescription => $"{accelerator.AcceleratorType} {accelerator.Name}";

    /// <summary>One iteration from the iteration's key: ask every emitter, evaluate, insert; returns the metrics.</summary>
    /// <remarks>Host → device: 6 words of key per emitter. Device → host: the three metrics.</remarks>
    public DeviceMetrics Step(IterationKeys iterationKeys)
    {
        if (op is DeviceOperator.Og or DeviceOperator.Omg)
            return GradientStep(iterationKeys);
        for (int e = 0; e < emitters; e++)
        {
            var k = iterationKeys.Key.FoldIn(e);
            Key parents,
                second,
                noise;
            if (step.IsoLine == 1)
                (parents, second, noise) = k.Split3();
            else
            {
                (parents, noise) = k.Split2();
                second = parents;
            }
            PutKeys(e, parents, second, noise);
        }
        keys.View.CopyFromCPU(hostKeys);
        step.Occupied = Metrics.Elites;
        int rows = BatchRows;
        emit(
            rows,
            step,
            keys.View,
            occupied.View,
            archiveSolutions.View,
            children.View,
            objectives.View,
            measures.View,
            cells.View,
            zigguratTable.View
        );
        InsertChildren();
        return ReadMetrics();
    }

    /// <summary>OG-MAP-Elites / OMG-MEGA: the gradient points (evaluated with Jacobians, inserted), then the
    /// branches written over them (evaluated, inserted).</summary>
    DeviceMetrics GradientStep(IterationKeys iterationKeys)
    {
        var (kPoints, kBranches) = (iterationKeys.GradientPoints, iterationKeys.Branches);
        for (int e = 0; e < emitters; e++)
        {
            var (parents, noise) = kPoints.FoldIn(e).Split2();
            PutKeys(e, parents, kBranches.FoldIn(e), noise);
        }
        keys.View.CopyFromCPU(hostKeys);
        step.Occupied = Metrics.Elites;
        int rows = BatchRows;
        emitPoints!(rows, step, keys.View, occupied.View, archiveSolutions.View, children.View, zigguratTable.View);
        evaluateWithJacobian!(rows, step, children.View, objectives.View, measures.View, cells.View, jacobians!.View);
        InsertChildren();
        branch!(rows, step, keys.View, jacobians.View, children.View, objectives.View, measures.View, cells.View, zigguratTable.View);
        InsertChildren();
        return ReadMetrics();
    }

    void PutKeys(int e, Key first, Key second, Key third)
    {
        hostKeys[6 * e] = first.Hi;
        hostKeys[6 * e + 1] = first.Lo;
        hostKeys[6 * e + 2] = second.Hi;
        hostKeys[6 * e + 3] = second.Lo;
        hostKeys[6 * e + 4] = third.Hi;
        hostKeys[6 * e + 5] = third.Lo;
    }

    /// <summary>Inserts the evaluated rows of <c>children</c> into the grid (one winner per cell) and appends
    /// newly filled cells; the metrics are left in the device's metrics buffer.</summary>
    void InsertChildren()
    {
        int rows = BatchRows;
        reset(rows, cells.View, best.View, winner.View);
        cellMax(rows, objectives.View, cells.View, filled.View, cellObjectives.View, best.View);
        cellWinner(rows, objectives.View, cells.View, filled.View, cellObjectives.View, best.View, winner.View);
        insert(
            rows,
            dim,
            children.View,
            objectives.View,
            measures.View,
            cells.View,
            winner.View,
            filled.View,
            cellObjectives.View,
            cellMeasures.View,
            archiveSolutions.View,
            fresh.View
        );
        append(1, rows, fresh.View, cells.View, occupied.View, count.View, cellObjectives.View, metrics.View);
    }

    DeviceMetrics ReadMetrics()
    {
        metrics.View.CopyToCPU(hostMetrics);
        Metrics = new DeviceMetrics((int)hostMetrics[0], hostMetrics[1], hostMetrics[2]);
        return Metrics;
    }

    /// <summary>The archive, copied back from the device (for saving or comparing).</summary>
    public DeviceArchive Download()
    {
        int n = Metrics.Elites;
        var list = occupied.GetAsArray1D()[..n];
        var allObjectives = cellObjectives.GetAsArray1D();
        var allMeasures = cellMeasures.GetAsArray1D();
        var allSolutions = archiveSolutions.GetAsArray1D();
        var objectivesOut = new double[n];
        var measuresOut = new double[2 * n];
        var solutionsOut = new double[(long)n * dim];
        for (int i = 0; i < n; i++)
        {
            int c = list[i];
            objectivesOut[i] = allObjectives[c];
            measuresOut[2 * i] = allMeasures[2 * c];
            measuresOut[2 * i + 1] = allMeasures[2 * c + 1];
            Array.Copy(allSolutions, (long)c * dim, solutionsOut, (long)i * dim, dim);
        }
        return new DeviceArchive(list, objectivesOut, measuresOut, solutionsOut);
    }

    /// <summary>Replaces the device archive by <paramref name="archive"/>: its elites, cells and
    /// occupied-cell order (the order parent sampling indexes), so iterations continue exactly as they
    /// would on the CPU from that archive (an initial population, or a checkpoint being resumed).</summary>
    /// <exception cref="ArgumentException">The archive is not this run's grid (resolution, measure box,
    /// solution dimension) or holds several objectives.</exception>
    public void Load(CellArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        if (
            archive.Tessellation is not GridTessellation grid
            || !grid.Resolution.SequenceEqual(resolution)
            || !grid.Layout.Low.AsSpan().SequenceEqual(task.MeasureLow)
            || !grid.Layout.High.AsSpan().SequenceEqual(task.MeasureHigh)
        )
            throw new ArgumentException(
                $"device map-elites: the archive to load is not the {resolution[0]}x{resolution[1]} grid over {task.Name}'s measure box"
            );
        if (archive.SolutionDim != dim)
            throw new ArgumentException(
                $"device map-elites: the archive holds solutions of dimension {archive.SolutionDim}, the run {dim}"
            );
        var order = archive.OccupiedCells.ToArray();
        int n = order.Length;
        var isFilled = new int[cellCount];
        var allObjectives = new double[cellCount];
        var allMeasures = new double[2 * cellCount];
        var allSolutions = new double[(long)cellCount * dim];
        double sum = 0.0,
            bestObjective = double.NegativeInfinity;
        foreach (int c in order)
        {
            var e = archive.EliteAt(c)!;
            if (e.ObjectiveCount != 1)
                throw new ArgumentException(
                    $"device map-elites: cell {c} holds {e.ObjectiveCount} objectives; the device archive holds one"
                );
            isFilled[c] = 1;
            allObjectives[c] = e.Objective;
            e.Measures.CopyTo(allMeasures.AsSpan(2 * c, 2));
            e.Solution.CopyTo(allSolutions.AsSpan(c * dim, dim));
            // The same left-to-right sum over the occupied list as the Append kernel.
            sum += e.Objective;
            bestObjective = Math.Max(bestObjective, e.Objective);
        }
        var list = new int[cellCount];
        order.CopyTo(list, 0);
        occupied.View.CopyFromCPU(list);
        count.View.CopyFromCPU([n]);
        filled.View.CopyFromCPU(isFilled);
        cellObjectives.View.CopyFromCPU(allObjectives);
        cellMeasures.View.CopyFromCPU(allMeasures);
        archiveSolutions.View.CopyFromCPU(allSolutions);
        Metrics = new DeviceMetrics(n, sum, bestObjective);
    }

    /// <summary>The archive as the Core's <see cref="CellArchive"/> (to save with ArchiveParquet, plot, or
    /// continue on the CPU): the same grid, cells, objectives, measures and solutions, and the same
    /// occupied-cell order.</summary>
    /// <remarks>Built by adding the elites in fill order to an empty grid archive (each goes to its own
    /// cell, so each is new there). The elites' running indexes are therefore 0..n−1, not the CPU run's
    /// (which counts every replaced elite too).</remarks>
    public CellArchive ToCellArchive()
    {
        var a = Download();
        int n = a.Cells.Length;
        var archive = CellArchive.Grid(dim, resolution, task.MeasureLow, task.MeasureHigh);
        if (n == 0)
            return archive;
        var (filled, _) = archive.Add(new SolutionBatch(n, dim, a.Solutions), new Evaluation(n, 1, 2, a.Objectives, a.Measures));
        return filled;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (
            var b in new MemoryBuffer[]
            {
                keys,
                occupied,
                count,
                filled,
                winner,
                cells,
                fresh,
                archiveSolutions,
                cellObjectives,
                cellMeasures,
                children,
                objectives,
                measures,
                metrics,
                best,
                zigguratTable,
            }
        )
            b.Dispose();
        jacobians?.Dispose();
        accelerator.Dispose();
        context.Dispose();
    }
}
