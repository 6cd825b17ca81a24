/// Density Descent Search: the kernel density against brute force, the reservoir's uniformity and
/// determinism, the density archive's report, the density ranking, and whole runs that repeat and
/// resume byte for byte.
module DensityTests

open System
open System.IO
open System.Threading
open Expecto
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Archives.Density
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters.Rankers
open QdFunctional.Core.Random

let private uniform (seed: int) (n: int) (lo: float) (hi: float) =
    let rng = Random(seed)
    Array.init n (fun _ -> lo + (hi - lo) * rng.NextDouble())

/// KDE(m) = (1/(N·h)) Σⱼ exp(−‖m − bⱼ‖²/(2h²)) / √(2π), written out directly.
let private bruteKde (buffer: float[]) (count: int) (dim: int) (m: float[]) (h: float) =
    if count = 0 then
        0.0
    else
        let mutable s = 0.0

        for j in 0 .. count - 1 do
            let mutable sq = 0.0

            for k in 0 .. dim - 1 do
                let d = m.[k] - buffer.[j * dim + k]
                sq <- sq + d * d

            s <- s + exp (-0.5 * sq / (h * h)) / sqrt (2.0 * Math.PI)

        s / (float count * h)

let private kde (buffer: float[]) count dim (points: float[]) rows h =
    let d = Array.zeroCreate rows
    KernelDensity.Estimate(ReadOnlySpan buffer, count, dim, ReadOnlySpan points, rows, h, Span d)
    d

let private tempDir () =
    let d = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory d |> ignore
    d

/// `qd run --task lp-sphere --dim 10 --algorithm dds` with a small buffer, for a few iterations.
let private ddsConfig iterations =
    let c = RunConfig.preset "lp-sphere" "dds" { RunConfig.defaults with Dim = 10 }

    { c with
        Dim = 10
        Iterations = iterations
        Emitters = 3
        Density = { c.Density with BufferSize = 300 }
        CheckpointEvery = 0
    }

let private runTo dir config =
    RunDirectory.start dir config
    |> RunDirectory.execute dir CancellationToken.None ignore

let private bytes dir =
    File.ReadAllBytes(RunDirectory.archivePath dir)

