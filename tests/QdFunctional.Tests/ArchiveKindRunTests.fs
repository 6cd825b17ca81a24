/// The archive kinds of issue 21 through `qd run`: their specs parse and print back, bad ones are
/// refused in one line, each kind runs and resumes to the same bytes, and DuckDB reads what it wrote.
module ArchiveKindRunTests

open System
open System.IO
open System.Threading
open Argu
open DuckDB.NET.Data
open Expecto
open QdFunctional
open QdFunctional.Cli.Arguments
open QdFunctional.Core.Tasks

/// Measure 0 is which of three operators the first number picks (a category: 0, 1 or 2), measure 1 a
/// continuous feature; the objective a shifted sphere.
let private operators =
    Task.ofFunction "pick-an-operator" 4 [ (0.0, 2.0); (-2.0, 2.0) ] (fun x ->
        100.0 - (x |> Array.sumBy (fun v -> (v - 0.5) ** 2.0)),
        [| Math.Clamp(Math.Round x[0], 0.0, 2.0); Math.Clamp(x[1], -2.0, 2.0) |])

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-archive-kinds", Guid.NewGuid().ToString("N"))

let private configOf archive =
    { Recipes.presetFor (TaskFacts.Of operators) "map-elites" RunConfig.defaults with
        Archive = archive
        Dim = 4
        Iterations = 30
        Batch = 16
        CheckpointEvery = 10
    }

let private errorsOf (config: RunConfig) =
    match RunPlan.tryParse config with
    | Ok _ -> []
    | Error errors -> errors

/// The first row of a DuckDB query, boxed.
let private queryRow (sql: string) =
    use connection = new DuckDBConnection("DataSource=:memory:")
    connection.Open()
    use command = connection.CreateCommand()
    command.CommandText <- sql
    use reader = command.ExecuteReader()
    reader.Read() |> ignore
    Array.init reader.FieldCount (fun i -> reader.GetValue i)

let private kinds =
    [
        "sliding:3x8,remap=40,buffer=120"
        "dns:capacity=40,k=3"
        "categorical:0/1/2x8"
    ]

