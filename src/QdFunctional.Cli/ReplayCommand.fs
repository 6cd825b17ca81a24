module QdFunctional.Cli.ReplayCommand

open System.IO
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments

/// `qd replay RUN [--cell N] [--out FILE]`: re-simulates one elite and writes its trajectory.
let replay (args: ParseResults<ReplayArgs>) =
    let dir = args.GetResult ReplayArgs.Run_Dir
    let cell = args.TryGetResult ReplayArgs.Cell

    let out =
        args.GetResult(
            ReplayArgs.Out,
            Path.Combine(
                dir,
                (match cell with
                 | Some c -> $"replay-cell-{c}.parquet"
                 | None -> "replay-best.parquet")
            )
        )

    let r = Replay.toParquet dir cell out
    let archived, measures = r.Archived
    let replayed, again = r.Replayed

    let show (m: float[]) =
        m |> Array.map (sprintf "%.4f") |> String.concat ", "

    printfn
        "cell %d: quality %.6f, measures (%s); replayed: quality %.6f, measures (%s)%s"
        r.Cell
        archived
        (show measures)
        replayed
        (show again)
        (if archived = replayed && measures = again then
             " (identical)"
         else
             " (differs: was the run made by another version?)")

    printfn "%s" out
    0
