namespace QdFunctional

open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Random

/// Archives as values: `add` returns the new archive and leaves the old one valid.
[<RequireQualifiedAccess>]
module Archive =
    /// A grid archive: `resolution` cells per measure over `bounds` (low, high) per measure.
    let grid (solutionDim: int) (resolution: int list) (bounds: (float * float) list) : CellArchive =
        CellArchive.Grid(
            solutionDim,
            List.toArray resolution,
            bounds |> List.map fst |> List.toArray,
            bounds |> List.map snd |> List.toArray
        )

    /// A grid archive with options (QD offset, CMA-MAE learning rate and minimum threshold, extra fields).
    let gridWith (options: ArchiveOptions) (solutionDim: int) (resolution: int list) (bounds: (float * float) list) =
        CellArchive.Grid(
            solutionDim,
            List.toArray resolution,
            bounds |> List.map fst |> List.toArray,
            bounds |> List.map snd |> List.toArray,
            options
        )

    /// A proximity archive for novelty search: a solution enters when the mean distance to its `k`
    /// nearest entries in measure space is at least `threshold`; `bounds` only frame the pictures.
    let proximity (solutionDim: int) (k: int) (threshold: float) (bounds: (float * float) list) =
        ProximityArchive.Create(
            solutionDim,
            bounds |> List.map fst |> List.toArray,
            bounds |> List.map snd |> List.toArray,
            Proximity.ProximityOptions(Neighbours = k, NoveltyThreshold = threshold)
        )

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

    /// Adds an evaluated batch; returns the new archive and the per-solution report.
    let add (solutions: SolutionBatch) (evaluation: Evaluation) (archive: IArchive) =
        let struct (next, report) = archive.Add(solutions, evaluation)
        next, report

    /// Incremental statistics (coverage, QD score, best).
    let stats (archive: IArchive) = archive.Stats

    /// `count` elites drawn uniformly with replacement.
    let sample (key: Key) (count: int) (archive: IArchive) = archive.Sample(key, count)

    /// The elites in cell order.
    let elites (archive: IArchive) = archive.Elites

    /// The elite whose cell holds these measures, if any.
    let tryFind (measures: float[]) (archive: IArchive) =
        archive.EliteAt(archive.CellOf(measures)) |> Option.ofObj
