module RankerTests

open System
open System.IO
open Expecto
open Properties
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Checkpoints
open QdFunctional.Core.Emitters
open QdFunctional.Core.Emitters.Rankers
open QdFunctional.Core.Optimizers
open QdFunctional.Core.Random

/// A batch of five: statuses, objectives, and measures whose first coordinate is the projection
/// on the direction (1, 0).
let private status =
    [|
        AddStatus.NotAdded
        AddStatus.Improved
        AddStatus.New
        AddStatus.Improved
        AddStatus.NotAdded
    |]

let private values = [| 2.0; 8.0; 1.0; 4.0; -3.0 |]
let private objectives = [| 1.0; 9.0; 5.0; 7.0; 3.0 |]
let private projections = [| 5.0; 1.0; 0.0; 3.0; 4.0 |]

let private evaluation =
    Evaluation(5, 1, 2, objectives, projections |> Array.collect (fun p -> [| p; 10.0 - p |]))

let private report = AddReport(status, values, Array.zeroCreate 5)

let private order (r: IRanker) =
    let struct (indices, _) = r.Rank(null, evaluation, report)
    indices

let private ranked kind =
    match Emitter.ranker kind with
    | :? RandomDirectionRanker as d -> RandomDirectionRanker([| 1.0; 0.0 |], d.Stages) :> IRanker
    | other -> other

