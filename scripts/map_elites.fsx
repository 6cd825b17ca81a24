// MAP-Elites (Iso+LineDD variation) on the 100-dimensional LP-sphere, as one F# pipeline:
// create an archive and an emitter, fold ask → evaluate → tell over iterations, save the
// elites to Parquet and draw the heatmap. Run it after a build (./qd --help builds):
//     dotnet fsi scripts/map_elites.fsx
#r "nuget: QdFunctional"

open QdFunctional

let dim = 100
let task = Task.lpSphere dim

let archive = Archive.grid dim [ 100; 100 ] (Task.measureBounds task)
let emitter = Emitter.isoLine 0.5 0.2 256 (Array.zeroCreate dim)
let root = Key.ofSeed 42UL

/// One iteration: every random draw comes from the iteration's own key.
let step scheduler iteration =
    let scheduler, solutions = scheduler |> Scheduler.ask (root |> Key.foldIn iteration)
    let evaluation = task |> Task.evaluate solutions
    scheduler |> Scheduler.tell evaluation |> fst

let final = [ 1..300 ] |> List.fold step (Scheduler.create archive [ emitter ])

let stats = final |> Scheduler.archive |> Archive.stats
printfn "elites %d, coverage %.1f%%, QD score %.0f, best %.2f" stats.NumElites (100.0 * stats.Coverage) stats.QdScore stats.ObjMax

let out = System.IO.Path.GetFullPath(System.IO.Path.Combine(__SOURCE_DIRECTORY__, "..", "data", "runs", "script-map-elites"))
System.IO.Directory.CreateDirectory out |> ignore
let parquet = System.IO.Path.Combine(out, "archive.parquet")
final |> Scheduler.archive |> Results.saveArchive parquet
Plot.heatmap (Results.loadArchive parquet) (System.IO.Path.Combine(out, "heatmap.png"))
printfn "wrote %s and heatmap.png" parquet
