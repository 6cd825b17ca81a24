module ProximityArchiveTests

open System
open System.IO
open Expecto
open Properties
open QdFunctional.Core.Archives
open QdFunctional.Core.Archives.Proximity
open QdFunctional.Core.Batches
open QdFunctional.Core.Checkpoints
open QdFunctional.Core.Persistence
open QdFunctional.Core.Random

let private unit2 options =
    ProximityArchive.Create(2, [| 0.0; 0.0 |], [| 1.0; 1.0 |], options)

/// A diversity-only evaluation (no objective) of n points in 2-D.
let private diversity (measures: float[]) =
    Evaluation(measures.Length / 2, 0, 2, [||], measures)

/// n uniform points in [0, 1]^k from a key, as solutions (the row index) and a no-objective evaluation.
let private uniform (key: Key) n k =
    let m = Array.zeroCreate (n * k)
    key.Uniform(Span<float> m, 0.0, 1.0)
    indexed n 2, Evaluation(n, 0, k, [||], m)

let private add (a: ProximityArchive) (s, e) =
    let struct (next, report) = a.Add(s, e)
    next, report

/// Novelty by brute force over the archive's entries: distances sorted (ties by insertion index), mean of the k first.
let private bruteNovelty (a: ProximityArchive) k (q: float[]) =
    let entries = a.Elites |> Seq.toArray

    if entries.Length = 0 then
        infinity
    else
        let d2 =
            entries
            |> Array.map (fun e ->
                let mutable s = 0.0

                for j in 0 .. q.Length - 1 do
                    let t = q[j] - e.Measures[j]
                    s <- s + t * t

                s, e.Index)
            |> Array.sort
            |> Array.truncate k

        let mutable sum = 0.0

        for (x, _) in d2 do
            sum <- sum + sqrt x

        sum / float d2.Length

