/// The sliding-boundaries archive (Fontaine et al. 2019): boundaries at the buffer's quantiles, and a
/// refill that leaves each new cell the best solution that falls in it. The contract suite covers the rest.
module SlidingBoundariesTests

open System
open System.IO
open Expecto
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Persistence
open QdFunctional.Core.Random

/// n solutions (row ids from `first`) with the given objectives and measures (n × 2).
let private batch first (objectives: float[]) (measures: float[]) =
    let n = objectives.Length
    SolutionBatch(n, 1, Array.init n (fun i -> float (first + i))), Evaluation(n, 1, 2, objectives, measures)

let private add (a: SlidingBoundariesArchive) (s, e) =
    let struct (next, report) = a.Add(s, e)
    next, report

[<Tests>]
let tests =
    testList
        "Sliding boundaries archive"
        [
            testCase
                "boundaries move to the buffer's quantiles: b[c] = v[floor(c s / r)], the last at the largest value"
            <| fun () ->
                let archive =
                    SlidingBoundariesArchive.Create(
                        1,
                        [| 4; 2 |],
                        [| 0.0; 0.0 |],
                        [| 1.0; 1.0 |],
                        SlidingBoundariesOptions(RemapFrequency = 10, BufferCapacity = 10)
                    )

                Expect.sequenceEqual (archive.BoundariesOf(0).ToArray()) [ 0.0; 0.25; 0.5; 0.75; 1.0 ] "even at first"
                let m0 = [| 0.9; 0.1; 0.5; 0.3; 0.7; 0.2; 0.8; 0.4; 0.6; 0.05 |]
                let m1 = [| 0.33; 0.01; 0.02; 0.95; 0.04; 0.5; 0.06; 0.07; 0.08; 0.03 |]
                let measures = Array.init 20 (fun i -> if i % 2 = 0 then m0[i / 2] else m1[i / 2])
                let first, _ = add archive (batch 0 (Array.create 9 1.0) measures[..17])

                Expect.sequenceEqual
                    (first.BoundariesOf(0).ToArray())
                    [ 0.0; 0.25; 0.5; 0.75; 1.0 ]
                    "no remap before 10"

                let remapped, _ = add first (batch 9 [| 1.0 |] measures[18..])
                // Sorted measure 0: 0.05 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9; r = 4 takes v0, v2, v5, v7, then v9.
                Expect.sequenceEqual (remapped.BoundariesOf(0).ToArray()) [ 0.05; 0.2; 0.5; 0.7; 0.9 ] "measure 0"
                // Sorted measure 1: 0.01 0.02 0.03 0.04 0.06 0.07 0.08 0.33 0.5 0.95; r = 2 takes v0, v5, then v9.
                Expect.sequenceEqual (remapped.BoundariesOf(1).ToArray()) [ 0.01; 0.07; 0.95 ] "measure 1"
                // A value on a boundary belongs to the cell above it; values beyond the range to the edge cells.
                Expect.equal (remapped.CellOf(ReadOnlySpan [| 0.2; 0.07 |])) (1 * 2 + 1) "on boundaries"
                Expect.equal (remapped.CellOf(ReadOnlySpan [| -5.0; 5.0 |])) (0 * 2 + 1) "clipped"
                Expect.equal (remapped.CellOf(ReadOnlySpan [| 0.69; 0.0 |])) (2 * 2 + 0) "inside"

            testCase "a refill keeps, in every new cell, the best of the old elites and the buffer that falls in it"
            <| fun () ->
                let options = SlidingBoundariesOptions(RemapFrequency = 16, BufferCapacity = 40)

                let mutable archive =
                    SlidingBoundariesArchive.Create(1, [| 5; 4 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |], options)

                let mutable remaps = 0

                for step in 0..11 do
                    let key = (Key.Of 31UL).FoldIn(step)
                    let struct (k1, k2) = key.Split2()
                    let objectives = Array.zeroCreate 16
                    k1.Uniform(Span<float> objectives, 0.0, 10.0)
                    // Measures crowd into a corner that drifts, so the boundaries keep moving.
                    let measures = Array.zeroCreate 32
                    k2.Uniform(Span<float> measures, 0.0, 0.3 + 0.05 * float step)
                    // 15 solutions, then one alone: it triggers the remap, so the refill is the add's last step.
                    let before, _ = add archive (batch (step * 16) objectives[..14] measures[..29])
                    let next, _ = add before (batch (step * 16 + 15) objectives[15..] measures[30..])
                    let moved = next.BoundariesOf(0).ToArray() <> before.BoundariesOf(0).ToArray()

                    if moved then
                        remaps <- remaps + 1

                        let candidates =
                            Seq.append before.Elites next.Buffer
                            |> Seq.groupBy (fun e -> next.CellOf(e.Measures))
                            |> Seq.map (fun (cell, es) -> cell, es |> Seq.map _.Objective |> Seq.max)
                            |> Map.ofSeq

                        let kept = next.Elites |> Seq.map (fun e -> e.Cell, e.Objective) |> Map.ofSeq

                        Expect.equal kept candidates $"batch {step}: cells and their best objectives"

                        for e in next.Elites do
                            Expect.equal (next.CellOf(e.Measures)) e.Cell "an elite sits in its measures' cell"

                    archive <- next

                Expect.isGreaterThan remaps 3 "the boundaries moved several times"
                Expect.equal archive.Offered 192L "every solution counted"
                Expect.equal archive.Buffer.Count 40 "the buffer holds the 40 most recent"
                Expect.equal archive.Buffer[39].Solution[0] 191.0 "newest last"

            testCase "archive.parquet keeps the boundaries in its header and reads back equal"
            <| fun () ->
                let archive =
                    SlidingBoundariesArchive.Create(
                        1,
                        [| 3; 3 |],
                        [| 0.0; 0.0 |],
                        [| 1.0; 1.0 |],
                        SlidingBoundariesOptions(RemapFrequency = 5, BufferCapacity = 5)
                    )

                let measures = [| 0.1; 0.2; 0.15; 0.25; 0.3; 0.1; 0.12; 0.4; 0.2; 0.05 |]
                let filled, _ = add archive (batch 0 [| 1.0; 2.0; 3.0; 4.0; 5.0 |] measures)
                let path = Path.Combine(Path.GetTempPath(), $"sliding-{Guid.NewGuid():N}.parquet")

                try
                    ArchiveParquet.Write(path, filled.ToTable())
                    let table = ArchiveParquet.Read path
                    Expect.equal table.Layout.Kind "sliding" "kind"

                    for j in 0..1 do
                        Expect.sequenceEqual
                            table.Layout.Boundaries[j]
                            (filled.BoundariesOf(j).ToArray())
                            $"boundaries of measure {j}"

                    Expect.sequenceEqual table.Objectives (filled.ToTable().Objectives) "objectives"
                finally
                    File.Delete path

            testCase "bad settings are refused with the setting's name"
            <| fun () ->
                let make (options: SlidingBoundariesOptions) () =
                    SlidingBoundariesArchive.Create(1, [| 2 |], [| 0.0 |], [| 1.0 |], options)
                    |> ignore

                Properties.throwsWith<ArgumentException>
                    [ "RemapFrequency" ]
                    (make (SlidingBoundariesOptions(RemapFrequency = 0)))

                Properties.throwsWith<ArgumentException>
                    [ "BufferCapacity" ]
                    (make (SlidingBoundariesOptions(BufferCapacity = 0)))
        ]
