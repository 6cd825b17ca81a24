module ArchiveTests

open System
open Expecto
open Properties
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Random

let private grid10 d =
    CellArchive.Grid(d, [| 10; 10 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])

/// Statistics recomputed by scanning every elite.
let private scan (archive: CellArchive) =
    let elites = archive.Elites |> Seq.toArray
    let sum = elites |> Array.sumBy (fun e -> e.Objective)

    let best =
        if elites.Length = 0 then
            nan
        else
            elites |> Array.map (fun e -> e.Objective) |> Array.max

    elites.Length, sum - archive.Options.QdOffset * float elites.Length, best

/// A random add sequence: per step, n rows with objectives in [-5, 5) and measures in [-0.2, 1.2)
/// (some outside the bounds, which clip to the edge cells).
let private randomBatches (seed: uint64) steps n =
    [
        for s in 0 .. steps - 1 ->
            let key = (Key.Of seed).FoldIn s
            let struct (k1, k2) = key.Split2()
            let obj = Array.zeroCreate n
            k1.Uniform(Span<float> obj, -5.0, 5.0)
            let meas = Array.zeroCreate (2 * n)
            k2.Uniform(Span<float> meas, -0.2, 1.2)
            indexed n 3, evaluation obj meas
    ]

let private addAll archive batches =
    batches
    |> List.fold (fun (a: CellArchive) (s, e) -> let struct (next, _) = a.Add(s, e) in next) archive