[<Tests>]
let tests =
    testList
        "Archive kinds in qd run"
        [
            testCase "sliding, dns and categorical specs parse with their defaults and print back"
            <| fun () ->
                let plan archive =
                    RunPlan.parse
                        { RunConfig.defaults with
                            Task = "arm"
                            Dim = 8
                            Archive = archive
                        }

                match (plan "sliding:20x10").Archive with
                | Sliding s ->
                    Expect.equal s.Resolution [| 20; 10 |] "resolution"
                    Expect.equal (s.RemapFrequency, s.BufferCapacity) (100, 1000) "pyribs' defaults"
                    Expect.equal (ArchiveSpecs.tryParseSliding (ArchiveSpecs.formatSliding s)) (Some s) "round trip"
                | other -> failtest $"{other}"

                match (plan "dns").Archive with
                | Dns s ->
                    Expect.equal (s.Capacity, s.Neighbours) (1024, 3) "the paper's settings"
                    Expect.equal (ArchiveSpecs.tryParseDns (ArchiveSpecs.formatDns s)) (Some s) "round trip"
                | other -> failtest $"{other}"

                match (plan "categorical:-1/0/2.5x7").Archive with
                | Categorical s ->
                    Expect.equal s.Axes [ Categories [ -1.0; 0.0; 2.5 ]; Cells 7 ] "axes"

                    Expect.equal
                        (ArchiveSpecs.tryParseCategorical (ArchiveSpecs.formatCategorical s))
                        (Some s)
                        "round trip"
                | other -> failtest $"{other}"

                let one =
                    {
                        Axes = [ Categories [ 5.0 ]; Cells 2 ]
                    }

                Expect.equal (ArchiveSpecs.formatCategorical one) "categorical:5/x2" "one category"
                Expect.equal (ArchiveSpecs.tryParseCategorical "categorical:5/x2") (Some one) "reads back"

            testCase "bad specs are refused in one line that names the bad part"
            <| fun () ->
                for spec, fragment in
                    [
                        "sliding:20x0", "'20x0'"
                        "sliding:20x20,remap=0", "remap"
                        "sliding:20x20,every=5", "'every=5'"
                        "dns:capacity=-3", "capacity"
                        "dns:k=two", "k must"
                        "categorical:0/0x5", "twice"
                        "categorical:a/bx5", "'a'"
                        "categorical:0/1xfive", "'five'"
                        "hexagons:9", "is not"
                    ] do
                    match
                        errorsOf
                            { RunConfig.defaults with
                                Task = "arm"
                                Dim = 8
                                Archive = spec
                            }
                    with
                    | [ error ] ->
                        Expect.stringContains error fragment spec
                        Expect.isFalse (error.Contains '\n') $"{spec}: one line"
                    | errors -> failtest $"{spec}: {errors}"

            testCase "a spec must match the task's measures, and sliding and DNS refuse CMA-MAE and several objectives"
            <| fun () ->
                let arm =
                    { RunConfig.defaults with
                        Task = "arm"
                        Dim = 8
                    }

                Expect.stringContains
                    (errorsOf
                        { arm with
                            Archive = "sliding:10x10x10"
                        }
                     |> String.concat " ")
                    "has 3"
                    "sliding"

                Expect.stringContains
                    (errorsOf { arm with Archive = "categorical:0/1" } |> String.concat " ")
                    "has 1"
                    "categorical"

                let cmaMae =
                    { RunConfig.preset "arm" "cma-mae" arm with
                        Archive = "dns:capacity=100,k=3"
                    }

                Expect.stringContains (errorsOf cmaMae |> String.concat " ") "learning rate below 1" "CMA-MAE"

                let mome =
                    { RunConfig.preset "mo-sphere" "mome" RunConfig.defaults with
                        Archive = "sliding:10x10"
                    }

                Expect.stringContains (errorsOf mome |> String.concat " ") "several objectives" "MOME"

                Expect.isEmpty
                    (errorsOf
                        { mome with
                            Archive = "categorical:10x10"
                        })
                    "MOME over a categorical archive"

            testCase "qd run --help names every archive kind"
            <| fun () ->
                let usage = ArgumentParser.Create<RunArgs>(programName = "qd run").PrintUsage()

                for kind in [ "grid:"; "cvt:"; "sliding:"; "dns:"; "categorical:"; "proximity:" ] do
                    Expect.stringContains usage kind $"{kind} in the help"

            testCase "each kind runs, resumes to the same bytes, and DuckDB reads its archive.parquet"
            <| fun () ->
                for archive in kinds do
                    let config = configOf archive
                    let whole, split = tempDir (), tempDir ()

                    let finished =
                        RunDirectory.startTask operators false whole config
                        |> RunDirectory.execute whole CancellationToken.None ignore

                    RunDirectory.startTask operators false split { config with Iterations = 12 }
                    |> RunDirectory.execute split CancellationToken.None ignore
                    |> ignore

                    RunDirectory.resumeTask operators split (Some 30)
                    |> RunDirectory.execute split CancellationToken.None ignore
                    |> ignore

                    let path = RunDirectory.archivePath whole

                    Expect.equal
                        (File.ReadAllBytes(RunDirectory.archivePath split))
                        (File.ReadAllBytes path)
                        $"{archive}: resumed = uninterrupted"

                    let row =
                        queryRow
                            $"SELECT count(*), min(measure_0), max(measure_0), count(DISTINCT measure_0), sum(objective) FROM read_parquet('{path}')"

                    let stats = finished.State.Archive.Stats
                    Expect.equal (Convert.ToInt64 row[0]) (int64 stats.NumElites) $"{archive}: rows"
                    Expect.isGreaterThan stats.NumElites 10 $"{archive}: the run filled the archive"

                    Expect.floatClose
                        Accuracy.medium
                        (Convert.ToDouble row[4])
                        (stats.QdScore + stats.QdOffset * float stats.NumElites)
                        $"{archive}: objectives"

                    if archive.StartsWith "categorical" then
                        Expect.equal (Convert.ToDouble row[1], Convert.ToDouble row[2]) (0.0, 2.0) "categories 0 to 2"
                        Expect.equal (Convert.ToInt64 row[3]) 3L "three categories"

                    match
                        Run.cqd
                            (RunPlan.parseFor (Some(TaskFacts.Of operators)) config)
                            operators
                            (finished.State.Archive.ToTable())
                    with
                    | Some r -> Expect.isGreaterThan r.Mean 0.0 $"{archive}: a CQD score"
                    | None -> failtest $"{archive}: no CQD score"
        ]
