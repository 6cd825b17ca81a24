namespace QdFunctional

open System
open System.Globalization
open System.IO
open QdFunctional.Core.Persistence
open QdFunctional.Core.Archives

/// The column layouts `qd export` writes.
type ExportLayout =
    /// Ours: cell, objective (objective_0.. with several), measure_0.., solution_0.., extra fields.
    | Ours
    /// pyribs' ArchiveDataFrame (`archive.data(return_type="pandas")`): solution_0.., objective,
    /// measures_0.., threshold, index, so pyribs' own analysis code runs on `pandas.read_csv`.
    | Pyribs

/// An archive table as CSV, in our column layout or pyribs'.
[<RequireQualifiedAccess>]
module Export =
    let private number (x: float) =
        if Double.IsNaN x then
            "NaN"
        else
            x.ToString("R", CultureInfo.InvariantCulture)

    /// The header and rows of `table` in `layout`.
    let rows (layout: ExportLayout) (table: EliteTable) : string list * string list seq =
        let d, m = table.SolutionDim, table.ObjectiveCount
        let k = table.Layout.Low.Length
        let extra = table.Extra |> Seq.map (fun kv -> kv.Key, kv.Value) |> Seq.toList

        let solution i =
            [ for j in 0 .. d - 1 -> number table.Solutions[i * d + j] ]

        let measures i =
            [ for j in 0 .. k - 1 -> number table.Measures[i * k + j] ]

        match layout with
        | Pyribs ->
            if m <> 1 then
                invalidArg
                    "layout"
                    $"pyribs' archives hold exactly one objective; this archive has {m}: export it with --layout ours."

            // A plain archive's threshold is its elite's objective (pyribs' learning rate 1), and
            // the run's result archive is always plain.
            let header =
                [ for j in 0 .. d - 1 -> $"solution_{j}" ]
                @ [ "objective" ]
                @ [ for j in 0 .. k - 1 -> $"measures_{j}" ]
                @ [ "threshold"; "index" ]

            header,
            seq {
                for i in 0 .. table.Count - 1 ->
                    solution i
                    @ [ number table.Objectives[i] ]
                    @ measures i
                    @ [ number table.Objectives[i]; string table.Cells[i] ]
            }
        | Ours ->
            let objectives =
                if m = 1 then
                    [ "objective" ]
                else
                    [ for j in 0 .. m - 1 -> $"objective_{j}" ]

            let header =
                [ "cell" ]
                @ objectives
                @ [ for j in 0 .. k - 1 -> $"measure_{j}" ]
                @ [ for j in 0 .. d - 1 -> $"solution_{j}" ]
                @ List.map fst extra

            header,
            seq {
                for i in 0 .. table.Count - 1 ->
                    [ string table.Cells[i] ]
                    @ [ for j in 0 .. m - 1 -> number table.Objectives[i * m + j] ]
                    @ measures i
                    @ solution i
                    @ [ for _, values in extra -> number values[i] ]
            }

    /// Writes `table` as CSV to `path` (atomically: a reader never sees half a file).
    let csv (layout: ExportLayout) (table: EliteTable) (path: string) =
        let header, body = rows layout table

        AtomicFile.Write(
            path,
            fun stream ->
                use w = new StreamWriter(stream, Text.UTF8Encoding(false), leaveOpen = true)
                w.NewLine <- "\n"
                w.WriteLine(String.Join(",", header))

                for row in body do
                    w.WriteLine(String.Join(",", row))
        )
