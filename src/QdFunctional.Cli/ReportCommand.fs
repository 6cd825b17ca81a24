module QdFunctional.Cli.ReportCommand

open System.IO
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments
open QdFunctional.Core.Archives

/// front.png: every solution of a multi-objective table in the space of its first two objectives.
let private frontPicture dir (table: QdFunctional.Core.Archives.EliteTable) =
    let front = Path.Combine(dir, "front.png")
    ParetoPlot.front table.Objectives table.ObjectiveCount 0 1 front
    printfn "%s" front

/// `qd report PIPELINE`: the global Pareto front of all its runs.
let private reportPipeline dir =
    let path = Path.Combine(dir, "front.parquet")

    if not (File.Exists path) then
        raise (
            FileNotFoundException($"{dir} has no front.parquet yet; finish the pipeline first (qd resume {dir}).", path)
        )

    frontPicture dir (Results.loadArchive path)
    0

/// `qd report RUN`: heatmap.png of the archive, metrics.png of the curves, parallel.png when there are
/// more than two measures, for MOME hypervolume.png (each cell's front hypervolume) and front.png
/// (the global Pareto front), and report.html collecting them, beside the run's files.
let report (args: ParseResults<ReportArgs>) =
    let dir = args.GetResult ReportArgs.Run_Dir

    if not (Directory.Exists dir) then
        raise (DirectoryNotFoundException($"{dir} does not exist."))

    if Pipeline.isPipeline dir then
        reportPipeline dir
    else

        let archive = RunDirectory.archivePath dir
        let metrics = RunDirectory.metricsPath dir

        if not (File.Exists archive) then
            raise (
                FileNotFoundException($"{dir} has no archive.parquet; finish the run first (qd resume {dir}).", archive)
            )

        let table = Results.loadArchive archive

        // The CQD score (Kent et al. 2022): a QD score without cells, comparable across archive kinds.
        let cqdNote =
            if table.ObjectiveCount <= 1 && File.Exists(RunDirectory.configPath dir) then
                let config =
                    QdFunctional.Core.Persistence.JsonFile.Read<RunConfig>(RunDirectory.configPath dir)

                match RunPlan.tryParse config with
                | Ok plan ->
                    Run.cqd plan (Run.task plan) table
                    |> Option.map (fun r ->
                        sprintf
                            "CQD score %.6g (mean of %d iterations of %d targets, %d penalties over [0, 1], objective over [%g, %g])"
                            r.Mean
                            r.Scores.Length
                            r.Targets
                            r.Penalties.Length
                            r.ObjMin
                            r.ObjMax)
                | Error _ -> None
            else
                None

        cqdNote |> Option.iter (printfn "%s")

        let heatmap = Path.Combine(dir, "heatmap.png")
        Plot.heatmap table heatmap
        printfn "%s" heatmap

        // A noisy run's re-evaluation: its line, and the corrected archive beside the run's heatmap.
        let reevaluation = Path.Combine(dir, Reevaluate.fileName)
        let corrected = Path.Combine(dir, Reevaluate.archiveFileName)

        let reevaluationNote, reevaluated =
            if File.Exists reevaluation && File.Exists corrected then
                let line =
                    Reevaluate.describe (QdFunctional.Core.Persistence.JsonFile.Read<ReevaluationSummary> reevaluation)

                printfn "%s" line
                let picture = Path.Combine(dir, "heatmap-reevaluated.png")
                Plot.heatmap (Results.loadArchive corrected) picture
                printfn "%s" picture
                Some line, [ "Archive after re-evaluation", picture ]
            else
                None, []

        let volumes = Path.Combine(dir, "hypervolume.png")
        let front = Path.Combine(dir, "front.png")

        if table.ObjectiveCount >= 2 then
            let config =
                QdFunctional.Core.Persistence.JsonFile.Read<RunConfig>(RunDirectory.configPath dir)

            match Run.task (RunPlan.parse config) with
            | :? QdFunctional.Core.Tasks.IMultiObjectiveTask as task ->
                ParetoPlot.hypervolumeMap table task.ReferencePoint volumes
                printfn "%s" volumes
            | _ -> ()

            frontPicture dir table

        if File.Exists metrics then
            let curves = Path.Combine(dir, "metrics.png")
            Plot.metrics (Results.loadMetrics metrics) curves
            printfn "%s" curves

        // More than two measures: a heatmap shows two, parallel coordinates show them all.
        let coordinates = Path.Combine(dir, "parallel.png")

        if table.Layout.MeasureDim > 2 then
            ParallelCoordinates.plot table coordinates
            printfn "%s" coordinates

        // Robot runs add the CPG tutorial's curves and the elites' paths (simulated again: needs MuJoCo).
        let configFile = RunDirectory.configPath dir

        let robot =
            if
                File.Exists configFile
                && QdFunctional.Physics.PhysicsCatalog.Contains(
                    QdFunctional.Core.Persistence.JsonFile.Read<RunConfig>(configFile).Task
                )
            then
                [
                    for png in RobotReport.write dir 6 do
                        printfn "%s" png
                        Path.GetFileNameWithoutExtension png, png
                ]
            else
                []

        let pictures =
            [ "Archive", heatmap ]
            @ reevaluated
            @ [
                "Front hypervolume per cell", volumes
                "Global Pareto front", front
                "Measures (parallel coordinates)", coordinates
                "Metrics", Path.Combine(dir, "metrics.png")
            ]
            @ robot

        printfn "%s" (HtmlReport.writeWith (List.choose id [ cqdNote; reevaluationNote ]) dir pictures)
        0
