module QdFunctional.Cli.ReportCommand

open System.IO
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments

/// `qd report RUN`: heatmap.png of the archive, metrics.png of the curves, parallel.png when there are
/// more than two measures, and report.html collecting them, beside the run's files.
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

    // More than two measures: a heatmap shows two, parallel coordinates show them all.
    let table = Results.loadArchive archive
    let coordinates = Path.Combine(dir, "parallel.png")

    if table.Layout.MeasureDim > 2 then
        ParallelCoordinates.plot table coordinates
        printfn "%s" coordinates

    let pictures =
        [
            "Archive", heatmap
            "Measures (parallel coordinates)", coordinates
            "Metrics", Path.Combine(dir, "metrics.png")
        ]

    printfn "%s" (HtmlReport.write dir pictures)
    0
