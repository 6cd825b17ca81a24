// Looking at a finished run from F#: load its archive.parquet and metrics.parquet, filter the
// elites (the best tenth, then a region of measure space), print the best ones and draw the
// filtered archive again. Give a run directory, or let the script make a small one first:
//     dotnet fsi scripts/analyze.fsx [data/runs/NAME]
#r "nuget: QdFunctional"

open System.IO
open QdFunctional

let run =
    match fsi.CommandLineArgs |> Array.tail with
    | [| dir |] -> dir
    | _ ->
        // A small run to look at: MAP-Elites on the 20-joint arm, 200 iterations (a few seconds).
        let dir = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, "..", "data", "runs", "script-analyze"))

        let config =
            { RunConfig.preset "arm" "map-elites" { RunConfig.defaults with Dim = 20 } with
                Task = "arm"
                Dim = 20
                Algorithm = "map-elites"
                Archive = "grid:50x50"
                Iterations = 200
                CheckpointEvery = 0
            }

        // The script's own scratch run: replaced each time (overwrite = true).
        RunDirectory.startWith Run.task true dir config
        |> RunDirectory.execute dir System.Threading.CancellationToken.None ignore
        |> ignore

        dir

let archive = Results.loadArchive (RunDirectory.archivePath run)
let metrics = Results.loadMetrics (RunDirectory.metricsPath run)
let last = Array.last metrics
printfn "%s: %d elites after %d iterations (%d evaluations), coverage %.1f%%" run archive.Count last.Iteration last.Evaluations (100.0 * last.Coverage)

// The best tenth of the elites by objective.
let cutoff =
    let sorted = Elites.rows archive |> Seq.map (fun r -> r.Objective) |> Seq.sort |> Seq.toArray
    sorted[sorted.Length * 9 / 10]

let best = archive |> Elites.filter (fun r -> r.Objective >= cutoff)
printfn "objective >= %.3f: %d elites" cutoff best.Count

// Of those, the ones in the right half of measure space (measure_0 above the middle of its bounds).
let middle = (archive.Layout.Low[0] + archive.Layout.High[0]) / 2.0
let right = best |> Elites.filter (fun r -> r.Measures[0] > middle)
printfn "and measure_0 > %.2f: %d elites" middle right.Count

for r in Elites.top 5 right do
    printfn "  cell %5d  objective %8.3f  measures (%s)  |solution| %.3f" r.Cell r.Objective (r.Measures |> Array.map (sprintf "%.2f") |> String.concat ", ") (sqrt (Array.sumBy (fun x -> x * x) r.Solution))

// Draw the filtered archive and the curves again, beside the run's files.
let picture = Path.Combine(run, "best-tenth.png")
Plot.heatmap best picture
Plot.metrics (metrics |> Array.filter (fun m -> m.Iteration % 10 = 0)) (Path.Combine(run, "metrics-every-10.png"))
printfn "wrote %s" picture