[<Tests>]
let tests =
    testList
        "ProximityArchive"
        [
            testCase "novelty is the mean distance to the k nearest entries, bit for bit the brute-force value"
            <| fun () ->
                for k in [ 1; 2; 3 ] do
                    let mutable a =
                        ProximityArchive.Create(
                            2,
                            Array.zeroCreate k,
                            Array.create k 1.0,
                            ProximityOptions(Neighbours = 5, NoveltyThreshold = 0.0)
                        )
                    // Batches of uneven sizes exercise merges of the index's trees.
                    for b, n in List.indexed [ 1; 3; 40; 7; 200; 1; 64; 300 ] do
                        let key = (Key.Of 3UL).FoldIn(uint (100 * k + b))
                        let before = a
                        let s, e = uniform key n k
                        let next, report = add a (s, e)

                        for i in 0 .. n - 1 do
                            let q = e.MeasuresOf(i).ToArray()
                            Expect.equal report.Value[i] (bruteNovelty before 5 q) $"row {i} of batch {b}, {k}-D"

                        a <- next

                    let queries = Array.zeroCreate (500 * k)
                    (Key.Of 4UL).Uniform(Span<float> queries, -0.5, 1.5)
                    let novelty = a.Novelty(ReadOnlySpan queries)

                    for i in 0..499 do
                        Expect.equal novelty[i] (bruteNovelty a 5 queries[i * k .. i * k + k - 1]) $"query {i}, {k}-D"

            testCase
                "a batch is judged against the archive before it: twins in one batch both enter, a later copy does not"
            <| fun () ->
                let a = unit2 (ProximityOptions(Neighbours = 3, NoveltyThreshold = 0.1))
                let a1, r1 = add a (indexed 2 2, diversity [| 0.5; 0.5; 0.5; 0.5 |])
                Expect.equal r1.Status [| AddStatus.New; AddStatus.New |] "both new against an empty archive"
                Expect.equal r1.Value [| infinity; infinity |] "novelty is infinite against nothing"
                Expect.equal r1.Cells [| 0; 1 |] "slots in order of arrival"
                let a2, r2 = add a1 (indexed 2 2, diversity [| 0.5; 0.55; 0.9; 0.9 |])
                Expect.equal r2.Status [| AddStatus.NotAdded; AddStatus.New |] "near copy refused, far point added"
                Expect.floatClose Accuracy.veryHigh r2.Value[0] 0.05 "novelty of the near copy"
                Expect.equal r2.Cells[0] 0 "a refused row reports its nearest entry (older first among equals)"
                Expect.equal a2.Count 3 "three entries"
                Expect.equal a1.Count 2 "the older version is unchanged"
                Expect.isTrue (obj.ReferenceEquals(a1.EliteAt 1, a2.EliteAt 1)) "versions share untouched entries"
                Expect.equal (a2.Nearest(ReadOnlySpan [| 0.5; 0.5 |], 3)) [| 0; 1; 2 |] "ties go to the older entry"
                Expect.equal (a2.CellOf(ReadOnlySpan [| 0.8; 0.95 |])) 2 "CellOf is the nearest entry"
                Expect.equal a2.Stats.QdScore 0.0 "no objectives: QD score 0"
                Expect.equal a2.Stats.Coverage 1.0 "coverage is 1 once anything is in (pyribs)"

            testCase "local competition replaces the nearest entry with a better, non-novel solution"
            <| fun () ->
                let a =
                    unit2 (ProximityOptions(Neighbours = 1, NoveltyThreshold = 0.2, LocalCompetition = true))

                let a1, _ = add a (indexed 2 2, evaluation [| 1.0; 5.0 |] [| 0.1; 0.1; 0.9; 0.9 |])

                let a2, r =
                    add
                        a1
                        (indexed 4 2,
                         evaluation [| 3.0; 4.0; 2.0; 0.5 |] [| 0.12; 0.1; 0.1; 0.12; 0.85; 0.9; 0.5; 0.5 |])

                Expect.equal
                    r.Status
                    [| AddStatus.Improved; AddStatus.Improved; AddStatus.NotAdded; AddStatus.New |]
                    "better near slot 0 improve it, worse near slot 1 does not, far point is new"

                Expect.equal a2.Count 3 "one entry appended"
                Expect.equal (a2.EliteAt 0).Objective 4.0 "the best of the batch wins the slot"
                Expect.equal (a2.EliteAt 0).Measures[1] 0.12 "the winner's measures move in"
                Expect.equal (a2.EliteAt 0).Solution[0] 1.0 "row 1's solution"
                Expect.equal a2.Stats.QdScore (4.0 + 5.0 + 0.5) "QD score follows the replacement"
                Expect.equal a2.Stats.ObjMax 5.0 "best"
                Expect.equal (a2.Nearest(ReadOnlySpan [| 0.1; 0.1 |], 3)) [| 0; 2; 1 |] "the index sees the moved entry"
                Expect.equal (a1.EliteAt 0).Objective 1.0 "the older version keeps its entry"

                throwsWith<ArgumentException> [ "local competition"; "objective" ] (fun () ->
                    a2.Add(indexed 1 2, diversity [| 0.3; 0.3 |]) |> ignore)

            property
                "local competition never replaces an entry by a worse one, and the QD score is the sum of the entries"
                40
            <| fun (seed: uint32) (threshold: byte) ->
                let options =
                    ProximityOptions(
                        Neighbours = 3,
                        NoveltyThreshold = float threshold / 1000.0,
                        LocalCompetition = true
                    )

                let mutable a = unit2 options

                for step in 0u .. 7u do
                    let key = (Key.Of(uint64 seed)).FoldIn step
                    let s, e = uniform key 25 2
                    let objectives = Array.zeroCreate 25
                    key.FoldIn(9u).Uniform(Span<float> objectives, -1.0, 1.0)
                    let next, _ = add a (s, Evaluation(25, 1, 2, objectives, e.Measures))

                    for slot in 0 .. a.Count - 1 do
                        if (next.EliteAt slot).Objective < (a.EliteAt slot).Objective then
                            failwith $"slot {slot} got worse at step {step}"

                    a <- next

                let sum = a.Elites |> Seq.sumBy (fun e -> e.Objective)

                if abs (a.Stats.QdScore - sum) > 1e-9 then
                    failwith $"QD score {a.Stats.QdScore} <> sum {sum}"

            testCase "from F#: Archive.proximity and the diversity-only Tell of the scheduler"
            <| fun () ->
                let search threshold =
                    let archive = QdFunctional.Archive.proximity 2 4 threshold [ 0.0, 1.0; 0.0, 1.0 ]
                    let emitter = QdFunctional.Emitter.gaussian 0.1 16 [| 0.5; 0.5 |]
                    let mutable scheduler = QdFunctional.Scheduler.create archive [ emitter ]

                    for i in 0..20 do
                        let key = QdFunctional.Key.ofSeed 3UL |> QdFunctional.Key.foldIn i
                        let next, solutions = scheduler |> QdFunctional.Scheduler.ask key
                        // Measures are the solutions wrapped into the unit square; no objective.
                        let m = solutions.Values.ToArray() |> Array.map (fun v -> v - floor v)
                        let told = Evaluation(solutions.Count, 0, 2, [||], m)
                        scheduler <- next |> QdFunctional.Scheduler.tell told |> fst

                    (scheduler |> QdFunctional.Scheduler.archive :?> ProximityArchive).Count

                let loose, strict = search 0.02, search 0.1
                Expect.isGreaterThan loose 16 "entries accumulate over iterations"
                Expect.isLessThan loose (21 * 16) "not every solution is novel enough"
                Expect.isLessThan strict loose "a higher threshold admits fewer"

            testCase "capacity doubles from the initial capacity; MaxSize turns novel solutions away"
            <| fun () ->
                let a =
                    unit2 (ProximityOptions(Neighbours = 2, NoveltyThreshold = 0.0, InitialCapacity = 4, MaxSize = 10))

                Expect.equal a.Capacity 4 "initial"
                let a1, _ = add a (uniform (Key.Of 1UL) 5 2)
                Expect.equal a1.Capacity 8 "doubled once"
                let a2, r = add a1 (uniform (Key.Of 2UL) 7 2)
                Expect.equal a2.Count 10 "full"
                Expect.equal a2.Capacity 10 "capped by MaxSize"
                Expect.equal (r.CountAtLeast AddStatus.New) 5 "only five of seven fit"
                Expect.equal r.Status[5] AddStatus.NotAdded "later rows are turned away"

            testCase "the neighbour index keeps O(log n) trees and drops replaced entries"
            <| fun () ->
                let mutable a = unit2 (ProximityOptions(Neighbours = 4, NoveltyThreshold = 0.0))

                for i in 0..999 do
                    a <- fst (add a (uniform ((Key.Of 5UL).FoldIn(uint i)) 1 2))

                Expect.equal a.Count 1000 "all added"
                Expect.isLessThanOrEqual a.IndexTreeCount 11 "at most log2(1000) + 1 trees"

            testCase "bad input names the row and the value"
            <| fun () ->
                let a = unit2 (ProximityOptions())

                throwsWith<ArgumentException> [ "measure 1 of row 1"; "NaN" ] (fun () ->
                    a.Add(indexed 2 2, diversity [| 0.1; 0.1; 0.2; nan |]) |> ignore)

                throwsWith<ArgumentException> [ "one objective"; "2" ] (fun () ->
                    a.Add(indexed 1 2, Evaluation(1, 2, 2, [| 1.0; 2.0 |], [| 0.1; 0.1 |]))
                    |> ignore)

                throwsWith<ArgumentException> [ "Neighbours"; "0" ] (fun () ->
                    unit2 (ProximityOptions(Neighbours = 0)) |> ignore)

                throwsWith<InvalidOperationException> [ "no cells" ] (fun () ->
                    a.CellOf(ReadOnlySpan [| 0.5; 0.5 |]) |> ignore)

            testCase "checkpoint round trip: the restored archive answers and adds bit for bit like the original"
            <| fun () ->
                let mutable a =
                    unit2 (ProximityOptions(Neighbours = 3, NoveltyThreshold = 0.05, LocalCompetition = true))

                for i in 0..30 do
                    let key = (Key.Of 9UL).FoldIn(uint i)
                    let s, e = uniform key 20 2
                    let obj = Array.zeroCreate 20
                    key.FoldIn(1u).Uniform(Span<float> obj, 0.0, 1.0)
                    a <- fst (add a (s, Evaluation(20, 1, 2, obj, e.Measures)))

                let path = Path.Combine(Path.GetTempPath(), $"qd-proximity-{Guid.NewGuid():N}.bin")

                try
                    ArchiveCheckpoint.Write(path, CheckpointState(31, 620L, 1.5, a))

                    let empty =
                        unit2 (ProximityOptions(Neighbours = 3, NoveltyThreshold = 0.05, LocalCompetition = true))

                    let back = ArchiveCheckpoint.Read(path, empty)
                    Expect.equal back.Iteration 31 "iteration"
                    let restored = back.Archive :?> ProximityArchive
                    Expect.equal restored.NextIndex a.NextIndex "next index"
                    Expect.equal restored.Stats.QdScore a.Stats.QdScore "QD score, bit for bit"

                    let probe, pe = uniform (Key.Of 77UL) 50 2
                    let obj = Array.init 50 (fun i -> float (i % 7) / 7.0)
                    let pe = Evaluation(50, 1, 2, obj, pe.Measures)
                    let x, rx = add a (probe, pe)
                    let y, ry = add restored (probe, pe)
                    Expect.equal ry.Value rx.Value "novelty"
                    Expect.equal ry.Status rx.Status "status"
                    Expect.equal ry.Cells rx.Cells "cells"
                    let tx, ty = x.ToTable(), y.ToTable()
                    Expect.equal ty.Measures tx.Measures "entries"
                    Expect.equal ty.Objectives tx.Objectives "objectives"

                    let bytes = File.ReadAllBytes path
                    bytes[40] <- bytes[40] ^^^ 1uy
                    File.WriteAllBytes(path, bytes)

                    throwsWith<CorruptFileException> [ "checksum" ] (fun () ->
                        ArchiveCheckpoint.Read(path, empty) |> ignore)

                    // One format for every archive kind: each refuses the others by name.
                    let grid = CellArchive.Grid(2, [| 4; 4 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])
                    ArchiveCheckpoint.Write(path, CheckpointState(1, 0L, 0.0, a))

                    throwsWith<CorruptFileException> [ "proximity archive"; "CellArchive" ] (fun () ->
                        ArchiveCheckpoint.Read(path, grid) |> ignore)

                    ArchiveCheckpoint.Write(path, CheckpointState(1, 0L, 0.0, grid))

                    throwsWith<CorruptFileException> [ "cell archive"; "ProximityArchive" ] (fun () ->
                        ArchiveCheckpoint.Read(path, empty) |> ignore)
                finally
                    File.Delete path

            testCase "archive.parquet round trip keeps the proximity layout"
            <| fun () ->
                let a, _ =
                    add (unit2 (ProximityOptions(NoveltyThreshold = 0.0))) (uniform (Key.Of 8UL) 30 2)

                let path =
                    Path.Combine(Path.GetTempPath(), $"qd-proximity-{Guid.NewGuid():N}.parquet")

                try
                    ArchiveParquet.Write(path, a.ToTable())
                    let t = ArchiveParquet.Read path
                    Expect.equal t.Layout.Kind "proximity" "kind"
                    Expect.equal t.ObjectiveCount 0 "told no objective: no objective column"
                    Expect.equal t.Count 30 "rows"
                    Expect.equal t.Cells [| 0..29 |] "slots"
                    Expect.equal t.Measures (a.ToTable().Measures) "measures"
                finally
                    File.Delete path
        ]
