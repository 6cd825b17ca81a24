module DeviceRunTests

open System
open System.IO
open System.Text.Json.Nodes
open System.Threading
open Expecto
open QdFunctional
open QdFunctional.Core.Persistence

let private tempDir () =
    let d =
        Path.Combine(Path.GetTempPath(), "qd-device-tests", Guid.NewGuid().ToString("N"))

    Directory.CreateDirectory d |> ignore
    d

let private runTo dir config =
    RunDirectory.start dir config
    |> RunDirectory.execute dir CancellationToken.None ignore

let private bits (a: float[]) =
    Array.map BitConverter.DoubleToInt64Bits a

let private small task dim algorithm sigma =
    { RunConfig.defaults with
        Task = task
        Dim = dim
        Algorithm = algorithm
        Archive = "grid:16x16"
        Iterations = 30
        Batch = 24
        Emitters = 2
        Sigma = sigma
        InitialPopulation = 20
        CheckpointEvery = 10
        Device = "ilgpu-cpu"
    }

/// The archives of two runs hold the same elites in the same cells, bit for bit.
let private sameArchive (a: string) (b: string) =
    let x = ArchiveParquet.Read(RunDirectory.archivePath a)
    let y = ArchiveParquet.Read(RunDirectory.archivePath b)
    Expect.isGreaterThan x.Cells.Length 10 "the run fills cells"
    Expect.sequenceEqual x.Cells y.Cells "cells"
    Expect.sequenceEqual (bits x.Objectives) (bits y.Objectives) "objectives"
    Expect.sequenceEqual (bits x.Measures) (bits y.Measures) "measures"
    Expect.sequenceEqual (bits x.Solutions) (bits y.Solutions) "solutions"

[<Tests>]
let tests =
    testList
        "Device runs"
        [
            testList
                "qd run on ilgpu-cpu: the archive equals the CPU run's bit for bit, metrics agree (Gaussian, iso-line, OG, OMG)"
                [
                    for task, dim, algorithm, sigma in
                        [
                            "lp-sphere", 20, "map-elites-line", 0.5
                            "lp-rastrigin", 12, "map-elites", 2.0
                            "arm", 10, "map-elites", 0.1
                            "lp-sphere", 20, "og-map-elites", 0.5
                            "arm", 10, "omg-mega", 0.1
                            "lp-rastrigin", 12, "omg-mega", 0.0
                        ] do
                        yield
                            testCase $"{algorithm} on {task} d={dim}" (fun () ->
                                let onDevice, onCpu = tempDir (), tempDir ()

                                let config =
                                    { small task dim algorithm sigma with
                                        SigmaG = (if task = "arm" then 0.05 else 1.0)
                                        NormalizeGradients = (algorithm = "omg-mega")
                                    }

                                Expect.isTrue (RunConfig.iteratesOnDevice config) "the device loop takes it"
                                let d = runTo onDevice config
                                let c = runTo onCpu { config with Device = "cpu" }
                                Expect.equal d.State.Iteration 30 "iterations"
                                Expect.equal d.State.Evaluations c.State.Evaluations "evaluations"
                                sameArchive onDevice onCpu
                                let dm = Results.loadMetrics (RunDirectory.metricsPath onDevice)
                                let cm = Results.loadMetrics (RunDirectory.metricsPath onCpu)
                                Expect.equal dm.Length 31 "a metrics row per iteration and the start"

                                for x, y in Array.zip dm cm do
                                    Expect.equal x.Iteration y.Iteration "iteration"
                                    Expect.equal x.Evaluations y.Evaluations "evaluations"
                                    Expect.equal x.NumElites y.NumElites $"elites at {x.Iteration}"
                                    Expect.equal x.BestObjective y.BestObjective $"best at {x.Iteration}"
                                    // The device sums the elites afresh; the CPU keeps a compensated running sum.
                                    Expect.floatClose
                                        { absolute = 1e-9; relative = 1e-12 }
                                        x.QdScore
                                        y.QdScore
                                        $"QD score at {x.Iteration}")
                ]

            testCase "a device run stopped at a checkpoint and resumed ends as an uninterrupted one, on its device"
            <| fun () ->
                let whole, split = tempDir (), tempDir ()
                let config = small "lp-sphere" 20 "map-elites" 0.5
                runTo whole config |> ignore
                runTo split { config with Iterations = 13 } |> ignore

                let resumed =
                    RunDirectory.resume split (Some 30)
                    |> RunDirectory.execute split CancellationToken.None ignore

                Expect.equal resumed.Config.Device "ilgpu-cpu" "the device is kept in config.json"
                Expect.equal resumed.State.Iteration 30 "ran to the end"

                Expect.equal
                    (File.ReadAllBytes(RunDirectory.archivePath split))
                    (File.ReadAllBytes(RunDirectory.archivePath whole))
                    "identical archive.parquet"

            testCase "the checkpoint of a device run holds the device's archive"
            <| fun () ->
                let dir = tempDir ()
                let config = small "arm" 10 "map-elites-line" 0.1
                let final = runTo dir config

                Expect.equal
                    final.State.Archive.Stats.NumElites
                    (ArchiveParquet.Read(RunDirectory.archivePath dir)).Cells.Length
                    "elites"

                let resumed = RunDirectory.resume dir None
                Expect.equal resumed.State.Iteration 30 "checkpoint iteration"

                Expect.equal
                    resumed.State.Archive.Stats.NumElites
                    final.State.Archive.Stats.NumElites
                    "the checkpoint's archive"

            testCase "device settings are checked by field"
            <| fun () ->
                let config = small "lp-sphere" 20 "map-elites" 0.5

                Expect.throwsC (fun () -> RunConfig.validate { config with Device = "tpu" } |> ignore) (fun e ->
                    Expect.stringContains e.Message "device must be one of cpu, ilgpu-cpu, cuda" "names the choices")

                // CMA-ME has no device loop and, with analytic gradients, nothing for the engine to do.
                Expect.throwsC (fun () -> RunConfig.validate { config with Algorithm = "cma-me" } |> ignore) (fun e ->
                    Expect.stringContains e.Message "has nothing for it" "says why")

                Expect.throwsC (fun () -> RunConfig.validate { config with Archive = "cvt:100" } |> ignore) (fun e ->
                    Expect.stringContains e.Message "(2-D grid)" "a CVT archive is not on the device")

                // With the engine computing gradients the device runs its kernels instead.
                let engine =
                    RunConfig.validate
                        { config with
                            Algorithm = "omg-mega"
                            Gradients = "engine"
                        }

                Expect.isTrue (RunConfig.iteratesOnDevice { config with Algorithm = "omg-mega" }) "analytic: the loop"

                Expect.throwsC
                    (fun () ->
                        RunConfig.validate
                            { config with
                                Algorithm = "omg-mega"
                                Gradients = "es"
                            }
                        |> ignore)
                    (fun e ->
                        Expect.stringContains e.Message "has nothing for it" "estimated gradients stay on the CPU")

                Expect.isFalse (RunConfig.iteratesOnDevice engine) "engine kernels, CPU loop"
                Expect.isFalse (RunConfig.iteratesOnDevice { config with Device = "cpu" }) "cpu"

            testCase "a config.json from before the device field reads as cpu"
            <| fun () ->
                let dir = tempDir ()

                let config =
                    { small "lp-sphere" 20 "map-elites" 0.5 with
                        Device = "cpu"
                        Iterations = 5
                    }

                runTo dir config |> ignore
                let json = JsonNode.Parse(File.ReadAllText(RunDirectory.configPath dir)).AsObject()
                Expect.isTrue (json.Remove "Device") "the file had the field"
                File.WriteAllText(RunDirectory.configPath dir, json.ToJsonString())
                let resumed = RunDirectory.resume dir (Some 8)
                Expect.equal resumed.Config.Device "cpu" "missing device is cpu"
        ]

