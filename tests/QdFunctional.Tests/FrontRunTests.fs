/// A script that builds an algorithm from the F# front (Cells, Archive, Emitter, Scheduler.step,
/// KeyPlan) with `qd run`'s seed and settings writes the same archive.parquet, byte for byte, as
/// `qd run`: the front is the CLI's path, not a copy of it.
module FrontRunTests

open System
open System.IO
open Expecto
open QdFunctional
open QdFunctional.Cli

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-front-runs", Guid.NewGuid().ToString("N"))

/// `qd run` with these arguments; the bytes of the archive.parquet it writes.
let private cli (args: string list) =
    let dir = tempDir ()

    let code =
        Program.main (List.toArray ([ "run" ] @ args @ [ "--out"; dir; "--quiet" ]))

    Expect.equal code 0 $"qd run {String.Join(' ', args)}"
    File.ReadAllBytes(RunDirectory.archivePath dir)

/// The bytes of the archive a script's final scheduler saves.
let private saved (scheduler: Scheduler) =
    let path = Path.Combine(tempDir (), "archive.parquet")
    Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
    Scheduler.results scheduler |> Results.saveArchive path
    File.ReadAllBytes path

/// `qd run`'s settings for an algorithm on a built-in task of dimension `dim`.
let private preset task algorithm dim =
    RunConfig.preset task algorithm { RunConfig.defaults with Dim = dim }

/// Iterations 1..n of `step` from the seed's key plan.
let private fold (keys: RunKeys) (n: int) (step: IterationKeys -> Scheduler -> Scheduler) (start: Scheduler) =
    [ 1..n ] |> List.fold (fun s i -> step (keys |> KeyPlan.iteration i) s) start

/// `qd run`'s initial population of `n` solutions, evaluated and added.
let private withInitialPopulation
    (keys: RunKeys)
    (n: int)
    (tell: Evaluation -> Evaluation)
    (task: ITask)
    (s: Scheduler)
    =
    let population =
        Solutions.normal (KeyPlan.initialPopulation keys) n task.SolutionDim

    Scheduler.insert population (tell (Task.evaluate population task)) s

let private lp =
    [
        "--task"
        "lp-sphere"
        "--dim"
        "12"
        "--archive"
        "grid:10x10"
        "--iterations"
        "15"
    ]

