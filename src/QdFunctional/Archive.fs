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