[<Tests>]
let tests =
    testList
        "Density Descent Search"
        [
            testCase
                "the kernel density equals the formula written out, in 1 to 4 dimensions and on the threaded path"
                (fun () ->
                    for dim, count, rows in [ 1, 37, 5; 2, 200, 17; 3, 101, 9; 4, 64, 3; 2, 3000, 90 ] do
                        let buffer = uniform (dim * 7) (count * dim) -5.0 5.0
                        let points = uniform (dim * 11) (rows * dim) -6.0 6.0

                        for h in [ 0.3; 2.5 ] do
                            let d = kde buffer count dim points rows h

                            for i in 0 .. rows - 1 do
                                let expected = bruteKde buffer count dim points.[i * dim .. i * dim + dim - 1] h

                                if abs (d.[i] - expected) > 1e-13 * max 1e-300 expected + 1e-300 then
                                    failtestf
                                        "dim %d, %d buffered, h %g, row %d: %.17g, brute force %.17g"
                                        dim
                                        count
                                        h
                                        i
                                        d.[i]
                                        expected)

            testCase "an empty buffer has density 0 everywhere; only the first count rows count" (fun () ->
                Expect.equal (kde [||] 0 2 [| 1.0; 2.0 |] 1 1.0) [| 0.0 |] "empty"
                let buffer = [| 0.0; 0.0; 100.0; 100.0 |]
                let one = kde buffer 1 2 [| 0.0; 0.0 |] 1 1.0

                Expect.floatClose
                    Accuracy.veryHigh
                    one.[0]
                    (1.0 / sqrt (2.0 * Math.PI))
                    "one point at distance 0, N = 1, h = 1")

            testCase
                "the density does not depend on the thread count (threaded and single rows agree bit for bit)"
                (fun () ->
                    let buffer = uniform 3 (4000 * 2) -256.0 256.0
                    let points = uniform 4 (540 * 2) -256.0 256.0
                    let all = kde buffer 4000 2 points 540 25.6

                    for i in [ 0; 1; 77; 539 ] do
                        let single = kde buffer 4000 2 points.[2 * i .. 2 * i + 1] 1 25.6

                        Expect.equal
                            (BitConverter.DoubleToInt64Bits single.[0])
                            (BitConverter.DoubleToInt64Bits all.[i])
                            $"row {i}")

            testCase "the reservoir fills in order, then keeps a uniform sample of the stream" (fun () ->
                let stream = Array.init 100 float
                let first = Reservoir.Create(10, 1, 1u, 2u).Offer(ReadOnlySpan stream.[..6], 7)
                Expect.equal (first.Rows.ToArray()) stream.[..6] "the first rows fill the buffer in order"
                let kept = Array.zeroCreate 100
                let keys = 2000

                for s in 0 .. keys - 1 do
                    let r = Reservoir.Create(10, 1, uint32 s, 99u).Offer(ReadOnlySpan stream, 100)
                    Expect.equal r.Count 10 "full"

                    for v in r.Rows.ToArray() do
                        kept.[int v] <- kept.[int v] + 1

                // Each row is kept with probability k/N = 0.1: 200 of 2,000 on average, standard deviation ~13.4.
                for i in 0..99 do
                    if abs (kept.[i] - 200) > 60 then
                        failtestf "row %d kept %d times of %d; expected about 200" i kept.[i] keys

                let early = Array.sum kept.[..49]
                let late = Array.sum kept.[50..]
                Expect.isLessThan (abs (early - late)) 400 $"first half {early}, second half {late}")

            testCase "the reservoir is a pure function of key and stream: batches of any size, same bits" (fun () ->
                let stream = uniform 5 (2 * 5000) -1.0 1.0
                let whole = Reservoir.Create(300, 2, 7u, 8u).Offer(ReadOnlySpan stream, 5000)
                let mutable pieces = Reservoir.Create(300, 2, 7u, 8u)

                for start in 0..36..4999 do
                    let n = min 36 (5000 - start)
                    pieces <- pieces.Offer(ReadOnlySpan stream.[2 * start .. 2 * (start + n) - 1], n)

                Expect.equal (pieces.Rows.ToArray()) (whole.Rows.ToArray()) "same buffer"

                Expect.equal
                    (pieces.Draws, pieces.W, pieces.NextReplacement)
                    (whole.Draws, whole.W, whole.NextReplacement)
                    "same state"

                let other = Reservoir.Create(300, 2, 7u, 9u).Offer(ReadOnlySpan stream, 5000)
                Expect.notEqual (other.Rows.ToArray()) (whole.Rows.ToArray()) "another key, another sample")

            testCase
                "a density archive reports −KDE over the buffer before the batch, and keeps a plain grid's elites"
                (fun () ->
                    let grid () =
                        Archive.grid 3 [ 10; 10 ] [ -1.0, 1.0; -1.0, 1.0 ]

                    let density = Archive.density 50 0.2 (Key.Of 3UL) (grid ())

                    let batch seed =
                        SolutionBatch(40, 3, uniform seed 120 -1.0 1.0)

                    let eval seed =
                        Evaluation(40, 1, 2, uniform (seed + 1) 40 0.0 1.0, uniform (seed + 2) 80 -1.0 1.0)

                    let struct (a1, r1) = density.Add(batch 1, eval 1)
                    Expect.all r1.Value (fun v -> v = 0.0) "an empty buffer: density 0"
                    let buffer = (a1 :?> DensityArchive).Reservoir.Rows.ToArray()
                    let struct (a2, r2) = a1.Add(batch 2, eval 2)
                    let m = (eval 2).Measures

                    for i in 0..39 do
                        let expected = bruteKde buffer (buffer.Length / 2) 2 m.[2 * i .. 2 * i + 1] 0.2
                        Expect.floatClose Accuracy.high (-r2.Value.[i]) expected $"row {i}"

                    let struct (g1, _) = (grid ()).Add(batch 1, eval 1)
                    let struct (g2, gr) = g1.Add(batch 2, eval 2)
                    Expect.equal r2.Status gr.Status "statuses are the result archive's"
                    Expect.equal r2.Cells gr.Cells "cells are the result archive's"
                    Expect.equal a2.Stats.QdScore g2.Stats.QdScore "QD score is the grid's"

                    Expect.equal
                        (a2.Elites |> Seq.map _.Solution.ToArray() |> Seq.toList)
                        (g2.Elites |> Seq.map _.Solution.ToArray() |> Seq.toList)
                        "elites")

            testCase "the density ranker puts the lowest density first, ties in batch order" (fun () ->
                let report =
                    AddReport(Array.create 4 AddStatus.NotAdded, [| -0.5; -0.1; -0.9; -0.1 |], Array.zeroCreate 4)

                let struct (indices, _) =
                    DensityRanker()
                        .Rank(
                            SolutionBatch(4, 1, Array.zeroCreate 4),
                            Evaluation(4, 1, 1, Array.zeroCreate 4, Array.zeroCreate 4),
                            report
                        )

                Expect.equal indices [| 1; 3; 0; 2 |] "density 0.1, 0.1, 0.5, 0.9")

            testCase
                "a dds run repeats byte for byte, and one stopped at a checkpoint and resumed ends the same"
                (fun () ->
                    let whole, again, split = tempDir (), tempDir (), tempDir ()
                    let final = runTo whole (ddsConfig 30)
                    runTo again (ddsConfig 30) |> ignore
                    Expect.equal (bytes again) (bytes whole) "same seed, same archive.parquet"
                    runTo split (ddsConfig 12) |> ignore

                    let resumed =
                        RunDirectory.resume split (Some 30)
                        |> RunDirectory.execute split CancellationToken.None ignore

                    Expect.equal resumed.State.Iteration 30 "ran to the end"
                    Expect.equal (bytes split) (bytes whole) "resumed: identical archive.parquet"
                    let d = final.State.Archive :?> DensityArchive
                    let r = (resumed.State.Archive :?> DensityArchive).Reservoir
                    Expect.equal (r.Rows.ToArray()) (d.Reservoir.Rows.ToArray()) "identical density buffer"
                    Expect.equal d.Reservoir.Count 300 "the buffer filled"
                    Expect.isGreaterThan final.State.Archive.Stats.NumElites 50 "the run spread over the grid")

            testCase "plans: dds needs a cell archive and the density ranker; the density ranker needs dds" (fun () ->
                let errors c =
                    match RunPlan.tryParse c with
                    | Ok _ -> []
                    | Error e -> e

                Expect.isEmpty (errors (ddsConfig 5)) "the preset is valid"

                Expect.exists
                    (errors
                        { ddsConfig 5 with
                            Archive = "proximity:k=15,threshold=1"
                        })
                    (fun e -> e.Contains "dds keeps its elites in a grid or cvt archive")
                    "proximity refused"

                Expect.exists
                    (errors { ddsConfig 5 with Ranker = "imp" })
                    (fun e -> e.Contains "dds ranks by density")
                    "imp refused"

                let cmaMe =
                    { RunConfig.preset "lp-sphere" "cma-me" { RunConfig.defaults with Dim = 10 } with
                        Ranker = "density"
                    }

                Expect.exists (errors cmaMe) (fun e -> e.Contains "use --algorithm dds") "density with cma-me refused"

                Expect.exists
                    (errors
                        { ddsConfig 5 with
                            Density = { BufferSize = 0; Bandwidth = 1.0 }
                        })
                    (fun e -> e.Contains "positive buffer size")
                    "buffer 0 refused")
        ]
