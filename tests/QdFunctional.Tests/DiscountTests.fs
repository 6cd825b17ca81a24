/// Discount Model Search: the discount model's prediction by hand and its training, the discount
/// archive's report, and whole runs that repeat and resume byte for byte.
module DiscountTests

open System
open System.IO
open System.Threading
open Expecto
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Archives.Discount
open QdFunctional.Core.Batches
open QdFunctional.Core.Random
open QdFunctional.Diff.Models

let private uniform (seed: int) (n: int) (lo: float) (hi: float) =
    let rng = Random(seed)
    Array.init n (fun _ -> lo + (hi - lo) * rng.NextDouble())

let private tempDir () =
    let d = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory d |> ignore
    d

/// `qd run --task lp-sphere --dim 10 --algorithm dms` with 3 emitters, for a few iterations.
let private dmsConfig iterations =
    { RunConfig.preset "lp-sphere" "dms" { RunConfig.defaults with Dim = 10 } with
        Dim = 10
        Archive = "grid:20x20"
        Iterations = iterations
        Emitters = 3
        CheckpointEvery = 0
    }

let private runTo dir config =
    RunDirectory.start dir config
    |> RunDirectory.execute dir CancellationToken.None ignore

let private bytes dir =
    File.ReadAllBytes(RunDirectory.archivePath dir)

let private box = [| -256.0; -256.0 |], [| 256.0; 256.0 |]

let private model options seed =
    DiscountModel.Create(ReadOnlySpan(fst box), ReadOnlySpan(snd box), 0.0, 100.0, options, Key.Of seed)