[<Tests>]
let tests =
    testList
        "Archive"
        [
            testCase "grid cells are row-major, last measure fastest, and clip out-of-bounds measures"
            <| fun () ->
                let g = GridTessellation([| 10; 5 |], [| 0.0; -1.0 |], [| 1.0; 1.0 |])
                Expect.equal g.CellCount 50 "cells"
                Expect.equal (g.CellOf(ReadOnlySpan [| 0.0; -1.0 |])) 0 "lower corner"
                Expect.equal (g.CellOf(ReadOnlySpan [| 0.05; 0.0 |])) 2 "second measure moves fastest"
                Expect.equal (g.CellOf(ReadOnlySpan [| 0.15; -1.0 |])) 5 "first measure moves by 5"
                Expect.equal (g.CellOf(ReadOnlySpan [| 1.0; 1.0 |])) 49 "upper bound is in the last cell"
                Expect.equal (g.CellOf(ReadOnlySpan [| 7.0; -9.0 |])) 45 "outside the box clips to the edge"
                Expect.equal (g.Coordinates 47) [| 9; 2 |] "coordinates invert the index"

            testCase "add reports new, improved and not-added with pyribs' values"
            <| fun () ->
                let a0 = grid10 3

                let struct (a1, r1) =
                    a0.Add(indexed 2 3, evaluation [| 5.0; 7.0 |] [| 0.05; 0.05; 0.95; 0.95 |])

                Expect.equal r1.Status [| AddStatus.New; AddStatus.New |] "both cells were empty"
                Expect.equal r1.Value [| 5.0; 7.0 |] "a new cell's value is its objective"

                let struct (a2, r2) =
                    a1.Add(indexed 3 3, evaluation [| 6.0; 6.0; 1.0 |] [| 0.05; 0.05; 0.95; 0.95; 0.5; 0.5 |])

                Expect.equal r2.Status [| AddStatus.Improved; AddStatus.NotAdded; AddStatus.New |] "statuses"
                Expect.equal r2.Value [| 1.0; -1.0; 1.0 |] "value is the improvement over the old elite"
                Expect.equal (a2.EliteAt(0).Objective) 6.0 "improved elite stored"
                Expect.equal (a2.EliteAt(99).Objective) 7.0 "worse solution did not replace the elite"
                Expect.equal a2.Stats.NumElites 3 "three cells"
                Expect.floatClose Accuracy.veryHigh a2.Stats.QdScore 14.0 "QD score"
                Expect.equal a2.Stats.ObjMax 7.0 "best"
                Expect.equal (a2.Stats.BestElite.Cell) 99 "best elite's cell"

            testCase "within a batch the best solution for a cell wins, the earliest among equals"
            <| fun () ->
                let struct (a, r) =
                    (grid10 3).Add(indexed 4 3, evaluation [| 1.0; 3.0; 3.0; 2.0 |] (Array.create 8 0.01))

                Expect.equal r.Status (Array.create 4 AddStatus.New) "all compared with the empty cell"
                Expect.equal (a.EliteAt(0).Solution[0]) 1.0 "row 1 (first of the two 3.0s) is the elite"
                Expect.equal a.Stats.NumElites 1 "one cell"

            testCase "an add leaves the old archive unchanged"
            <| fun () ->
                let struct (a1, _) =
                    (grid10 3).Add(indexed 1 3, evaluation [| 1.0 |] [| 0.5; 0.5 |])

                let before = a1.ToTable()

                let struct (a2, _) =
                    a1.Add(indexed 2 3, evaluation [| 9.0; 9.0 |] [| 0.5; 0.5; 0.1; 0.1 |])

                let after = a1.ToTable()
                Expect.equal after.Cells before.Cells "cells"
                Expect.equal after.Objectives before.Objectives "objectives"
                Expect.equal a1.Stats.NumElites 1 "stats"
                Expect.equal a2.Stats.NumElites 2 "new version"
                // Branching: a second add from the same old version does not see the first.
                let struct (b2, _) = a1.Add(indexed 1 3, evaluation [| 2.0 |] [| 0.9; 0.9 |])
                Expect.equal (b2.OccupiedCells.ToArray()) [| 55; 99 |] "branch has its own occupied log"
                Expect.equal (a2.OccupiedCells.ToArray()) [| 55; 11 |] "first branch unchanged"

            property "an elite is never replaced by a worse solution" 100 (fun (seed: uint64) ->
                let batches = randomBatches seed 6 40
                let mutable a = grid10 3
                let mutable ok = true

                for s, e in batches do
                    let struct (next, _) = a.Add(s, e)

                    for cell in 0..99 do
                        match a.EliteAt cell, next.EliteAt cell with
                        | null, _ -> ()
                        | old, fresh -> ok <- ok && fresh.Objective >= old.Objective

                    a <- next

                ok)

            property "incremental statistics match a recomputation from scratch" 100 (fun (seed: uint64) ->
                let a =
                    addAll
                        (CellArchive.Grid(
                            3,
                            [| 10; 10 |],
                            [| 0.0; 0.0 |],
                            [| 1.0; 1.0 |],
                            ArchiveOptions(QdOffset = -5.0)
                        ))
                        (randomBatches seed 8 50)

                let n, qd, best = scan a

                n = a.Stats.NumElites
                && abs (qd - a.Stats.QdScore) <= 1e-9 * (1.0 + abs qd)
                && (n = 0 || best = a.Stats.ObjMax)
                && a.OccupiedCells.Length = n)

            property "the reported status matches the change to the archive" 100 (fun (seed: uint64) ->
                let a0 = addAll (grid10 3) (randomBatches seed 3 30)
                let s, e = (randomBatches (seed + 1UL) 1 30).Head
                let struct (a1, r) = a0.Add(s, e)

                Seq.forall
                    (fun i ->
                        let cell = r.Cells[i]

                        match r.Status[i] with
                        | AddStatus.New -> isNull (a0.EliteAt cell) && not (isNull (a1.EliteAt cell))
                        | AddStatus.Improved -> a1.EliteAt(cell).Objective > a0.EliteAt(cell).Objective
                        | _ -> isNull (a0.EliteAt cell) |> not)
                    [ 0 .. r.Count - 1 ])

            testCase "sampling draws only elites, deterministically for a key"
            <| fun () ->
                let a = addAll (grid10 3) (randomBatches 3UL 2 20)
                let picks = a.Sample(Key.Of 5UL, 500)
                let cells = set (a.OccupiedCells.ToArray())
                Expect.all picks (fun e -> cells.Contains e.Cell) "every sample is an elite"

                Expect.equal
                    (a.Sample(Key.Of 5UL, 500) |> Array.map (fun e -> e.Cell))
                    (picks |> Array.map (fun e -> e.Cell))
                    "same key, same picks"

                Expect.isGreaterThan
                    (picks |> Array.distinctBy (fun e -> e.Cell)).Length
                    (cells.Count / 2)
                    "spread over the archive"

                throwsWith<InvalidOperationException> [ "empty" ] (fun () -> (grid10 3).Sample(Key.Of 1UL, 1) |> ignore)

            testCase "diversity optimization keeps the first solution per cell"
            <| fun () ->
                let e = Evaluation(3, 0, 2, [||], [| 0.5; 0.5; 0.5; 0.5; 0.1; 0.1 |])
                let struct (a, r) = (grid10 3).Add(indexed 3 3, e)
                Expect.equal r.Status [| AddStatus.New; AddStatus.New; AddStatus.New |] "compared with empty cells"
                Expect.equal (a.EliteAt(55).Solution[0]) 0.0 "first row kept"
                let struct (b, r2) = a.Add(indexed 1 3, Evaluation(1, 0, 2, [||], [| 0.5; 0.5 |]))
                Expect.equal r2.Status [| AddStatus.NotAdded |] "occupied cell keeps its first solution"
                Expect.equal b.Stats.NumElites 2 "coverage only"

            testCase "CMA-MAE thresholds anneal towards accepted objectives"
            <| fun () ->
                let opts = ArchiveOptions(LearningRate = 0.5, ThresholdMin = 0.0)
                let a0 = CellArchive.Grid(3, [| 10; 10 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |], opts)
                let struct (a1, r1) = a0.Add(indexed 1 3, evaluation [| 10.0 |] [| 0.5; 0.5 |])
                Expect.equal r1.Value [| 10.0 |] "value over threshold_min"
                Expect.floatClose Accuracy.veryHigh (a1.EliteAt(55).Threshold) 5.0 "t = 0.5·0 + 0.5·10"
                // Two accepted in one batch: t = 0.25·5 + 0.75·mean(8, 6) = 11.75 - ... see formula.
                let struct (a2, r2) =
                    a1.Add(indexed 2 3, evaluation [| 8.0; 6.0 |] [| 0.5; 0.5; 0.5; 0.5 |])

                Expect.equal r2.Status [| AddStatus.Improved; AddStatus.Improved |] "both beat threshold 5"
                Expect.floatClose Accuracy.veryHigh (a2.EliteAt(55).Threshold) (0.25 * 5.0 + 0.75 * 7.0) "batch update"

                Expect.equal
                    (a2.EliteAt(55).Objective)
                    8.0
                    "the best accepted solution replaces the elite, even below the old objective"

                Expect.equal a2.Stats.ObjMax 8.0 "best found again after the old best was replaced"

            testCase "bad input gets errors that name the row and value"
            <| fun () ->
                let a = grid10 3

                throwsWith<ArgumentException> [ "row 1"; "NaN" ] (fun () ->
                    a.Add(indexed 2 3, evaluation [| 1.0; nan |] (Array.create 4 0.5)) |> ignore)

                throwsWith<ArgumentException> [ "row 0"; "Infinity" ] (fun () ->
                    a.Add(indexed 1 3, evaluation [| infinity |] [| 0.5; 0.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "measure 1 of row 1" ] (fun () ->
                    a.Add(indexed 2 3, evaluation [| 1.0; 1.0 |] [| 0.5; 0.5; 0.5; nan |]) |> ignore)

                throwsWith<ArgumentException> [ "dimension 4"; "dimension 3" ] (fun () ->
                    a.Add(indexed 1 4, evaluation [| 1.0 |] [| 0.5; 0.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "3 dimensions"; "has 2" ] (fun () ->
                    a.Add(indexed 1 3, Evaluation(1, 1, 3, [| 1.0 |], [| 0.5; 0.5; 0.5 |]))
                    |> ignore)

                throwsWith<ArgumentException> [ "2 solutions"; "1 evaluations" ] (fun () ->
                    a.Add(indexed 2 3, evaluation [| 1.0 |] [| 0.5; 0.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "measure 0"; "[1, 1]" ] (fun () ->
                    CellArchive.Grid(3, [| 10 |], [| 1.0 |], [| 1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "measure 1"; "low < high" ] (fun () ->
                    CellArchive.Grid(3, [| 10; 10 |], [| 0.0; 2.0 |], [| 1.0; 1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "objectives"; "2 × 1" ] (fun () ->
                    Evaluation(2, 1, 2, [| 1.0 |], Array.zeroCreate 4) |> ignore)

                throwsWith<ArgumentException> [ "finite ThresholdMin" ] (fun () ->
                    ArchiveOptions(LearningRate = 0.5)
                    |> fun o -> CellArchive.Grid(3, [| 2 |], [| 0.0 |], [| 1.0 |], o) |> ignore)

            testCase "extra fields travel with each elite into archive.parquet"
            <| fun () ->
                let opts = ArchiveOptions(ExtraFields = [| "energy" |])
                let a = CellArchive.Grid(3, [| 10; 10 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |], opts)
                let extra = dict [ "energy", [| 0.25; 0.75 |] ] |> Collections.Generic.Dictionary

                let e =
                    Evaluation(2, 1, 2, [| 1.0; 2.0 |], [| 0.05; 0.05; 0.95; 0.95 |], null, 0, extra)

                let struct (b, _) = a.Add(indexed 2 3, e)

                let path =
                    IO.Path.Combine(IO.Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".parquet")

                QdFunctional.Core.Persistence.ArchiveParquet.Write(path, b.ToTable())
                let back = QdFunctional.Core.Persistence.ArchiveParquet.Read path
                Expect.equal back.Extra["energy"] [| 0.25; 0.75 |] "extra column in cell order"
                Expect.equal back.Cells [| 0; 99 |] "cells"

                throwsWith<ArgumentException> [ "'energy'"; "lacks" ] (fun () ->
                    a.Add(indexed 1 3, evaluation [| 1.0 |] [| 0.5; 0.5 |]) |> ignore)

            testCase "a CVT archive puts each measure vector in its nearest centroid's cell"
            <| fun () ->
                let t =
                    CvtTessellation([| 0.1; 0.1; 0.9; 0.9; 0.1; 0.9 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])

                let a = CellArchive.Cvt(2, t)
                Expect.equal (a.CellOf(ReadOnlySpan [| 0.2; 0.0 |])) 0 "near the first"
                Expect.equal (a.CellOf(ReadOnlySpan [| 0.7; 0.8 |])) 1 "near the second"
                Expect.equal (a.CellOf(ReadOnlySpan [| 0.0; 0.7 |])) 2 "near the third"

                let struct (b, _) =
                    a.Add(indexed 2 2, evaluation [| 1.0; 2.0 |] [| 0.9; 0.85; 0.0; 1.0 |])

                Expect.equal (b.OccupiedCells.ToArray()) [| 1; 2 |] "cells by nearest centroid"
                Expect.equal (b.ToTable().Layout.Kind) "cvt" "layout kind"
        ]
