namespace QdFunctional

open QdFunctional.Core.Archives
open QdFunctional.Core.Archives.Proximity
open QdFunctional.Core.Batches

/// How measure space is cut into cells: a grid, or a centroidal Voronoi tessellation (CVT) whose
/// centroids come from k-means (pyribs' CVTArchive) or are given. Grid, CVT and MOME archives are
/// all made over cells.
[<RequireQualifiedAccess>]
module Cells =
    let private split (bounds: (float * float) list) = bounds |> List.toArray |> Array.unzip

    /// `resolution[j]` cells along measure j over `bounds[j]` = (low, high); cells are numbered
    /// row-major, the last measure fastest.
    let grid (resolution: int list) (bounds: (float * float) list) : Tessellation =
        let low, high = split bounds
        GridTessellation(List.toArray resolution, low, high)

    /// `count` CVT cells: k-means over 100,000 points drawn uniformly within `bounds` from `key`.
    /// `qd run --archive cvt:N` draws them from `KeyPlan.centroids`.
    let cvt (count: int) (bounds: (float * float) list) (key: Key) : Tessellation =
        let low, high = split bounds
        CvtTessellation.FromKMeans(count, low, high, key)

    /// CVT cells at the given centroids (one row of k measures each) within `bounds`.
    let ofCentroids (centroids: float[][]) (bounds: (float * float) list) : Tessellation =
        let low, high = split bounds

        centroids
        |> Array.iteri (fun i c ->
            if isNull c || c.Length <> low.Length then
                invalidArg
                    "centroids"
                    $"Cells.ofCentroids: centroid {i} has {(if isNull c then 0 else c.Length)} measures; the bounds give {low.Length}.")

        CvtTessellation(Array.concat centroids, low, high)

    /// The centroids of CVT cells (one row each), or None for a grid.
    let centroids (cells: Tessellation) : float[][] option =
        match cells with
        | :? CvtTessellation as cvt ->
            let k = cvt.MeasureDim
            let flat = cvt.Centroids.ToArray()
            Some(Array.init cvt.CellCount (fun i -> Array.sub flat (i * k) k))
        | _ -> None

    /// The number of cells.
    let count (cells: Tessellation) = cells.CellCount

    /// The cell of a measure vector.
    let cellOf (measures: float[]) (cells: Tessellation) =
        cells.CellOf(System.ReadOnlySpan<float>(measures))

/// CMA-MAE's two archives over the same cells (Fontaine and Nikolaidis 2023): the search archive
/// anneals each cell's threshold at the learning rate and is what the emitters rank against; the
/// result archive keeps the plain best elite per cell and is what a run reports and saves.
type AnnealingArchives =
    {
        /// The archive the emitters search with (thresholds annealed at the learning rate).
        Search: CellArchive
        /// The plain best-per-cell archive (learning rate 1).
        Result: CellArchive
    }

