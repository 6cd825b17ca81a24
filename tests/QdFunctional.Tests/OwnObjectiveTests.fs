/// A new user's own objective, written as a pyribs user would write it (a plain function over one
/// solution, the same function in the engine's tensors, and a two-objective batch function), run
/// with CMA-MAE, CMA-MEGA and MOME from F# with `open QdFunctional` alone: by hand with the front's
/// modules and through a run directory, each stopped, checkpointed and resumed bit for bit.
module OwnObjectiveTests

open System
open System.IO
open System.Threading
open Expecto
open QdFunctional

let private tempDir () =
    let dir =
        Path.Combine(Path.GetTempPath(), "qd-own-objective", Guid.NewGuid().ToString("N"))

    Directory.CreateDirectory dir |> ignore
    dir

let private measureBox = [ (-2.0, 2.0); (-2.0, 2.0) ]

/// The objective: 100 minus the squared distance to (0.3, …); measures: the first two numbers, clipped.
let private mySphere (x: float[]) =
    100.0 - (x |> Array.sumBy (fun v -> (v - 0.3) ** 2.0)),
    [| Math.Clamp(x[0], -2.0, 2.0); Math.Clamp(x[1], -2.0, 2.0) |]

let private plain = Task.ofFunction "my-sphere" 6 measureBox mySphere

/// The same function in the engine, so the gradient algorithms get its Jacobians.
let private engine =
    Task.differentiable "my-sphere-engine" 6 1 measureBox (0.0, 100.0) (fun x ->
        Tensor.concat
            [
                100.0 - Tensor.sum ((x - 0.3) ** 2.0)
                Tensor.clamp -2.0 2.0 (Tensor.slice 0 2 x)
            ])

/// Two objectives pulling towards +1 and −1 in every coordinate; solutions live in [−2, 2]^6.
let private pair =
    Task.multiObjective "my-pair" (List.replicate 6 (-2.0, 2.0)) measureBox [ 0.0; 0.0 ] (0.0, 100.0) (fun rows ->
        rows
        |> Array.map (fun x ->
            [|
                100.0 - (x |> Array.sumBy (fun v -> (v - 1.0) ** 2.0))
                100.0 - (x |> Array.sumBy (fun v -> (v + 1.0) ** 2.0))
            |]),
        rows |> Array.map (fun x -> [| x[0]; x[1] |]))

/// A hand-built run of `task` for 20 iterations, and the same run stopped after 10 with a
/// checkpoint in its directory and resumed by a second "session" from that file: the archives
/// both save are the same bytes.
let private resumesByHand (task: ITask) (fresh: RunKeys -> Scheduler) =
    let keys = KeyPlan.ofSeed 2024UL
    let whole, split = tempDir (), tempDir ()

    let save dir (state: RunState) =
        Results.saveArchive (Path.Combine(dir, "archive.parquet")) state.Archive

    RunState.start (fresh keys) |> RunState.runTo 20 task keys |> save whole

    RunState.start (fresh keys)
    |> RunState.runTo 10 task keys
    |> Checkpoint.save (Path.Combine(split, "checkpoint.bin"))

    let resumed = Checkpoint.load (Path.Combine(split, "checkpoint.bin")) (fresh keys)
    Expect.equal resumed.Iteration 10 "the checkpoint's iteration"
    resumed |> RunState.runTo 20 task keys |> save split

    let bytes dir =
        File.ReadAllBytes(Path.Combine(dir, "archive.parquet"))

    Expect.equal (bytes split) (bytes whole) "resumed = uninterrupted, byte for byte"
    let table = Results.loadArchive (Path.Combine(whole, "archive.parquet"))
    Expect.isGreaterThan table.Count 5 "the archive filled"

/// The same through a run directory: `RunConfig.forTask`'s preset, 10 iterations, then
/// `RunDirectory.resumeTask` to 20, against 20 in one go.
let private resumesInRunDirectory (task: ITask) (algorithm: string) (tune: RunConfig -> RunConfig) =
    let config =
        { tune (RunConfig.forTask task algorithm) with
            Iterations = 20
            CheckpointEvery = 5
        }

    let whole, split = tempDir (), tempDir ()

    RunDirectory.startTask task false whole config
    |> RunDirectory.execute whole CancellationToken.None ignore
    |> ignore

    RunDirectory.startTask task false split { config with Iterations = 10 }
    |> RunDirectory.execute split CancellationToken.None ignore
    |> ignore

    let final =
        RunDirectory.resumeTask task split (Some 20)
        |> RunDirectory.execute split CancellationToken.None ignore

    Expect.equal final.State.Iteration 20 "resumed to the end"

    Expect.equal
        (File.ReadAllBytes(RunDirectory.archivePath split))
        (File.ReadAllBytes(RunDirectory.archivePath whole))
        $"{algorithm}: resumed = uninterrupted, byte for byte"

[<Tests>]
let tests =
    testList
        "A user's own objective from F#"
        [
            testCase "the engine function and the plain function agree"
            <| fun () ->
                let rows = [| [| 0.1; -0.4; 1.2; 0.0; 2.5; -3.0 |]; Array.create 6 0.3 |]
                let a, b = Task.evaluateRows rows plain, Task.evaluateRows rows engine
                Expect.sequenceEqual (Evaluation.measureRows b) (Evaluation.measureRows a) "measures"

                for i in 0..1 do
                    Expect.floatClose Accuracy.veryHigh b.Objectives[i] a.Objectives[i] $"row {i} objective"

            testCase "CMA-MAE on the plain function, by hand: annealing pair, checkpoint, resume"
            <| fun () ->
                resumesByHand plain (fun _ ->
                    let cells = Cells.grid [ 10; 10 ] (Task.measureBounds plain)

                    Scheduler.createAnnealing
                        (Archive.annealing 0.01 0.0 6 cells)
                        [ Emitter.cmaMae 0.5 12 (Array.zeroCreate 6) ])

            testCase "CMA-MEGA on the engine function, by hand: gradient stage, checkpoint, resume"
            <| fun () ->
                resumesByHand engine (fun _ ->
                    Scheduler.create
                        (Archive.grid 6 [ 10; 10 ] (Task.measureBounds engine))
                        [ Emitter.cmaMega 0.5 12 2 (Array.zeroCreate 6) ])

            testCase "MOME on the two-objective function, by hand: CVT cells, a hybrid emitter, checkpoint, resume"
            <| fun () ->
                resumesByHand pair (fun keys ->
                    let cells = Cells.cvt 32 (Task.measureBounds pair) (KeyPlan.centroids keys)
                    let box = Task.solutionBounds pair |> Option.get

                    Scheduler.create
                        (Archive.mome 6 [ 0.0; 0.0 ] 10 cells)
                        [
                            Emitter.mome
                                { MomeEmitterSettings.standard with
                                    Kind = Hybrid
                                }
                                box
                                20
                        ])

            testCase "the three through a run directory: start, stop, resume bit for bit"
            <| fun () ->
                let grid (c: RunConfig) =
                    { c with
                        Archive = "grid:10x10"
                        Batch = 12
                    }

                resumesInRunDirectory plain "cma-mae" grid
                resumesInRunDirectory engine "cma-mega" (fun c -> { grid c with SigmaG = 0.5 })

                resumesInRunDirectory pair "mome" (fun c ->
                    { c with
                        Archive = "cvt:32"
                        Batch = 20
                    })
        ]