[<Tests>]
let cliTests =
    testSequenced
    <| testList
        "Device runs from the command line"
        [
            testCase "qd run --device ilgpu-cpu, then qd resume, stay on the device"
            <| fun () ->
                let out = Path.Combine(tempDir (), "run")

                let args =
                    [|
                        "run"
                        "--task"
                        "lp-sphere"
                        "--dim"
                        "20"
                        "--algorithm"
                        "map-elites"
                        "--iterations"
                        "12"
                        "--batch"
                        "16"
                        "--archive"
                        "grid:10x10"
                        "--device"
                        "ilgpu-cpu"
                        "--out"
                        out
                        "--quiet"
                    |]

                Expect.equal (QdFunctional.Cli.Program.main args) 0 "run"
                let config = JsonFile.Read<RunConfig>(RunDirectory.configPath out)
                Expect.equal config.Device "ilgpu-cpu" "config.json keeps the device"

                Expect.equal
                    (QdFunctional.Cli.Program.main [| "resume"; out; "--iterations"; "20"; "--quiet" |])
                    0
                    "resume"

                let metrics = Results.loadMetrics (RunDirectory.metricsPath out)
                Expect.equal (metrics |> Array.last).Iteration 20 "resumed to 20"

            testCase "qd run --device cuda: one line and exit code 2 without a GPU"
            <| fun () ->
                let hasGpu =
                    try
                        QdFunctional.Gpu.Devices.Check "cuda"
                        true
                    with :? QdFunctional.Gpu.DeviceUnavailableException ->
                        false

                let out = Path.Combine(tempDir (), "run")

                let code =
                    QdFunctional.Cli.Program.main
                        [|
                            "run"
                            "--dim"
                            "20"
                            "--iterations"
                            "3"
                            "--archive"
                            "grid:10x10"
                            "--device"
                            "cuda"
                            "--out"
                            out
                            "--quiet"
                        |]

                Expect.equal code (if hasGpu then 0 else 2) "exit code"

                if not hasGpu then
                    Expect.isFalse (Directory.Exists out) "nothing written"
        ]
