module QdFunctional.Cli.CompareCommand

open System.IO
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments

/// `qd compare RUN...`: one chart of every run's curves against evaluations, and a table of final values.
let compare (args: ParseResults<CompareArgs>) =
    let dirs = args.GetResult CompareArgs.Run_Dirs

    let out =
        args.GetResult(CompareArgs.Out, Path.Combine("data", "runs", "comparison.png"))

    let runs =
        [
            for dir in dirs ->
                let metrics = RunDirectory.metricsPath dir

                if not (File.Exists metrics) then
                    raise (FileNotFoundException($"{dir} has no metrics.parquet; is it a run directory?", metrics))

                Path.GetFileName(Path.TrimEndingDirectorySeparator dir), Results.loadMetrics metrics
        ]

    match Path.GetDirectoryName(Path.GetFullPath out) with
    | null -> ()
    | parent -> Directory.CreateDirectory parent |> ignore

    RunComparison.plot runs out
    let width = runs |> List.map (fst >> String.length) |> List.max |> max 3
    printfn "%-*s  %s" width "run" (String.concat "  " (List.map (sprintf "%14s") RunComparison.summaryColumns))

    for name, cells in RunComparison.summary runs do
        printfn "%-*s  %s" width name (String.concat "  " (List.map (sprintf "%14s") cells))

    printfn "%s" out
    0