[<Tests>]
let tests =
    testList
        "Rankers"
        [
            testCase "every ranker orders a hand-built batch as its definition says"
            <| fun () ->
                // New (2) > improved (1, 3) > not added (0, 4); within a group by the ranker's value.
                Expect.equal (order (ranked TwoStageImprovement)) [| 2; 1; 3; 0; 4 |] "imp / 2imp: status, then value"
                Expect.equal (order (ranked Improvement)) [| 1; 3; 0; 2; 4 |] "1imp (pyribs' imp): value alone"
                Expect.equal (order (ranked ObjectiveRanking)) [| 1; 3; 2; 4; 0 |] "obj: objective alone"
                Expect.equal (order (ranked TwoStageObjective)) [| 2; 1; 3; 4; 0 |] "2obj: status, then objective"
                // rd (the paper's): added (1, 2, 3) by projection, then the rest.
                Expect.equal (order (ranked RandomDirection)) [| 3; 1; 2; 0; 4 |] "rd: added first, then projection"
                Expect.equal (order (ranked TwoStageRandomDirection)) [| 2; 3; 1; 0; 4 |] "2rd: status, then projection"
                Expect.equal (order (ranked ProjectionOnly)) [| 0; 4; 3; 1; 2 |] "1rd (pyribs' rd): projection alone"

            testCase "the novelty ranker orders by the report's novelty and refuses a report without one"
            <| fun () ->
                let withNovelty =
                    AddReport(Array.zeroCreate 3, Array.zeroCreate 3, Array.zeroCreate 3, [| 0.5; 2.0; 1.0 |])

                let struct (indices, ranked) = NoveltyRanker().Rank(null, null, withNovelty)
                Expect.equal indices [| 1; 2; 0 |] "most novel first"
                Expect.equal ranked [| 2.0; 1.0; 0.5 |] "novelties in rank order"

                throwsWith<ArgumentException> [ "no novelty"; "proximity" ] (fun () ->
                    NoveltyRanker().Rank(null, null, report) |> ignore)

            testCase "the NSLC ranker sorts into fronts over (novelty, local competition), each by crowding distance"
            <| fun () ->
                // (novelty, competition): 0 (3, 0), 1 (1, 4), 2 (2, 2), 3 (1, 1), 4 (3, 0). 2 dominates 3; the
                // first front is {0, 1, 2, 4}. Crowding: 0, 1 and 4 sit at an end of some score (+∞);
                // 2 gets (3 - 1) / 2 + (4 - 0) / 4 = 2. So 0, 1, 4 (batch order among equals), then 2, then 3.
                let r =
                    AddReport(
                        Array.zeroCreate 5,
                        Array.zeroCreate 5,
                        Array.zeroCreate 5,
                        [| 3.0; 1.0; 2.0; 1.0; 3.0 |],
                        [| 0; 4; 2; 1; 0 |]
                    )

                let struct (indices, ranked) = NslcRanker().Rank(null, null, r)
                Expect.equal indices [| 0; 1; 4; 2; 3 |] "fronts, then crowding"
                Expect.equal ranked [| 3.0; 1.0; 3.0; 2.0; 1.0 |] "novelties in rank order"

                throwsWith<ArgumentException> [ "local competition" ] (fun () ->
                    NslcRanker().Rank(null, null, report) |> ignore)

            testCase "the NSLC ranker's first front is exactly the batch's non-dominated set (random batches)"
            <| fun () ->
                for seed in 1UL .. 20UL do
                    let n = 30
                    let u = Array.zeroCreate<float> n
                    (Key.Of seed).Uniform(u.AsSpan())
                    let novelty = u |> Array.map (fun v -> Math.Round(v * 4.0))
                    let competition = u |> Array.map (fun v -> int (v * 1000.0) % 5)

                    let r =
                        AddReport(Array.zeroCreate n, Array.zeroCreate n, Array.zeroCreate n, novelty, competition)

                    let struct (indices, _) = NslcRanker().Rank(null, null, r)

                    let dominates a b =
                        novelty[a] >= novelty[b]
                        && competition[a] >= competition[b]
                        && (novelty[a] > novelty[b] || competition[a] > competition[b])

                    let front =
                        [ 0 .. n - 1 ]
                        |> List.filter (fun i -> not ([ 0 .. n - 1 ] |> List.exists (fun j -> dominates j i)))

                    Expect.equal
                        (Set.ofArray indices[.. front.Length - 1])
                        (Set.ofList front)
                        $"seed {seed}: first front"

                    Expect.equal (Array.sort indices) [| 0 .. n - 1 |] $"seed {seed}: a permutation"

                    // No solution is ranked ahead of one that dominates it.
                    for a in 0 .. n - 1 do
                        for b in a + 1 .. n - 1 do
                            Expect.isFalse
                                (dominates indices[b] indices[a])
                                $"seed {seed}: {indices[b]} dominates {indices[a]} but ranks after it"

            testCase "ranker names: ours and pyribs' side by side, pools, and errors naming the bad part"
            <| fun () ->
                let parse = RankerKind.tryParsePool
                Expect.equal (parse "imp") (Ok [ TwoStageImprovement, 0 ]) "imp is the two-stage ranking"
                Expect.equal (parse "2imp") (Ok [ TwoStageImprovement, 0 ]) "pyribs' 2imp is the same"
                Expect.equal (parse "1imp") (Ok [ Improvement, 0 ]) "pyribs' imp is 1imp"
                Expect.equal (parse "1rd") (Ok [ ProjectionOnly, 0 ]) "pyribs' rd is 1rd"

                Expect.equal
                    (parse "2rd:7,2imp:8")
                    (Ok [ TwoStageRandomDirection, 7; TwoStageImprovement, 8 ])
                    "pyribs' cma_me_mixed"

                let error text =
                    match parse text with
                    | Error e -> e
                    | Ok p -> failwith $"'{text}' parsed as {p}"

                Expect.stringContains (error "best") "'best'" "unknown name"
                Expect.stringContains (error "2rd:0,2imp:8") "count of at least 1" "zero count"
                Expect.stringContains (error "2rd:7,2imp") "every part a count" "missing count"

            testCase "a mixed pool's emitters get the rankers asked for, in order, from the front and from a run plan"
            <| fun () ->
                let rankers (emitters: IEmitter list) =
                    emitters
                    |> List.map (fun e ->
                        match (e :?> EvolutionStrategyEmitter).Ranker with
                        | :? RandomDirectionRanker as d -> $"rd-{d.Stages}"
                        | r -> r.GetType().Name)

                let expected =
                    List.replicate 7 "rd-StatusFirst" @ List.replicate 8 "TwoStageImprovementRanker"

                let front =
                    Emitter.evolutionStrategyPool
                        EvolutionStrategySettings.cmaMe
                        [ TwoStageRandomDirection, 7; TwoStageImprovement, 8 ]
                        (Array.zeroCreate 10)

                Expect.equal (rankers front) expected "Emitter.evolutionStrategyPool"

                let config =
                    { RunConfig.preset "lp-sphere" "cma-me" { RunConfig.defaults with Dim = 10 } with
                        Emitters = 15
                        Ranker = "2rd:7,2imp:8"
                    }

                let plan = RunPlan.parse config
                Expect.equal (rankers (Run.emitters plan (Run.task plan))) expected "qd run --ranker 2rd:7,2imp:8"

                match RunPlan.tryParse { config with Emitters = 14 } with
                | Error errors ->
                    Expect.stringContains (String.concat " " errors) "names 15 emitters, but the run has 14" "pool size"
                | Ok _ -> failtest "a pool of 15 over 14 emitters was accepted"

            testCase "a checkpointed random direction keeps its stages and direction"
            <| fun () ->
                for stages in
                    [
                        DirectionStages.AddedFirst
                        DirectionStages.StatusFirst
                        DirectionStages.ProjectionOnly
                    ] do
                    let emitter =
                        EvolutionStrategyEmitter(
                            CmaEs.Create(ReadOnlySpan(Array.zeroCreate 4), 0.5, 8),
                            RandomDirectionRanker([| 0.6; -0.8 |], stages),
                            RestartRule.NoImprovement()
                        )

                    use stream = new MemoryStream()
                    use writer = new BinaryWriter(stream)
                    EmitterState.Write(writer, emitter)
                    stream.Position <- 0L
                    use reader = new BinaryReader(stream)

                    let fresh =
                        EvolutionStrategyEmitter(
                            CmaEs.Create(ReadOnlySpan(Array.zeroCreate 4), 0.5, 8),
                            RandomDirectionRanker(null, stages),
                            RestartRule.NoImprovement()
                        )

                    let back = EmitterState.Read(reader, fresh) :?> EvolutionStrategyEmitter
                    let ranker = back.Ranker :?> RandomDirectionRanker
                    Expect.equal ranker.Stages stages "stages"
                    Expect.equal ranker.Direction [| 0.6; -0.8 |] "direction"
        ]
