// What a MAP-Elites script loads: a short run from `open QdFunctional` alone, saved to Parquet,
// then the list of assemblies in the process. Robots (MuJoCo bindings), devices (ILGPU) and the
// cluster (Orleans) must not be among them: a script pays only for what it uses. Then the packed
// packages' own dependencies: from `QdFunctional` down, none may name a heavy package, or NuGet would
// download and reference it for every script. Exits 1 when either check fails.
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

/// The package ids a packed package depends on (its .nuspec's dependency elements).
let dependenciesOf (id: string) =
    let folder = IO.Path.Combine(__SOURCE_DIRECTORY__, "..", "packages")

    let nupkg =
        IO.Directory.GetFiles(folder, id + ".*.nupkg")
        |> Array.filter (fun f ->
            let rest = IO.Path.GetFileName(f).Substring(id.Length + 1)
            Char.IsDigit rest[0]) // QdFunctional.0.1.0, not QdFunctional.Core.0.1.0
        |> Array.exactlyOne

    use zip = IO.Compression.ZipFile.OpenRead nupkg
    let entry = zip.Entries |> Seq.find (fun e -> e.FullName.EndsWith ".nuspec")
    use reader = new IO.StreamReader(entry.Open())
    let xml = Xml.Linq.XDocument.Parse(reader.ReadToEnd())

    xml.Descendants()
    |> Seq.filter (fun e -> e.Name.LocalName = "dependency")
    |> Seq.map (fun e -> e.Attribute(Xml.Linq.XName.Get "id").Value)
    |> Seq.distinct
    |> List.ofSeq

let rec closure (seen: Set<string>) (id: string) =
    if seen.Contains id || not (id.StartsWith "QdFunctional") then
        seen.Add id
    else
        dependenciesOf id |> List.fold closure (seen.Add id)

let pulled = closure Set.empty "QdFunctional"

let heavyPackages =
    pulled
    |> Set.filter (fun id ->
        [ "ILGPU"; "Microsoft.Orleans"; "QdFunctional.Physics"; "QdFunctional.Gpu"; "QdFunctional.Cluster" ]
        |> List.exists id.StartsWith)

printfn "the QdFunctional package pulls in %d packages: %s" pulled.Count (String.concat ", " pulled)

if not heavyPackages.IsEmpty then
    eprintfn "the QdFunctional package depends on %s" (String.concat ", " heavyPackages)
    exit 1

// Without the robots' package, a robot task's name is refused in one line that names the package.
let robotError =
    try
        Task.byName "brittle-star" 0 |> ignore
        ""
    with :? ArgumentException as e ->
        e.Message

printfn "Task.byName \"brittle-star\" without QdFunctional.Robots: %s" robotError

if not (robotError.Contains "QdFunctional.Robots") then
    eprintfn "a robot task without its package was not refused with the package's name"
    exit 1
