/// Dominated Novelty Search's population (Bahlous-Boldi et al. 2025): scores against a brute-force
/// computation, and survival of the highest scores within the capacity. The contract suite covers the rest.
module DominatedNoveltyTests

open System
open Expecto
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Random

/// Dominated novelty by brute force: for each point, the distances to every other point at least as
/// fit, sorted; the mean of the k first; infinity when there is none.
let private brute (objectives: float[]) (measures: float[]) k =
    let n = objectives.Length
    let at i = measures[2 * i], measures[2 * i + 1]

    Array.init n (fun i ->
        let xi, yi = at i

        let fitter =
            [
                for j in 0 .. n - 1 do
                    if j <> i && objectives[j] >= objectives[i] then
                        let xj, yj = at j
                        sqrt ((xi - xj) ** 2.0 + (yi - yj) ** 2.0)
            ]
            |> List.sort

        if fitter.IsEmpty then
            infinity
        else
            fitter |> List.truncate k |> List.average)

/// n random solutions (ids from `first`): objectives in [0, 10), optionally from a few levels so that
/// equal objectives occur; measures in [0, 1)².
let private batch (step: int) first n levels =
    let struct (k1, k2) = (Key.Of 404UL).FoldIn(step).Split2()
    let objectives = Array.zeroCreate n
    k1.Uniform(Span<float> objectives, 0.0, 10.0)

    let objectives =
        if levels then
            objectives |> Array.map (fun f -> Math.Floor(f / 2.5))
        else
            objectives

    let measures = Array.zeroCreate (2 * n)
    k2.Uniform(Span<float> measures, 0.0, 1.0)

    SolutionBatch(n, 1, Array.init n (fun i -> float (first + i))), Evaluation(n, 1, 2, objectives, measures)

let private close = { absolute = 1e-12; relative = 1e-12 }

let private expectScores (actual: float[]) (expected: float[]) what =
    Expect.equal actual.Length expected.Length $"{what}: count"

    for i in 0 .. actual.Length - 1 do
        if Double.IsPositiveInfinity expected[i] then
            Expect.isTrue (Double.IsPositiveInfinity actual[i]) $"{what}: {i} has nothing at least as fit"
        else
            Expect.floatClose close actual[i] expected[i] $"{what}: score {i}"

[<Tests>]
let tests =
    testList
        "Dominated Novelty Search"
        [
            testCase "scores equal a brute-force computation, with and without equal objectives"
            <| fun () ->
                for levels in [ false; true ] do
                    for k in [ 1; 3; 7 ] do
                        let _, e = batch (if levels then 1 else 2) 0 60 levels

                        expectScores
                            (DominatedNoveltyArchive.Score(ReadOnlySpan e.Objectives, ReadOnlySpan e.Measures, 2, k))
                            (brute e.Objectives e.Measures k)
                            $"k {k}, levels {levels}"

            testCase "a hand-made case: three points on a line"
            <| fun () ->
                // f = 3 at 0, f = 2 at 1, f = 1 at 3. The fittest has nothing fitter (∞); the second has the
                // first at distance 1; the third has both, at 3 and 2, mean 2.5 with k = 2 and 2 with k = 1.
                let objectives = [| 3.0; 2.0; 1.0 |]
                let measures = [| 0.0; 0.0; 1.0; 0.0; 3.0; 0.0 |]

                expectScores
                    (DominatedNoveltyArchive.Score(ReadOnlySpan objectives, ReadOnlySpan measures, 2, 2))
                    [| infinity; 1.0; 2.5 |]
                    "k 2"

                expectScores
                    (DominatedNoveltyArchive.Score(ReadOnlySpan objectives, ReadOnlySpan measures, 2, 1))
                    [| infinity; 1.0; 2.0 |]
                    "k 1"

            testCase "the population never exceeds its capacity, and the survivors are the pool's highest scores"
            <| fun () ->
                let capacity, k = 50, 3

                let mutable archive =
                    DominatedNoveltyArchive.Create(1, 2, DnsOptions(Capacity = capacity, Neighbours = k))

                for step in 0..9 do
                    let solutions, evaluation = batch (10 + step) (step * 24) 24 (step % 2 = 0)
                    let pool = Seq.toArray archive.Elites

                    let objectives = Array.append (pool |> Array.map _.Objective) evaluation.Objectives

                    let measures =
                        Array.append (pool |> Array.collect (fun e -> e.Measures.ToArray())) evaluation.Measures

                    let rowIds = solutions.Values.ToArray()
                    let ids = Array.append (pool |> Array.map (fun e -> e.Solution[0])) rowIds
                    let scores = brute objectives measures k
                    let struct (next, report) = archive.Add(solutions, evaluation)
                    Expect.equal next.Count (min capacity objectives.Length) $"batch {step}: population size"
                    Expect.isLessThanOrEqual next.Stats.NumElites capacity "capacity honoured"

                    // Expected survivors: highest score, then highest objective, then oldest.
                    let expected =
                        Array.init objectives.Length id
                        |> Array.sortWith (fun a b ->
                            compare (-scores[a], -objectives[a], a) (-scores[b], -objectives[b], b))
                        |> Array.truncate capacity
                        |> Array.map (fun i -> ids[i])
                        |> Set.ofArray

                    Expect.equal
                        (next.Elites |> Seq.map (fun e -> e.Solution[0]) |> Set.ofSeq)
                        expected
                        $"batch {step}: survivors"

                    for i in 0..23 do
                        let survived = expected.Contains(rowIds[i])
                        Expect.equal (report.Status[i] = AddStatus.New) survived $"batch {step}, row {i}: status"
                        let s = scores[pool.Length + i]

                        if Double.IsPositiveInfinity s then
                            Expect.isTrue (Double.IsPositiveInfinity report.Value[i]) "value: infinite score"
                        else
                            Expect.floatClose close report.Value[i] s $"batch {step}, row {i}: value is the score"

                    // Survivors keep their slots.
                    for e in archive.Elites do
                        match next.EliteAt e.Cell with
                        | null -> ()
                        | kept when kept.Solution[0] = e.Solution[0] -> ()
                        | _ ->
                            Expect.isFalse
                                (expected.Contains(e.Solution[0]))
                                $"batch {step}: survivor {e.Solution[0]} moved from slot {e.Cell}"

                    expectScores
                        (next.Scores())
                        (brute
                            (next.Elites |> Seq.map _.Objective |> Seq.toArray)
                            (next.Elites |> Seq.collect (fun e -> e.Measures.ToArray()) |> Seq.toArray)
                            k)
                        "members' scores"

                    archive <- next

                Expect.equal archive.Count capacity "full after 240 offered"
                Expect.equal archive.Stats.Coverage 1.0 "coverage is members over capacity"

            testCase "without objectives every solution is as fit as every other: the score is plain novelty"
            <| fun () ->
                let _, e = batch 5 0 30 false
                let zeros = Array.zeroCreate 30

                let scores =
                    DominatedNoveltyArchive.Score(ReadOnlySpan zeros, ReadOnlySpan e.Measures, 2, 4)

                let novelty = brute zeros e.Measures 4
                expectScores scores novelty "novelty"
                Expect.isTrue (scores |> Array.forall Double.IsFinite) "all finite"
        ]