/// Archives as values: `add` returns the new archive and leaves the old one valid.
[<RequireQualifiedAccess>]
module Archive =
    let private split (bounds: (float * float) list) = bounds |> List.toArray |> Array.unzip

    /// An archive of one elite per cell (MAP-Elites' insertion: a solution enters when its cell is
    /// empty or its objective beats the elite's).
    let ofCells (solutionDim: int) (cells: Tessellation) : CellArchive = CellArchive.Create(solutionDim, cells)

    /// An archive of one elite per cell with options (QD offset, CMA-MAE's learning rate and
    /// minimum threshold, extra fields): `ArchiveOptions(QdOffset = -10.0)`.
    let ofCellsWith (options: ArchiveOptions) (solutionDim: int) (cells: Tessellation) : CellArchive =
        CellArchive.Create(solutionDim, cells, options)

    /// A grid archive: `resolution` cells per measure over `bounds` (low, high) per measure.
    let grid (solutionDim: int) (resolution: int list) (bounds: (float * float) list) : CellArchive =
        ofCells solutionDim (Cells.grid resolution bounds)

    /// A grid archive with options (QD offset, CMA-MAE learning rate and minimum threshold, extra fields).
    let gridWith (options: ArchiveOptions) (solutionDim: int) (resolution: int list) (bounds: (float * float) list) =
        ofCellsWith options solutionDim (Cells.grid resolution bounds)

    /// A CVT archive of `count` cells whose centroids k-means finds from `key` (see `Cells.cvt`).
    let cvt (solutionDim: int) (count: int) (bounds: (float * float) list) (key: Key) : CellArchive =
        ofCells solutionDim (Cells.cvt count bounds key)

    /// Density Descent Search's archive (Lee et al. 2024) over an empty result archive: a reservoir of
    /// at most `bufferSize` measure vectors (drawn with `key`) whose Gaussian kernel density at bandwidth
    /// `bandwidth` each add reports (as −density, lower density first); the elites are `results`'.
    let density (bufferSize: int) (bandwidth: float) (key: Key) (results: IArchive) =
        DensityArchive.Create(results, bufferSize, bandwidth, key)

    /// Discount Model Search's archive (Tjanaka et al. 2026) over an empty grid or CVT result archive: a
    /// discount model (an MLP over the measures, `options`) stands in for CMA-MAE's per-cell thresholds,
    /// annealed at `learningRate` α over `thresholdMin`, its outputs scaled over `objectiveRange`; the
    /// elites are `results`'. The model is fitted to `thresholdMin` at creation.
    let discount
        (learningRate: float)
        (thresholdMin: float)
        (objectiveRange: float * float)
        (options: QdFunctional.Core.Archives.Discount.DiscountModelOptions)
        (key: Key)
        (results: CellArchive)
        =
        DiscountArchive.Create(
            results,
            learningRate,
            thresholdMin,
            fst objectiveRange,
            snd objectiveRange,
            options,
            key
        )

    /// CMA-MAE's archive pair over `cells` with `options`' QD offset and extra fields on both: the
    /// search archive anneals at `options.LearningRate` above `options.ThresholdMin`; the result
    /// archive is plain.
    let annealingWith (options: ArchiveOptions) (solutionDim: int) (cells: Tessellation) : AnnealingArchives =
        if not (options.LearningRate > 0.0 && options.LearningRate < 1.0) then
            invalidArg
                "learningRate"
                $"Archive.annealing: the learning rate must be in (0, 1) (1 is plain MAP-Elites: use Archive.ofCells), got {options.LearningRate}."

        {
            Search = ofCellsWith options solutionDim cells
            Result =
                ofCellsWith
                    (ArchiveOptions(QdOffset = options.QdOffset, ExtraFields = options.ExtraFields))
                    solutionDim
                    cells
        }

    /// CMA-MAE's archive pair over `cells`: a cell's threshold starts at `thresholdMin` and moves
    /// towards each accepted objective f as t ← (1 − α) t + α f (α = `learningRate`; the paper's
    /// 0.01 with a minimum of 0 on objectives in [0, 100]); the result archive keeps the best elites.
    let annealing (learningRate: float) (thresholdMin: float) (solutionDim: int) (cells: Tessellation) =
        annealingWith (ArchiveOptions(LearningRate = learningRate, ThresholdMin = thresholdMin)) solutionDim cells

    /// A MOME archive over `cells` (Pierrot et al. 2022): each cell keeps a Pareto front of at most
    /// `frontLength` solutions; one objective per value of `referencePoint`, the point every
    /// hypervolume is measured from (below the worst objectives that should count).
    let mome (solutionDim: int) (referencePoint: float list) (frontLength: int) (cells: Tessellation) : MomeArchive =
        let reference = List.toArray referencePoint

        MomeArchive.Create(
            solutionDim,
            reference.Length,
            cells,
            reference,
            MomeOptions(ParetoFrontMaxLength = frontLength)
        )

    /// A MOME archive with options (front length, overflow rule, extra fields).
    let momeWith (options: MomeOptions) (solutionDim: int) (referencePoint: float list) (cells: Tessellation) =
        let reference = List.toArray referencePoint
        MomeArchive.Create(solutionDim, reference.Length, cells, reference, options)

    /// A proximity archive for novelty search: a solution enters when the mean distance to its `k`
    /// nearest entries in measure space is at least `threshold`; `bounds` only frame the pictures.
    let proximity (solutionDim: int) (k: int) (threshold: float) (bounds: (float * float) list) =
        let low, high = split bounds
        ProximityArchive.Create(solutionDim, low, high, ProximityOptions(Neighbours = k, NoveltyThreshold = threshold))

    /// Novelty search with local competition (NSLC): as `proximity`, and a solution that is not
    /// novel enough replaces its nearest entry when its objective is higher.
    let nslc (solutionDim: int) (k: int) (threshold: float) (bounds: (float * float) list) =
        let low, high = split bounds

        ProximityArchive.Create(
            solutionDim,
            low,
            high,
            ProximityOptions(Neighbours = k, NoveltyThreshold = threshold, LocalCompetition = true)
        )

    /// A proximity archive with options (k, threshold, local competition, capacity, size limit).
    let proximityWith (options: ProximityOptions) (solutionDim: int) (bounds: (float * float) list) =
        let low, high = split bounds
        ProximityArchive.Create(solutionDim, low, high, options)

    /// A sliding-boundaries archive (Fontaine et al. 2019): `resolution` cells per measure, evenly over
    /// `bounds` at first; every `remapFrequency` solutions the boundaries move to the quantiles of the
    /// `bufferCapacity` most recent solutions' measures and the archive is filled again.
    let slidingBoundaries
        (solutionDim: int)
        (resolution: int list)
        (bounds: (float * float) list)
        (remapFrequency: int)
        (bufferCapacity: int)
        =
        SlidingBoundariesArchive.Create(
            solutionDim,
            List.toArray resolution,
            bounds |> List.map fst |> List.toArray,
            bounds |> List.map snd |> List.toArray,
            SlidingBoundariesOptions(RemapFrequency = remapFrequency, BufferCapacity = bufferCapacity)
        )

    /// Dominated Novelty Search's population (Bahlous-Boldi et al. 2025): at most `capacity` solutions
    /// of `measureDim` measures, those farthest (mean over the `k` nearest) from everything at least as fit.
    let dominatedNovelty (solutionDim: int) (measureDim: int) (capacity: int) (k: int) =
        DominatedNoveltyArchive.Create(solutionDim, measureDim, DnsOptions(Capacity = capacity, Neighbours = k))

    /// A categorical archive: one axis per measure, `Categories [...]` for a measure that takes one of
    /// those values or `Cells n` for a continuous one cut into n cells over its `bounds` (low, high; the
    /// entries of categorical measures are ignored). A measure value that is not a category is refused.
    let categorical (solutionDim: int) (axes: MeasureAxis list) (bounds: (float * float) list) : CellArchive =
        let low, high =
            if bounds.IsEmpty then
                List.replicate axes.Length 0.0, List.replicate axes.Length 1.0
            else
                List.map fst bounds, List.map snd bounds

        CellArchive.Create(
            solutionDim,
            ArchiveSpecs.categoricalTessellation axes (List.toArray low) (List.toArray high)
        )

    /// The CQD score (Kent et al. 2022) of an archive with pyribs' set-up: 5 × 1,000 target points drawn
    /// from `key` in the measure box `bounds`, 5 penalties over [0, 1], objectives normalized over
    /// (objMin, objMax), distances over the box's diagonal. See Core's CqdScore for the formula.
    let cqd (key: Key) (objMin: float, objMax: float) (bounds: (float * float) list) (archive: IArchive) =
        QdFunctional.Core.Metrics.CqdScore
            .Sampled(
                archive,
                key,
                bounds |> List.map fst |> List.toArray,
                bounds |> List.map snd |> List.toArray,
                objMin,
                objMax
            )
            .Mean

    /// The archive a noisy run would keep if each elite were judged on `samples` evaluations (mean):
    /// every elite of a grid, CVT or categorical archive re-evaluated under `key` and inserted into
    /// empty cells (QDax's reevaluation). Its QD score beside the run's says how much was luck.
    let reevaluate (key: Key) (samples: int) (task: ITask) (archive: IArchive) : CellArchive =
        QdFunctional.Core.Metrics.Reevaluation.Corrected(archive, task, key, samples)

    /// Adds an evaluated batch; returns the new archive and the per-solution report.
    let add (solutions: SolutionBatch) (evaluation: Evaluation) (archive: IArchive) =
        let struct (next, report) = archive.Add(solutions, evaluation)
        next, report

    /// Adds solutions given as rows (see `Solutions.ofRows`) with their evaluation.
    let addRows (solutions: float[][]) (evaluation: Evaluation) (archive: IArchive) =
        add (Solutions.ofRows solutions) evaluation archive

    /// Incremental statistics (coverage, QD score, best).
    let stats (archive: IArchive) = archive.Stats

    /// `count` elites drawn uniformly with replacement.
    let sample (key: Key) (count: int) (archive: IArchive) = archive.Sample(key, count)

    /// The elites in cell order (for MOME every front member; for a proximity archive every entry).
    let elites (archive: IArchive) = archive.Elites

    /// The cell of a measure vector (a proximity archive: the nearest entry).
    let cellOf (measures: float[]) (archive: IArchive) =
        archive.CellOf(System.ReadOnlySpan<float>(measures))

    /// The elite of `cell`, if any (for MOME the front's first member).
    let tryElite (cell: int) (archive: IArchive) = archive.EliteAt cell |> Option.ofObj

    /// The elite whose cell holds these measures, if any.
    let tryFind (measures: float[]) (archive: IArchive) =
        tryElite (cellOf measures archive) archive

    /// The threshold a solution must beat to enter `cell`: the cell's annealed threshold in a
    /// CMA-MAE search archive, the elite's objective in a plain one, the minimum threshold (minus
    /// infinity when plain) for an empty cell.
    let threshold (cell: int) (archive: IArchive) =
        match archive.EliteAt cell, archive with
        | null, (:? CellArchive as a) -> a.Options.ThresholdMin
        | null, _ -> System.Double.NegativeInfinity
        | elite, _ -> elite.Threshold

    /// The Pareto front of `cell` in a MOME archive (the elite alone in other archives; empty
    /// when the cell is).
    let front (cell: int) (archive: IArchive) : Elite list =
        match archive with
        | :? MomeArchive as mome -> mome.FrontAt(cell).ToArray() |> Array.toList
        | _ -> tryElite cell archive |> Option.toList

    /// The cells of a grid, CVT or MOME archive (None for a proximity archive, which has none).
    let cells (archive: IArchive) : Tessellation option =
        match archive with
        | :? CellArchive as a -> Some a.Tessellation
        | :? MomeArchive as a -> Some a.Tessellation
        | _ -> None

    /// The CVT centroids of an archive, one row each (None for a grid or proximity archive).
    let centroids (archive: IArchive) =
        cells archive |> Option.bind Cells.centroids

    /// The elites as columns (what `archive.parquet` holds; see `Elites.rows`).
    let table (archive: IArchive) = archive.ToTable()
