module NoveltyCmaTests

open System
open Expecto
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Archives.Proximity
open QdFunctional.Core.Batches
open QdFunctional.Core.Random

let private normals (seed: uint64) n =
    let v = Array.zeroCreate<float> n
    (Key.Of seed).Normal(v.AsSpan())
    v

/// A batch of n rows in 2-D with their measures = solution and objectives from `seed`.
let private batch seed n =
    let m = normals seed (2 * n)
    SolutionBatch(n, 2, m), Evaluation(n, 1, 2, normals (seed + 100UL) n, m)

let private distance (a: float[]) (b: float[]) =
    sqrt ((a[0] - b[0]) ** 2.0 + (a[1] - b[1]) ** 2.0)

[<Tests>]
let tests =
    testList
        "Novelty with CMA-ES"
        [
            testCase "novelty against the archive plus the batch, and local competition, match brute force"
            <| fun () ->
                for withBatch in [ false; true ] do
                    let k = 4

                    let options =
                        ProximityOptions(
                            Neighbours = k,
                            NoveltyThreshold = 0.9,
                            LocalCompetition = true,
                            BatchNovelty = withBatch
                        )

                    let empty = ProximityArchive.Create(2, [| -3.0; -3.0 |], [| 3.0; 3.0 |], options)
                    let s0, e0 = batch 1UL 12
                    let struct (before, _) = empty.Add(s0, e0)
                    let entries = [ for i in 0 .. before.Count - 1 -> before.EliteAt(i) ]
                    let s, e = batch 2UL 20
                    let struct (_, report) = before.Add(s, e)
                    let row i = e.MeasuresOf(i).ToArray()

                    for i in 0..19 do
                        let fromArchive =
                            entries
                            |> List.map (fun en -> distance (row i) (en.Measures.ToArray()), en.Objective)

                        let fromBatch =
                            if withBatch then
                                [
                                    for j in 0..19 do
                                        if j <> i then
                                            yield distance (row i) (row j)
                                ]
                            else
                                []

                        let nearest =
                            (fromArchive |> List.map fst) @ fromBatch |> List.sort |> List.truncate k

                        Expect.floatClose
                            Accuracy.veryHigh
                            report.Novelty[i]
                            (List.average nearest)
                            $"batch {withBatch}, row {i}: novelty"

                        let beaten =
                            fromArchive
                            |> List.sortBy fst
                            |> List.truncate k
                            |> List.filter (fun (_, o) -> o < e.Objectives[i])
                            |> List.length

                        Expect.equal report.LocalCompetition[i] beaten $"batch {withBatch}, row {i}: neighbours beaten"

                        // pyribs' value with local competition: a new entry's objective, else the gain over the nearest entry.
                        let closest = fromArchive |> List.minBy fst |> snd

                        let value =
                            if report.Status[i] = AddStatus.New then
                                e.Objectives[i]
                            else
                                e.Objectives[i] - closest

                        Expect.floatClose Accuracy.veryHigh report.Value[i] value $"batch {withBatch}, row {i}: value"

            testCase "batch novelty sees a batch's clumps: a tight pair scores lower than against the archive alone"
            <| fun () ->
                let options batchNovelty =
                    ProximityOptions(Neighbours = 1, NoveltyThreshold = 0.5, BatchNovelty = batchNovelty)

                let sols = SolutionBatch(2, 2, [| 0.0; 0.0; 0.01; 0.0 |])
                let ev = Evaluation(2, 0, 2, [||], [| 0.0; 0.0; 0.01; 0.0 |])

                for batchNovelty, added in [ false, 2; true, 0 ] do
                    let a =
                        ProximityArchive.Create(2, [| -1.0; -1.0 |], [| 1.0; 1.0 |], options batchNovelty)

                    let struct (next, report) = a.Add(sols, ev)
                    Expect.equal next.Count added $"batch novelty {batchNovelty}: entries"

                    if batchNovelty then
                        Expect.floatClose
                            Accuracy.veryHigh
                            report.Novelty[0]
                            0.01
                            "the other row is the nearest neighbour"

                Expect.equal
                    (ProximitySpec.tryParse "proximity:k=15,threshold=2,batch=true"
                     |> Option.map _.BatchNovelty)
                    (Some true)
                    "qd run --archive proximity:...,batch=true"

            testCase "ns-cma and nslc-cma take pyribs' sphere settings and keep a 100 × 100 result grid"
            <| fun () ->
                let plan algorithm =
                    RunConfig.preset "lp-sphere" algorithm { RunConfig.defaults with Dim = 100 }
                    |> RunPlan.parse

                let ns = plan "ns-cma"
                Expect.equal ns.Config.Archive "proximity:k=15,threshold=18.944" "DDS paper's threshold, 0.037 × 512"

                Expect.equal
                    (ns.Ranker, ns.Restart, ns.Config.Emitters, ns.Config.Batch)
                    (NoveltyRanking, StopConditions, 15, 36)
                    "nov, basic, 15 × 36"

                let nslc = plan "nslc-cma"
                Expect.equal nslc.Config.Archive "proximity:k=15,threshold=3.7" "pyribs' untuned 3.7"
                Expect.equal (nslc.Ranker, nslc.Restart) (NslcRanking, NoImprovement) "nslc, no-improvement"

                let search, result = Run.searchArchives nslc (Run.task nslc)
                Expect.isTrue ((search :?> ProximityArchive).Options.LocalCompetition) "local competition"
                Expect.equal (result |> Option.map _.CellCount) (Some 10000) "result grid"

                match RunPlan.tryParse { ns.Config with Ranker = "nslc" } with
                | Error errors ->
                    Expect.stringContains (String.concat " " errors) "needs local competition" "nslc over ns-cma"
                | Ok _ -> failtest "nslc ranking without local competition was accepted"
        ]