[<Tests>]
let tests =
    testList
        "Discount Model Search"
        [
            testCase
                "a discount is the network's output on measures scaled to [−1, 1], scaled back over the objective range"
                (fun () ->
                    let options = DiscountModelOptions(Hidden = [||])
                    let m = model options 1UL
                    // One dense layer: out = 0.5·x₀ − 0.25·x₁ + 0.1 on x = m / 256.
                    let hand =
                        m.With(Mlp.FromParameters(m.Network.Layers, ReadOnlySpan [| 0.5; -0.25; 0.1 |]), m.Optimizer)

                    let d = hand.Predict(ReadOnlySpan [| 128.0; -256.0; 0.0; 0.0 |], 2)
                    // (0.5, −1) → 0.25 + 0.25 + 0.1 = 0.6 → 60; (0, 0) → 0.1 → 10.
                    Expect.floatClose Accuracy.veryHigh d.[0] 60.0 "first row"
                    Expect.floatClose Accuracy.veryHigh d.[1] 10.0 "second row")

            testCase "training rounds lower the discount model's loss on a smooth target" (fun () ->
                let rows = 640
                let x = uniform 3 (2 * rows) -256.0 256.0

                let y =
                    Array.init rows (fun i -> 50.0 + 40.0 * sin (x.[2 * i] / 100.0) * cos (x.[2 * i + 1] / 150.0))

                let mse (m: DiscountModel) =
                    let p = m.Predict(ReadOnlySpan x, rows)
                    Array.map2 (fun a b -> ((a - b) / 100.0) ** 2.0) p y |> Array.average

                let mutable m = model (DiscountModelOptions(CutoffLoss = 0.0)) 2UL
                let before = mse m

                for round in 1..8 do
                    let struct (next, losses) =
                        m.Train(ReadOnlySpan x, ReadOnlySpan y, rows, Key.Of(uint64 round))

                    Expect.equal losses.Length 5 "no cutoff: every epoch runs"
                    m <- next

                let after = mse m
                Expect.isLessThan after (before / 5.0) $"MSE on the [0, 1] scale {before} → {after}"
                Expect.equal m.Optimizer.Steps (8 * 5 * 20) "Adam kept its state across rounds (20 minibatches of 32)")

            testCase "a round stops after the first epoch at or below the cutoff loss" (fun () ->
                let x = uniform 4 200 -256.0 256.0

                let struct (_, losses) =
                    (model (DiscountModelOptions(CutoffLoss = 1.0)) 3UL)
                        .Train(ReadOnlySpan x, ReadOnlySpan(Array.zeroCreate 100), 100, Key.Of 1UL)

                Expect.equal losses.Length 1 "a loss ≤ 1 on the [0, 1] scale stops at once")

            testCase
                "the discount archive reports objective − discount before the batch, and keeps a plain grid's elites"
                (fun () ->
                    let grid () =
                        Archive.grid 3 [ 8; 8 ] [ -256.0, 256.0; -256.0, 256.0 ]

                    let a0 =
                        Archive.discount
                            0.1
                            0.0
                            (0.0, 100.0)
                            (DiscountModelOptions(Hidden = [| 16 |]))
                            (Key.Of 5UL)
                            (grid ())

                    Expect.isNonEmpty a0.LastLosses "the model was fitted to the minimum threshold at creation"
                    let batch = SolutionBatch(30, 3, uniform 6 90 -1.0 1.0)
                    let eval = Evaluation(30, 1, 2, uniform 7 30 0.0 100.0, uniform 8 60 -256.0 256.0)
                    let discount = a0.Model.Predict(ReadOnlySpan eval.Measures, 30)
                    let struct (a1, report) = a0.Add(batch, eval)

                    for i in 0..29 do
                        Expect.floatClose
                            Accuracy.veryHigh
                            report.Value.[i]
                            (eval.Objectives.[i] - discount.[i])
                            $"value {i}"

                        Expect.equal
                            report.Status.[i]
                            (if eval.Objectives.[i] > discount.[i] then
                                 AddStatus.New
                             else
                                 AddStatus.NotAdded)
                            $"status {i}"

                    let struct (g, _) = (grid ()).Add(batch, eval)
                    let d1 = a1 :?> DiscountArchive
                    Expect.equal d1.Batches 1L "one batch"
                    Expect.equal a1.Stats.QdScore g.Stats.QdScore "QD score is the grid's"

                    Expect.notEqual
                        (d1.Model.Network.Parameters.ToArray())
                        (a0.Model.Network.Parameters.ToArray())
                        "the model trained"

                    Expect.isTrue (a0.Model.Optimizer.Steps < d1.Model.Optimizer.Steps) "Adam stepped")

            testCase
                "a dms run repeats byte for byte, and one stopped at a checkpoint and resumed ends the same"
                (fun () ->
                    let whole, again, split = tempDir (), tempDir (), tempDir ()
                    let final = runTo whole (dmsConfig 20)
                    runTo again (dmsConfig 20) |> ignore
                    Expect.equal (bytes again) (bytes whole) "same seed, same archive.parquet"
                    runTo split (dmsConfig 8) |> ignore

                    let resumed =
                        RunDirectory.resume split (Some 20)
                        |> RunDirectory.execute split CancellationToken.None ignore

                    Expect.equal resumed.State.Iteration 20 "ran to the end"
                    Expect.equal (bytes split) (bytes whole) "resumed: identical archive.parquet"
                    let a = final.State.Archive :?> DiscountArchive
                    let b = resumed.State.Archive :?> DiscountArchive

                    Expect.equal
                        (b.Model.Network.Parameters.ToArray())
                        (a.Model.Network.Parameters.ToArray())
                        "identical discount model"

                    Expect.isGreaterThan final.State.Archive.Stats.NumElites 20 "the run spread over the grid")

            testCase "plans: dms needs a cell archive and a finite minimum threshold" (fun () ->
                let errors c =
                    match RunPlan.tryParse c with
                    | Ok _ -> []
                    | Error e -> e

                Expect.isEmpty (errors (dmsConfig 5)) "the preset is valid"

                Expect.exists
                    (errors
                        { dmsConfig 5 with
                            Archive = "proximity:k=15,threshold=1"
                        })
                    (fun e -> e.Contains "dms keeps its elites in a grid or cvt archive")
                    "proximity refused")
        ]
