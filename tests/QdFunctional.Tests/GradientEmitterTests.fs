module GradientEmitterTests

open System
open Expecto
open Properties
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Random
open QdFunctional.Core.Scheduling
open QdFunctional.Core.Tasks

/// A linear task: f = a·x, measures (x_0, x_1); its Jacobian rows are a, e_0, e_1.
type private Linear(a: float[]) =
    interface ITask with
        member _.Name = "linear"
        member _.SolutionDim = a.Length
        member _.ObjectiveCount = 1
        member _.MeasureDim = 2
        member _.MeasureLow = [| -10.0; -10.0 |]
        member _.MeasureHigh = [| 10.0; 10.0 |]
        member _.ObjectiveRange = (-100.0, 100.0)
        member _.HasGradients = true

        member _.Evaluate(solutions, withJacobians) =
            let n, d = solutions.Count, a.Length

            let obj =
                Array.init n (fun i -> Seq.sum (Seq.map2 (*) (solutions.Row(i).ToArray()) a))

            let meas = Array.init (2 * n) (fun j -> solutions.Row(j / 2)[j % 2])

            let jac =
                if withJacobians then
                    Array.init (n * 3 * d) (fun idx ->
                        let r, j = (idx / d) % 3, idx % d

                        match r with
                        | 0 -> a[j]
                        | 1 -> if j = 0 then 1.0 else 0.0
                        | _ -> if j = 1 then 1.0 else 0.0)
                else
                    null

            Evaluation(n, 1, 2, obj, meas, jac, d)

let private archive d =
    CellArchive.Grid(d, [| 10; 10 |], [| -10.0; -10.0 |], [| 10.0; 10.0 |])

let private stage (task: ITask) (emitter: GradientOperatorEmitter) key =
    let struct (e1, points) = emitter.AskGradients(archive task.SolutionDim, key)
    let ev = task.Evaluate(points, true)

    let e2 =
        e1.TellGradients(
            archive task.SolutionDim,
            points,
            ev,
            AddReport(Array.zeroCreate points.Count, Array.zeroCreate points.Count, Array.zeroCreate points.Count)
        )

    points, e2

[<Tests>]
let tests =
    testList
        "Gradient emitters"
        [
            testCase "OG: each branch is its point plus sigma_g times the objective gradient"
            <| fun () ->
                let task = Linear [| 3.0; 0.0; 4.0 |] :> ITask
                let e = GradientOperatorEmitter(3, 0.5, 0.1, false, false, 5, [| 1.0; 2.0; 3.0 |])
                let points, told = stage task e (Key.Of 1UL)
                let struct (_, branches) = told.Ask(archive 3, Key.Of 2UL)

                for i in 0..4 do
                    for j in 0..2 do
                        Expect.floatClose
                            Accuracy.veryHigh
                            (branches.Row(i)[j])
                            (points.Row(i)[j] + 0.1 * [| 3.0; 0.0; 4.0 |][j])
                            "x + σ_g ∇f"

            testCase "OMG with normalized gradients: unit objective step coefficient is non-negative"
            <| fun () ->
                let task = Linear [| 3.0; 0.0; 4.0 |] :> ITask
                let e = GradientOperatorEmitter(3, 0.0, 1.0, true, true, 400, [| 0.0; 0.0; 0.0 |])
                let points, told = stage task e (Key.Of 3UL)
                Expect.equal (points.Values.ToArray()) (Array.zeroCreate 1200) "sigma0 = 0 keeps x0"
                let struct (_, branches) = told.Ask(archive 3, Key.Of 4UL)
                // With ∇f/|∇f| = (0.6, 0, 0.8), e_0 and e_1: x_2 = 0.8 c_0, so c_0 = x_2 / 0.8 ≥ 0.
                let c0 = [ for i in 0..399 -> branches.Row(i)[2] / 0.8 ]
                Expect.all c0 (fun c -> c >= 0.0) "objective coefficient is |N(0, σ_g²)|"
                let c1 = [ for i in 0..399 -> branches.Row(i)[0] - 0.6 * c0[i] ]

                Expect.isTrue
                    (c1 |> List.exists (fun c -> c < -0.1) && c1 |> List.exists (fun c -> c > 0.1))
                    "measure coefficients take both signs"

                let sd = sqrt (c1 |> List.averageBy (fun c -> c * c))
                Expect.floatClose { absolute = 0.15; relative = 0.0 } sd 1.0 "measure coefficients ~ N(0, 1)"

            testCase "normalized gradients have unit norm"
            <| fun () ->
                let g = Gradients.Normalized(ReadOnlySpan [| 3.0; 4.0; 0.0; 0.0; 0.0; 5.0 |], 3)
                Expect.floatClose Accuracy.high (sqrt (g[0] ** 2.0 + g[1] ** 2.0)) 1.0 "row 0"
                Expect.floatClose Accuracy.high g[5] 1.0 "row 1"

            testCase "branches before gradients, or gradients without Jacobians, are refused"
            <| fun () ->
                let e = GradientOperatorEmitter(3, 0.5, 0.1, false, false, 2, [| 0.0; 0.0; 0.0 |])

                throwsWith<InvalidOperationException> [ "ask for gradients" ] (fun () ->
                    e.Ask(archive 3, Key.Of 1UL) |> ignore)

                let struct (_, pts) = e.AskGradients(archive 3, Key.Of 1UL)
                let noJac = Evaluation(2, 1, 2, [| 0.0; 0.0 |], Array.zeroCreate 4)

                throwsWith<ArgumentException> [ "needs Jacobians" ] (fun () ->
                    e.TellGradients(
                        archive 3,
                        pts,
                        noJac,
                        AddReport(Array.zeroCreate 2, Array.zeroCreate 2, Array.zeroCreate 2)
                    )
                    |> ignore)

            testCase "the scheduler's gradient stage adds the points and counts them"
            <| fun () ->
                let task = Linear [| 1.0; 1.0; 1.0 |] :> ITask

                let e =
                    GradientOperatorEmitter(3, 1.0, 0.1, true, true, 6, [| 0.0; 0.0; 0.0 |]) :> IEmitter

                let s = Scheduler.Create(archive 3, [ e ])
                Expect.isTrue s.NeedsGradients "has a gradient emitter"
                let struct (s1, points) = s.AskGradients(Key.Of 5UL)

                throwsWith<InvalidOperationException> [ "without a pending ask" ] (fun () ->
                    s1.Tell(task.Evaluate(points)) |> ignore)

                let struct (s2, report) = s1.TellGradients(task.Evaluate(points, true))
                Expect.equal report.Count 6 "one report row per point"
                Expect.isGreaterThan s2.Archive.Stats.NumElites 0 "points entered the archive"
                let struct (s3, branches) = s2.Ask(Key.Of 6UL)
                Expect.equal branches.Count 6 "one branch per point"
                let struct (s4, _) = s3.Tell(task.Evaluate branches)
                Expect.isNull s4.Pending "nothing pending"

            testCase "OMG-MEGA beats MAP-Elites on LP-sphere by a clear margin in a short run"
            <| fun () ->
                let omg, me = shortRunScore "omg-mega" 100 300, shortRunScore "map-elites" 100 300
                Expect.isGreaterThan omg (3.0 * me) $"OMG-MEGA {omg:F2} vs MAP-Elites {me:F2}"
        ]
