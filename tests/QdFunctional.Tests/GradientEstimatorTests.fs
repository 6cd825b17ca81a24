module GradientEstimatorTests

open System
open Expecto
open Properties
open QdFunctional.Core.Batches
open QdFunctional.Core.Random
open QdFunctional.Core.Tasks

let private cosine (a: ReadOnlySpan<float>) (b: ReadOnlySpan<float>) =
    let mutable dot, na, nb = 0.0, 0.0, 0.0

    for i in 0 .. a.Length - 1 do
        dot <- dot + a[i] * b[i]
        na <- na + a[i] * a[i]
        nb <- nb + b[i] * b[i]

    dot / sqrt (na * nb)

[<Tests>]
let tests =
    testList
        "Gradient estimation"
        [
            testCase "ES estimates point the same way as exact gradients on smooth tasks (cosine > 0.9)"
            <| fun () ->
                let estimator = GradientEstimator(Pairs = 200, Sigma = 0.02)

                for task in
                    [
                        LinearProjection(LinearProjection.Function.Sphere, 20) :> ITask
                        PlanarArm(20)
                    ] do
                    let points = normals 31UL 4 20 0.8
                    let exact = task.Evaluate(points, true)
                    let estimated = estimator.Estimate(task, points, Key.Of 32UL)
                    Expect.equal estimated.Objectives exact.Objectives $"{task.Name}: values are the task's own"

                    for row in 0 .. 4 * 3 - 1 do
                        let c =
                            cosine
                                (ReadOnlySpan(estimated.Jacobians, row * 20, 20))
                                (ReadOnlySpan(exact.Jacobians, row * 20, 20))

                        Expect.isGreaterThan c 0.9 $"{task.Name}: gradient {row % 3} of point {row / 3}, cosine {c:F3}"

            testCase "estimates are deterministic under a key and differ under another"
            <| fun () ->
                let task = PlanarArm(8) :> ITask
                let points = normals 33UL 3 8 0.5
                let e = GradientEstimator(Pairs = 5)
                let a = e.Estimate(task, points, Key.Of 1UL)
                let b = e.Estimate(task, points, Key.Of 1UL)
                let c = e.Estimate(task, points, Key.Of 2UL)
                Expect.equal a.Jacobians b.Jacobians "same key"
                Expect.notEqual a.Jacobians c.Jacobians "other key"
                Expect.equal e.EvaluationsPerPoint 11 "1 + 2P evaluations per point"

            testCase "centered ranks span [-0.5, 0.5] and ties share their mean rank"
            <| fun () ->
                let ranks = Array.zeroCreate 5

                GradientEstimator.CenteredRanks(
                    ReadOnlySpan [| 3.0; 1.0; 2.0; 2.0; 9.0 |],
                    Span(Array.zeroCreate 5),
                    Span ranks
                )

                Expect.equal ranks [| 0.25; -0.5; -0.125; -0.125; 0.5 |] "ranks"

            testCase "bad settings are refused"
            <| fun () ->
                let task = PlanarArm(3) :> ITask

                throwsWith<ArgumentOutOfRangeException> [ "Pairs" ] (fun () ->
                    GradientEstimator(Pairs = 0).Estimate(task, normals 1UL 1 3 1.0, Key.Of 1UL)
                    |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "Sigma" ] (fun () ->
                    GradientEstimator(Sigma = -1.0).Estimate(task, normals 1UL 1 3 1.0, Key.Of 1UL)
                    |> ignore)
        ]
