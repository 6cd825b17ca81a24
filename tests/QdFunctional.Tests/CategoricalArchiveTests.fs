/// Categorical measures (pyribs' CategoricalArchive, mixed with continuous measures): one cell per
/// combination of categories, an unknown category refused in one line. The contract suite covers the rest.
module CategoricalArchiveTests

open System
open System.IO
open Expecto
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Persistence

/// Measure 0: a language coded 7, 3 or 5 (in that cell order); measure 1: continuous, 4 cells over [0, 1].
let private tessellation () =
    CategoricalTessellation([| [| 7.0; 3.0; 5.0 |]; [||] |], [| 0; 4 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])

let private evaluation (objectives: float[]) (measures: float[]) =
    let n = objectives.Length
    SolutionBatch(n, 1, Array.init n float), Evaluation(n, 1, 2, objectives, measures)

[<Tests>]
let tests =
    testList
        "Categorical archive"
        [
            testCase "cells are the product of the categories (in the order given) and the continuous cells"
            <| fun () ->
                let t = tessellation ()
                Expect.equal t.CellCount 12 "3 categories × 4 cells"
                Expect.equal (t.CellOf(ReadOnlySpan [| 7.0; 0.1 |])) 0 "first category, first cell"
                Expect.equal (t.CellOf(ReadOnlySpan [| 3.0; 0.6 |])) (1 * 4 + 2) "second category"

                Expect.equal
                    (t.CellOf(ReadOnlySpan [| 5.0; 2.0 |]))
                    (2 * 4 + 3)
                    "third category; continuous values clip"

                Expect.equal (t.CellOf(ReadOnlySpan [| -0.0 + 5.0; -1.0 |])) 8 "clipped below"

                let all = CategoricalTessellation([| [| 0.0; 1.0 |]; [| 10.0; 20.0; 30.0 |] |])

                Expect.equal all.CellCount 6 "all categorical"
                Expect.sequenceEqual (all.Coordinates(all.CellOf(ReadOnlySpan [| 1.0; 30.0 |]))) [ 1; 2 ] "coordinates"

            testCase "an archive keeps one elite per combination, the best"
            <| fun () ->
                let archive = CellArchive.Create(1, tessellation ())

                let s, e =
                    evaluation [| 1.0; 2.0; 5.0; 0.5 |] [| 7.0; 0.1; 7.0; 0.2; 3.0; 0.9; 3.0; 0.95 |]

                let struct (next, report) = archive.Add(s, e)
                Expect.equal next.Stats.NumElites 2 "two combinations"
                Expect.equal (next.EliteAt(0).Objective) 2.0 "the better of two in cell 0"
                Expect.equal (next.EliteAt(7).Objective) 5.0 "cell 7"
                Expect.sequenceEqual report.Cells [ 0; 0; 7; 7 ] "reported cells"

            testCase "an unknown category is refused in one line that names the measure, the value and the categories"
            <| fun () ->
                let archive = CellArchive.Create(1, tessellation ())
                let s, e = evaluation [| 1.0; 1.0 |] [| 7.0; 0.5; 4.0; 0.5 |]
                let error = Expect.throwsC (fun () -> archive.Add(s, e) |> ignore) id
                Expect.isTrue (error :? ArgumentException) "ArgumentException"
                Expect.isFalse (error.Message.Contains '\n') $"one line: {error.Message}"

                for fragment in [ "Row 1"; "measure 0"; "4"; "7, 3, 5" ] do
                    Expect.stringContains error.Message fragment "message"

                Expect.isTrue archive.IsEmpty "nothing added"

                Properties.throwsWith<ArgumentException> [ "Measure 0 is 4"; "not one of its categories" ] (fun () ->
                    archive.CellOf(ReadOnlySpan [| 4.0; 0.5 |]) |> ignore)

            testCase "bad category lists are refused"
            <| fun () ->
                Properties.throwsWith<ArgumentException> [ "twice" ] (fun () ->
                    CategoricalTessellation([| [| 1.0; 2.0; 1.0 |] |]) |> ignore)

                Properties.throwsWith<ArgumentException> [ "continuous" ] (fun () ->
                    CategoricalTessellation([| [| 1.0 |]; [||] |]) |> ignore)

            testCase "archive.parquet keeps the categories in its header; the measure columns hold the values"
            <| fun () ->
                let archive = CellArchive.Create(1, tessellation ())
                let s, e = evaluation [| 1.0; 2.0 |] [| 5.0; 0.1; 3.0; 0.9 |]
                let struct (next, _) = archive.Add(s, e)

                let path =
                    Path.Combine(Path.GetTempPath(), $"categorical-{Guid.NewGuid():N}.parquet")

                try
                    ArchiveParquet.Write(path, next.ToTable())
                    let table = ArchiveParquet.Read path
                    Expect.equal table.Layout.Kind "categorical" "kind"
                    Expect.sequenceEqual table.Layout.Categories[0] [ 7.0; 3.0; 5.0 ] "categories in cell order"
                    Expect.isEmpty table.Layout.Categories[1] "measure 1 is continuous"
                    Expect.sequenceEqual table.Cells [ 7; 8 ] "cells"
                    Expect.sequenceEqual table.Measures [ 3.0; 0.9; 5.0; 0.1 ] "measures, in cell order"
                finally
                    File.Delete path
        ]
