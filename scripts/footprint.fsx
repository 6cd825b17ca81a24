// What a MAP-Elites script loads: a short run from `open QdFunctional` alone, saved to Parquet,
// then the list of assemblies in the process. Robots (MuJoCo bindings), devices (ILGPU) and the
// cluster (Orleans) must not be among them: a script pays only for what it uses. Exits 1 when one is.
//     dotnet fsi scripts/footprint.fsx
#r "nuget: QdFunctional"

open System
open QdFunctional

let dim = 20
let task = Task.lpSphere dim
let emitter = Emitter.isoLine 0.5 0.2 36 (Array.zeroCreate dim)
let root = Key.ofSeed 7UL

let step scheduler iteration =
    let scheduler, solutions = scheduler |> Scheduler.ask (root |> Key.foldIn iteration)
    scheduler |> Scheduler.tell (task |> Task.evaluate solutions) |> fst

let final =
    [ 1..50 ]
    |> List.fold step (Scheduler.create (Archive.grid dim [ 20; 20 ] (Task.measureBounds task)) [ emitter ])

let parquet = IO.Path.Combine(IO.Path.GetTempPath(), $"footprint-{Guid.NewGuid():N}.parquet")
final |> Scheduler.archive |> Results.saveArchive parquet
IO.File.Delete parquet

let loaded =
    AppDomain.CurrentDomain.GetAssemblies() |> Array.map (fun a -> a.GetName().Name) |> Array.sort

let heavy =
    loaded
    |> Array.filter (fun name ->
        [ "ILGPU"; "Orleans"; "QdFunctional.Physics"; "QdFunctional.Gpu"; "QdFunctional.Cluster" ]
        |> List.exists name.StartsWith)

printfn "%d assemblies loaded, ours: %s" loaded.Length (loaded |> Array.filter (fun n -> n.StartsWith "QdFunctional") |> String.concat ", ")

if heavy.Length > 0 then
    eprintfn "a MAP-Elites script loaded %s" (String.concat ", " heavy)
    exit 1
