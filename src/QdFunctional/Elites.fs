namespace QdFunctional

open System.Collections.Generic
open QdFunctional.Core.Persistence
open QdFunctional.Core.Archives

/// One row of an elite table, for filtering and printing from F#.
type EliteRow =
    {
        /// Cell (or, for a proximity archive, the entry's slot).
        Cell: int
        /// Objectives (m values; empty in a diversity-only table).
        Objectives: float[]
        /// Measures (k values).
        Measures: float[]
        /// The solution (d values).
        Solution: float[]
    }

    /// The first objective, or 0 when there is none.
    member r.Objective = if r.Objectives.Length = 0 then 0.0 else r.Objectives[0]

/// Elite tables (what `archive.parquet` holds) as rows: filter them, take the best, and get a
/// table back that `Plot`, `ParallelCoordinates` and `Results.saveArchive`'s reader understand.
[<RequireQualifiedAccess>]
module Elites =
    /// Row `i` of `table`.
    let row (table: EliteTable) i =
        let m, k, d = table.ObjectiveCount, table.Layout.MeasureDim, table.SolutionDim

        {
            Cell = table.Cells[i]
            Objectives = table.Objectives[i * m .. i * m + m - 1]
            Measures = table.Measures[i * k .. i * k + k - 1]
            Solution = table.Solutions[i * d .. i * d + d - 1]
        }

    /// Every row, in file order.
    let rows (table: EliteTable) = Seq.init table.Count (row table)

    /// The table of the rows for which `keep` holds (same layout, shapes and extra fields).
    let filter (keep: EliteRow -> bool) (table: EliteTable) =
        let kept =
            [|
                for i in 0 .. table.Count - 1 do
                    if keep (row table i) then
                        i
            |]

        let pick (values: float[]) width =
            Array.init (kept.Length * width) (fun e -> values[kept[e / width] * width + e % width])

        let extra = Dictionary<string, float[]>()

        for KeyValue(name, values) in table.Extra do
            extra[name] <- kept |> Array.map (fun i -> values[i])

        EliteTable(
            table.Layout,
            table.SolutionDim,
            table.ObjectiveCount,
            kept |> Array.map (fun i -> table.Cells[i]),
            pick table.Objectives table.ObjectiveCount,
            pick table.Measures table.Layout.MeasureDim,
            pick table.Solutions table.SolutionDim,
            extra
        )

    /// The `n` rows with the highest first objective (earlier rows first among equals).
    let top n (table: EliteTable) =
        rows table
        |> Seq.sortByDescending (fun r -> r.Objective)
        |> Seq.truncate n
        |> Seq.toList
