module RunTests

open System
open System.IO
open System.Threading
open Expecto
open Properties
open QdFunctional
open QdFunctional.Core.Persistence

let private small =
    { RunConfig.defaults with
        Dim = 20
        Archive = "grid:20x20"
        Iterations = 60
        Batch = 16
        InitialPopulation = 10
        CheckpointEvery = 0
    }

let private tempDir () =
    let d = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory d |> ignore
    d

let private runTo dir config =
    RunDirectory.start dir config
    |> RunDirectory.execute dir CancellationToken.None ignore

let private bytes dir =
    File.ReadAllBytes(RunDirectory.archivePath dir)

[<Tests>]
let tests =
    testList
        "Run"
        [
            testCase "the same seed gives a byte-identical archive.parquet; another seed does not"
            <| fun () ->
                let a, b, c = tempDir (), tempDir (), tempDir ()
                runTo a small |> ignore
                runTo b small |> ignore
                runTo c { small with Seed = 7UL } |> ignore
                Expect.equal (bytes a) (bytes b) "same seed"
                Expect.notEqual (bytes a) (bytes c) "different seed"

            testCase "a run stopped at a checkpoint and resumed ends with the same archive"
            <| fun () ->
                let whole, split = tempDir (), tempDir ()
                let uninterrupted = runTo whole small
                // Stop after 25 iterations (as a kill after the checkpoint would), then resume to 60.
                runTo split { small with Iterations = 25 } |> ignore

                let resumed =
                    RunDirectory.resume split (Some 60)
                    |> RunDirectory.execute split CancellationToken.None ignore

                Expect.equal resumed.State.Iteration 60 "ran to the end"
                Expect.equal resumed.State.Evaluations uninterrupted.State.Evaluations "evaluations"
                Expect.equal (bytes split) (bytes whole) "identical archive"
                let metrics = Results.loadMetrics (RunDirectory.metricsPath split)

                Expect.equal
                    (metrics |> Array.map (fun m -> m.Iteration))
                    [| 0..60 |]
                    "one metrics row per iteration, none twice"

            testList
                "every algorithm resumes bit for bit (emitter states are checkpointed)"
                [
                    for algorithm, tweak in
                        [
                            "map-elites", id
                            "map-elites-line", id
                            "og-map-elites", id
                            "omg-mega", id
                            "cma-me", id
                            "cma-me",
                            (fun (c: RunConfig) ->
                                { c with
                                    Ranker = "rd"
                                    Strategy = "sep-cma-es"
                                })
                            "cma-mega", id
                            "cma-mega-adam", id
                            "cma-mae", id
                            "cma-maega", (fun (c: RunConfig) -> { c with Ranker = "rd" })
                        ] ->
                        testCase $"{algorithm} {(tweak small).Ranker}"
                        <| fun () ->
                            let config =
                                { RunConfig.preset "lp-sphere" algorithm small with
                                    Algorithm = algorithm
                                    Dim = 20
                                    Iterations = 30
                                }
                                |> tweak

                            let whole, split = tempDir (), tempDir ()
                            runTo whole config |> ignore
                            runTo split { config with Iterations = 12 } |> ignore

                            RunDirectory.resume split (Some 30)
                            |> RunDirectory.execute split CancellationToken.None ignore
                            |> ignore

                            Expect.equal (bytes split) (bytes whole) "identical archive after resume"
                ]

            testCase "cancellation stops early with a checkpoint that resumes"
            <| fun () ->
                let dir = tempDir ()
                use cancel = new CancellationTokenSource()

                let stopped =
                    RunDirectory.start dir small
                    |> RunDirectory.execute dir cancel.Token (fun row ->
                        if row.Iteration = 10 then
                            cancel.Cancel())

                Expect.equal stopped.State.Iteration 10 "stopped where asked"
                // The results so far are written with the checkpoint (a pipeline seeds from them).
                let sofar = Results.loadArchive (RunDirectory.archivePath dir)
                Expect.equal sofar.Count stopped.State.Archive.Stats.NumElites "the archive as it was at the stop"

                let finished =
                    RunDirectory.resume dir None
                    |> RunDirectory.execute dir CancellationToken.None ignore

                let reference = tempDir ()
                runTo reference small |> ignore
                Expect.equal finished.State.Iteration 60 "finished"
                Expect.equal (bytes dir) (bytes reference) "same archive as an uninterrupted run"

            testCase "a CVT run is deterministic and resumes to the same archive (centroids rebuilt from the key)"
            <| fun () ->
                let cvt =
                    { small with
                        Archive = "cvt:200"
                        Algorithm = "map-elites"
                        LineSigma = 0.0
                    }

                let whole, split = tempDir (), tempDir ()
                runTo whole cvt |> ignore
                runTo split { cvt with Iterations = 20 } |> ignore

                RunDirectory.resume split (Some 60)
                |> RunDirectory.execute split CancellationToken.None ignore
                |> ignore

                Expect.equal (bytes split) (bytes whole) "identical archive"
                let table = Results.loadArchive (RunDirectory.archivePath whole)
                Expect.equal table.Layout.Kind "cvt" "layout"
                Expect.equal table.Layout.CellCount 200 "cells"

            testCase "CMA-MAE keeps a plain result archive beside the annealing one, and checkpoints both"
            <| fun () ->
                let config =
                    { RunConfig.preset "lp-sphere" "cma-mae" small with
                        Algorithm = "cma-mae"
                        Dim = 20
                        Archive = "grid:20x20"
                        Iterations = 40
                    }

                let dir = tempDir ()
                let final = runTo dir config

                let search, result =
                    final.State.Scheduler.Archive, final.State.Scheduler.ResultArchive

                Expect.isNotNull result "a result archive"
                Expect.isTrue (Object.ReferenceEquals(final.State.Archive, result)) "the run reports the result archive"

                for e in search.Elites do
                    let best = result.EliteAt e.Cell
                    Expect.isNotNull best "every searched cell has a result elite"
                    Expect.isGreaterThanOrEqual best.Objective e.Objective "the result keeps the best ever found"
                    Expect.isLessThanOrEqual e.Threshold e.Objective "annealed thresholds trail the objectives"

                let resumed = RunDirectory.resume dir None

                Expect.equal
                    resumed.State.Scheduler.ResultArchive.Stats.NumElites
                    result.Stats.NumElites
                    "result archive restored"

                Expect.equal
                    resumed.State.Scheduler.Archive.Stats.QdScore
                    search.Stats.QdScore
                    "search archive restored exactly"

                Expect.equal
                    (resumed.State.Scheduler.Archive.EliteAt(search.Elites |> Seq.head |> fun e -> e.Cell).Threshold)
                    (search.Elites |> Seq.head |> fun e -> e.Threshold)
                    "thresholds restored"

                let table = Results.loadArchive (RunDirectory.archivePath dir)
                Expect.equal table.Count result.Stats.NumElites "archive.parquet holds the result archive"

            testCase "a corrupt or foreign checkpoint is refused with the path in the message"
            <| fun () ->
                let dir = tempDir ()
                runTo dir small |> ignore
                let cp = RunDirectory.checkpointPath dir
                let good = File.ReadAllBytes cp
                File.WriteAllBytes(cp, good[.. good.Length / 2])
                throwsWith<CorruptFileException> [ cp; "checksum" ] (fun () -> RunDirectory.resume dir None |> ignore)
                let flipped = Array.copy good
                flipped[100] <- flipped[100] ^^^ 1uy
                File.WriteAllBytes(cp, flipped)
                throwsWith<CorruptFileException> [ "checksum" ] (fun () -> RunDirectory.resume dir None |> ignore)
                File.WriteAllBytes(cp, good)
                let config = JsonFile.Read<RunConfig>(RunDirectory.configPath dir)
                JsonFile.Write(RunDirectory.configPath dir, { config with Archive = "grid:10x10" })

                throwsWith<CorruptFileException> [ "400 cells"; "100" ] (fun () ->
                    RunDirectory.resume dir None |> ignore)

            testCase "config.json round-trips and repeats the run"
            <| fun () ->
                let dir = tempDir ()
                runTo dir small |> ignore
                let config = JsonFile.Read<RunConfig>(RunDirectory.configPath dir)
                Expect.equal { config with TaskIdentity = null } small "same config"
                Expect.stringStarts config.TaskIdentity "lp-sphere; d 20" "the task's identity is recorded"
                let again = tempDir ()
                runTo again config |> ignore
                Expect.equal (bytes again) (bytes dir) "repeated from its config"

            testCase "bad configurations are refused by field"
            <| fun () ->
                throwsWith<ArgumentException> [ "Unknown task 'walker'" ] (fun () ->
                    RunConfig.validate { small with Task = "walker" } |> ignore)

                throwsWith<ArgumentException> [ "Unknown algorithm" ] (fun () ->
                    RunConfig.validate { small with Algorithm = "cma" } |> ignore)

                throwsWith<ArgumentException> [ "grid:10x" ] (fun () ->
                    RunConfig.validate { small with Archive = "grid:10x" } |> ignore)

                throwsWith<ArgumentException> [ "batch must be at least 1" ] (fun () ->
                    RunConfig.validate { small with Batch = 0 } |> ignore)

                throwsWith<ArgumentException> [ "sigma" ] (fun () ->
                    RunConfig.validate { small with Sigma = nan } |> ignore)

                throwsWith<ArgumentException> [ "dtype must be one of float64, float32"; "float16" ] (fun () ->
                    RunConfig.validate
                        { small with
                            Gradients = "engine"
                            Dtype = "float16"
                        }
                    |> ignore)

                throwsWith<ArgumentException> [ "needs gradients 'engine'" ] (fun () ->
                    RunConfig.validate { small with Dtype = "float32" } |> ignore)

            testCase "a config written before the dtype field existed reads as float64 and resumes"
            <| fun () ->
                let dir = tempDir ()
                let config = { small with Iterations = 10 }
                runTo dir config |> ignore
                let path = RunDirectory.configPath dir
                let json = Text.Json.Nodes.JsonNode.Parse(File.ReadAllText path).AsObject()
                Expect.isTrue (json.Remove "Dtype") "the field was written"
                File.WriteAllText(path, json.ToJsonString())
                let resumed = RunDirectory.resume dir (Some 20)

                Expect.equal
                    { resumed.Config with
                        TaskIdentity = null
                    }
                    { config with Iterations = 20 }
                    "dtype defaults to float64"

            testCase "an engine run in float32 ends close to the float64 one"
            <| fun () ->
                let config =
                    { small with
                        Algorithm = "og-map-elites"
                        Gradients = "engine"
                        SigmaG = 0.5
                        Iterations = 5
                    }

                let run c =
                    let dir = tempDir ()
                    (runTo dir c).State.Archive.Stats

                let s64, s32 = run config, run { config with Dtype = "float32" }
                Expect.isGreaterThan s32.NumElites 0 "float32 run fills the archive"
                Expect.floatClose { absolute = 0.0; relative = 0.05 } s32.QdScore s64.QdScore "QD score within 5%"
                Expect.notEqual s32.QdScore s64.QdScore "the objectives really come from float32"
        ]
