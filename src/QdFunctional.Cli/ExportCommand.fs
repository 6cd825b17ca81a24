module QdFunctional.Cli.ExportCommand

open System.IO
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments

/// `qd export RUN [--layout ours|pyribs] [--out FILE]`: the run's archive as CSV.
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

    let layout, name =
        match args.GetResult(ExportArgs.Layout, "ours") with
        | "ours" -> Ours, "archive.csv"
        | "pyribs" -> Pyribs, "archive-pyribs.csv"
        | other -> invalidArg "layout" $"layout must be ours or pyribs, got '{other}'."

    let out = args.GetResult(ExportArgs.Out, Path.Combine(dir, name))
    Export.csv layout (Results.loadArchive archive) out
    printfn "%s" out
    0