[<Tests>]
let tests =
    testSequenced
    <| testList
        "F# front equals qd run"
        [
            testCase "MAP-Elites (Iso+LineDD) with its initial population"
            <| fun () ->
                let c = preset "lp-sphere" "map-elites-line" 12
                let task = Task.lpSphere 12
                let keys = KeyPlan.ofSeed c.Seed

                let final =
                    Scheduler.create
                        (Archive.grid 12 [ 10; 10 ] (Task.measureBounds task))
                        [ Emitter.isoLine c.Sigma c.LineSigma c.Batch (Array.zeroCreate 12) ]
                    |> withInitialPopulation keys c.InitialPopulation id task
                    |> fold keys 15 (Scheduler.step task)

                Expect.equal (saved final) (cli ([ "--algorithm"; "map-elites-line" ] @ lp)) "same bytes"

            testCase "CMA-MAE: the annealing pair, the result archive saved"
            <| fun () ->
                let c = preset "lp-sphere" "cma-mae" 12
                let task = Task.lpSphere 12
                let keys = KeyPlan.ofSeed c.Seed
                let cells = Cells.grid [ 10; 10 ] (Task.measureBounds task)

                let final =
                    Scheduler.createAnnealing
                        (Archive.annealing c.ArchiveLearningRate c.ThresholdMin 12 cells)
                        [ Emitter.cmaMae c.Sigma c.Batch (Array.zeroCreate 12) ]
                    |> fold keys 15 (Scheduler.step task)

                Expect.equal (saved final) (cli ([ "--algorithm"; "cma-mae" ] @ lp)) "same bytes"

            testCase "CMA-MEGA with the task's Jacobians and with estimated ones"
            <| fun () ->
                let c = preset "lp-sphere" "cma-mega" 12
                let task = Task.lpSphere 12
                let keys = KeyPlan.ofSeed c.Seed

                let start () =
                    Scheduler.create
                        (Archive.grid 12 [ 10; 10 ] (Task.measureBounds task))
                        [ Emitter.cmaMega c.SigmaG c.Batch 2 (Array.zeroCreate 12) ]

                let analytic = start () |> fold keys 15 (Scheduler.step task)
                Expect.equal (saved analytic) (cli ([ "--algorithm"; "cma-mega" ] @ lp)) "analytic"

                let estimated =
                    start ()
                    |> fold keys 15 (Scheduler.stepWith (StepOptions.estimating c.EsPairs c.EsSigma) task)

                Expect.equal
                    (saved estimated)
                    (cli ([ "--algorithm"; "cma-mega"; "--gradients"; "es" ] @ lp))
                    "estimated (ES)"

            testCase "OG-MAP-Elites on the arm"
            <| fun () ->
                let c = preset "arm" "og-map-elites" 8
                let task = Task.arm 8
                let keys = KeyPlan.ofSeed c.Seed

                let final =
                    Scheduler.create
                        (Archive.grid 8 [ 10; 10 ] (Task.measureBounds task))
                        [ Emitter.ogMapElites c.Sigma c.SigmaG c.Batch (Array.zeroCreate 8) ]
                    |> withInitialPopulation keys c.InitialPopulation id task
                    |> fold keys 15 (Scheduler.step task)

                Expect.equal
                    (saved final)
                    (cli
                        [
                            "--algorithm"
                            "og-map-elites"
                            "--task"
                            "arm"
                            "--dim"
                            "8"
                            "--archive"
                            "grid:10x10"
                            "--iterations"
                            "15"
                        ])
                    "same bytes"

            testCase "MOME over CVT cells with the standard emitter"
            <| fun () ->
                let c = preset "mo-sphere" "mome" 10
                let task = Task.byName "mo-sphere" 10
                let keys = KeyPlan.ofSeed c.Seed
                let cells = Cells.cvt 16 (Task.measureBounds task) (KeyPlan.centroids keys)
                let reference = Task.referencePoint task |> Option.get
                let box = Task.solutionBounds task |> Option.get

                let final =
                    Scheduler.create
                        (Archive.mome 10 reference c.Mome.ParetoLength cells)
                        [ Emitter.momeStandard box c.Batch ]
                    |> fold keys 10 (Scheduler.step task)

                Expect.equal
                    (saved final)
                    (cli
                        [
                            "--algorithm"
                            "mome"
                            "--task"
                            "mo-sphere"
                            "--dim"
                            "10"
                            "--archive"
                            "cvt:16"
                            "--iterations"
                            "10"
                        ])
                    "same bytes"

            testCase "Adam: a population climbing its own Jacobians over CVT cells"
            <| fun () ->
                let c = preset "lp-sphere" "adam" 12
                let task = Task.lpSphere 12
                let keys = KeyPlan.ofSeed c.Seed
                let start = Solutions.normal (KeyPlan.populationStart keys) c.Batch 12

                let final =
                    Scheduler.create
                        (Archive.cvt 12 128 (Task.measureBounds task) (KeyPlan.centroids keys))
                        [ Emitter.adamPopulation c.StepSize [ 1.0 ] start ]
                    |> fold keys 15 (Scheduler.step task)

                Expect.equal
                    (saved final)
                    (cli
                        [
                            "--algorithm"
                            "adam"
                            "--task"
                            "lp-sphere"
                            "--dim"
                            "12"
                            "--iterations"
                            "15"
                        ])
                    "same bytes"

            testCase "novelty search: a proximity archive told no objective"
            <| fun () ->
                let c = preset "maze" "novelty-search" 8
                let spec = ProximitySpec.tryParse c.Archive |> Option.get
                let task = Task.byName "maze" 8
                let keys = KeyPlan.ofSeed c.Seed

                let final =
                    Scheduler.create
                        (Archive.proximity 8 spec.Neighbours spec.Threshold (Task.measureBounds task))
                        [ Emitter.gaussian c.Sigma c.Batch (Array.zeroCreate 8) ]
                    |> withInitialPopulation keys c.InitialPopulation Evaluation.withoutObjectives task
                    |> fold keys 10 (Scheduler.stepWith StepOptions.noveltySearch task)

                Expect.equal
                    (saved final)
                    (cli
                        [
                            "--algorithm"
                            "novelty-search"
                            "--task"
                            "maze"
                            "--dim"
                            "8"
                            "--iterations"
                            "10"
                        ])
                    "same bytes"
        ]
