module QdFunctional.Cli.ExportCommand

open System.IO
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments

/// `qd export RUN [--to csv|parquet] [--layout ours|pyribs] [--out FILE]`: the run's archive as CSV or Parquet.
let export (args: ParseResults<ExportArgs>) =
    let dir = args.GetResult ExportArgs.Run_Dir
    let archive = RunDirectory.archivePath dir

    if not (File.Exists archive) then
        raise (
            FileNotFoundException(
                (if Directory.Exists dir then
                     $"{dir} has no archive.parquet; finish the run first (qd resume {dir})."
                 else
                     $"{dir} does not exist."),
                archive
            )
        )

    let format =
        match args.GetResult(ExportArgs.To, "csv") with
        | "csv" -> Csv
        | "parquet" -> ParquetFile
        | other -> invalidArg "to" $"--to must be csv or parquet, got '{other}'."

    let layout =
        match args.GetResult(ExportArgs.Layout, "ours") with
        | "ours" -> Ours
        | "pyribs" -> Pyribs
        | other -> invalidArg "layout" $"layout must be ours or pyribs, got '{other}'."

    // The run's own archive.parquet keeps its name: our flat Parquet is archive-flat.parquet.
    let name =
        match format, layout with
        | Csv, Ours -> "archive.csv"
        | Csv, Pyribs -> "archive-pyribs.csv"
        | ParquetFile, Ours -> "archive-flat.parquet"
        | ParquetFile, Pyribs -> "archive-pyribs.parquet"

    let out = args.GetResult(ExportArgs.Out, Path.Combine(dir, name))

    if Path.GetFullPath out = Path.GetFullPath archive then
        invalidArg "out" $"--out {out} is the run's own archive; choose another file."

    Export.write format layout (Results.loadArchive archive) out
    printfn "%s" out
    0
