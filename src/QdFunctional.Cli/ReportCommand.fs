module QdFunctional.Cli.ReportCommand

open System.IO
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments

/// `qd report RUN`: heatmap.png of the archive and metrics.png of the curves, beside the run's files.
let report (args: ParseResults<ReportArgs>) =
    let dir = args.GetResult ReportArgs.Run_Dir
    let archive = RunDirectory.archivePath dir
    let metrics = RunDirectory.metricsPath dir

    if not (File.Exists archive) then
        raise (FileNotFoundException($"{dir} has no archive.parquet; finish the run first (qd resume {dir}).", archive))

    let heatmap = Path.Combine(dir, "heatmap.png")
    Plot.heatmap (Results.loadArchive archive) heatmap
    printfn "%s" heatmap

    if File.Exists metrics then
        let curves = Path.Combine(dir, "metrics.png")
        Plot.metrics (Results.loadMetrics metrics) curves
        printfn "%s" curves

    // Robot runs add the CPG tutorial's curves and the elites' paths (simulated again: needs MuJoCo).
    let configFile = RunDirectory.configPath dir

    if
        File.Exists configFile
        && QdFunctional.Physics.PhysicsCatalog.Contains(
            QdFunctional.Core.Persistence.JsonFile.Read<RunConfig>(configFile).Task
        )
    then
        for png in RobotReport.write dir 6 do
            printfn "%s" png

    0
