/// The CQD score (Kent et al. 2022; pyribs' cqd_score) on cases small enough to compute by hand.
module CqdScoreTests

open System
open Expecto
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Metrics
open QdFunctional.Core.Random

let private close = { absolute = 1e-12; relative = 1e-12 }

/// Two elites on [0, 1] (one measure, and a second one always 0): f = 1 at 0 and f = 0.5 at 1.
let private objectives = [| 1.0; 0.5 |]
let private measures = [| 0.0; 0.0; 1.0; 0.0 |]

/// Targets on the line (second measure 0).
let private on (xs: float list) =
    xs |> List.collect (fun x -> [ x; 0.0 ]) |> List.toArray

[<Tests>]
let tests =
    testList
        "CQD score"
        [
            testCase "a hand-computed case"
            <| fun () ->
                // Targets 0, 0.5, 1; penalties 0 and 1; objectives normalized over [0, 1]; distances over 1.
                // θ = 0: every target takes the best objective, 1: 3 in all.
                // θ = 1: target 0: max(1 − 0, 0.5 − 1) = 1; target 0.5: max(1 − 0.5, 0.5 − 0.5) = 0.5;
                //        target 1: max(1 − 1, 0.5 − 0) = 0.5: 2 in all. Score 5.
                let r =
                    CqdScore.Of(
                        ReadOnlySpan objectives,
                        ReadOnlySpan measures,
                        2,
                        on [ 0.0; 0.5; 1.0 ],
                        1,
                        [| 0.0; 1.0 |],
                        0.0,
                        1.0,
                        1.0
                    )

                Expect.floatClose close r.Mean 5.0 "score"
                Expect.equal r.Targets 3 "targets"

            testCase "iterations are averaged, and objectives are normalized from objMin"
            <| fun () ->
                // Over [-1, 1], f̂ = (f + 1) / 2: 1 and 0.75.
                // Iteration 1 (targets 0, 0.5, 1): θ = 0 gives 3; θ = 1 gives 1 + 0.5 + 0.75 = 2.25; 5.25.
                // Iteration 2 (targets 0.5 three times): θ = 0 gives 3; θ = 1 gives 3 × max(0.5, 0.25) = 1.5; 4.5.
                let targets = Array.append (on [ 0.0; 0.5; 1.0 ]) (on [ 0.5; 0.5; 0.5 ])

                let r =
                    CqdScore.Of(
                        ReadOnlySpan objectives,
                        ReadOnlySpan measures,
                        2,
                        targets,
                        2,
                        [| 0.0; 1.0 |],
                        -1.0,
                        1.0,
                        1.0
                    )

                Expect.sequenceEqual r.Scores [ 5.25; 4.5 ] "per iteration"
                Expect.floatClose close r.Mean 4.875 "mean"

            testCase "no clipping: a far, poor elite serves a target with a negative value; an empty archive scores 0"
            <| fun () ->
                let r =
                    CqdScore.Of(
                        ReadOnlySpan [| 0.0 |],
                        ReadOnlySpan [| 0.0; 0.0 |],
                        2,
                        on [ 1.0 ],
                        1,
                        [| 1.0 |],
                        0.0,
                        1.0,
                        1.0
                    )

                Expect.floatClose close r.Mean (-1.0) "f̂ 0 at distance 1"

                let empty =
                    CqdScore.Of(
                        ReadOnlySpan<float>.Empty,
                        ReadOnlySpan<float>.Empty,
                        2,
                        on [ 1.0 ],
                        1,
                        [| 1.0 |],
                        0.0,
                        1.0,
                        1.0
                    )

                Expect.equal empty.Mean 0.0 "empty"

            testCase "sampled targets, even penalties and the box diagonal (pyribs' set-up) from an archive"
            <| fun () ->
                Expect.sequenceEqual (CqdScore.EvenPenalties 5) [ 0.0; 0.25; 0.5; 0.75; 1.0 ] "penalties"
                Expect.floatClose close (CqdScore.Diagonal([| 0.0; 0.0 |], [| 3.0; 4.0 |])) 5.0 "diagonal"
                let archive = CellArchive.Grid(1, [| 4; 4 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])
                let evaluation = Evaluation(2, 1, 2, objectives, [| 0.1; 0.1; 0.9; 0.9 |])

                let struct (filled, _) =
                    archive.Add(SolutionBatch(2, 1, [| 0.0; 1.0 |]), evaluation)

                let key = Key.Of 9UL
                let options = CqdOptions(Iterations = 3, Targets = 50, Penalties = 4)

                let a =
                    CqdScore.Sampled(filled, key, [| 0.0; 0.0 |], [| 1.0; 1.0 |], 0.0, 1.0, options)

                let b =
                    CqdScore.Sampled(filled, key, [| 0.0; 0.0 |], [| 1.0; 1.0 |], 0.0, 1.0, options)

                Expect.equal a.Scores b.Scores "same key, same score"
                let targets = CqdScore.SampleTargets(key, 3, 50, [| 0.0; 0.0 |], [| 1.0; 1.0 |])

                let direct =
                    CqdScore.Of(filled, targets, 3, CqdScore.EvenPenalties 4, 0.0, 1.0, Math.Sqrt 2.0)

                Expect.equal a.Mean direct.Mean "Sampled is Of with drawn targets"
                // θ = 0 gives 50 × 1 per iteration; larger θ less, but at least 50 × (0.5 − 1) per penalty.
                Expect.isLessThan a.Mean 200.0 "below the no-penalty bound"
                Expect.isGreaterThan a.Mean 50.0 "above θ = 0's share alone"

            testCase "bad input is refused"
            <| fun () ->
                Properties.throwsWith<ArgumentException> [ "objective range" ] (fun () ->
                    CqdScore.Of(
                        ReadOnlySpan objectives,
                        ReadOnlySpan measures,
                        2,
                        on [ 0.0 ],
                        1,
                        [| 0.0 |],
                        1.0,
                        1.0,
                        1.0
                    )
                    |> ignore)

                Properties.throwsWith<ArgumentException> [ "target values" ] (fun () ->
                    CqdScore.Of(
                        ReadOnlySpan objectives,
                        ReadOnlySpan measures,
                        2,
                        [| 0.0 |],
                        1,
                        [| 0.0 |],
                        0.0,
                        1.0,
                        1.0
                    )
                    |> ignore)
        ]
