module TaskTests

open System
open Expecto
open Properties
open QdFunctional.Core.Batches
open QdFunctional.Core.Tasks
open QdFunctional.Numerics

let private single (values: float[]) = SolutionBatch(1, values.Length, values)

/// Central finite differences of every output (objective, then measures) at one solution.
let private finiteJacobian (task: ITask) (x: float[]) =
    let h = 1e-6

    let outputs (v: float[]) =
        let e = task.Evaluate(single v)
        Array.append e.Objectives e.Measures

    [|
        for j in 0 .. x.Length - 1 ->
            let plus = Array.copy x
            let minus = Array.copy x
            plus[j] <- plus[j] + h
            minus[j] <- minus[j] - h
            Array.map2 (fun a b -> (a - b) / (2.0 * h)) (outputs plus) (outputs minus)
    |]

let private checkJacobian (task: ITask) (x: float[]) =
    let e = task.Evaluate(single x, true)
    let d = x.Length
    let fd = finiteJacobian task x

    for r in 0..2 do
        for j in 0 .. d - 1 do
            Expect.floatClose
                { absolute = 1e-5; relative = 1e-5 }
                (e.Jacobians[r * d + j])
                (fd[j][r])
                $"output {r}, coordinate {j}"

[<Tests>]
let tests =
    testList
        "Tasks"
        [
            // Slices share their parent's storage (batches are never mutated): rows must still read right.
            testCase "a batch's slice, and a slice of it, read the parent's rows"
            <| fun () ->
                let b = SolutionBatch(5, 3, Array.init 15 float)
                let s = b.Slice(1, 3)
                Expect.equal (s.Values.ToArray()) [| 3.0 .. 11.0 |] "values of rows 1..3"
                Expect.equal (s.Row(2).ToArray()) [| 9.0; 10.0; 11.0 |] "row 2 of the slice is row 3"
                Expect.equal (s.Slice(1, 1).Values.ToArray()) [| 6.0; 7.0; 8.0 |] "slice of a slice"

                Expect.equal
                    (SolutionBatch.Concat([| s; b.Slice(0, 1) |]).Values.ToArray())
                    (Array.append [| 3.0 .. 11.0 |] [| 0.0; 1.0; 2.0 |])
                    "concat of slices"

                Expect.throws (fun () -> b.Slice(4, 2) |> ignore) "rows beyond the batch"

            // The evaluations run four or eight rows per vector (one row per lane); every batch size, with its
            // short last group, must give each row's scalar formula bit for bit.
            testCase "vectorised LP and arm evaluations equal the scalar per-row formulas bit for bit"
            <| fun () ->
                let bits (x: float) = BitConverter.DoubleToInt64Bits x
                let d = 13
                let links = Array.init d (fun j -> 0.5 + 0.1 * float j)
                let arm = PlanarArm(d, links)

                for n in 1..17 do
                    // Values inside and outside [-5.12, 5.12] (the clipped measure's two branches).
                    let values =
                        Array.init (n * d) (fun i -> 9.0 * sin (float i * 1.7) + 0.3 * float (i % 5))

                    let batch = SolutionBatch(n, d, values)

                    for kind in [ LinearProjection.Function.Sphere; LinearProjection.Function.Rastrigin ] do
                        let task = LinearProjection(kind, d)
                        let e = task.Evaluate batch
                        let sphere = kind = LinearProjection.Function.Sphere

                        for i in 0 .. n - 1 do
                            let mutable raw = if sphere then 0.0 else 10.0 * float d
                            let mutable m0, m1 = 0.0, 0.0

                            for j in 0 .. d - 1 do
                                let v = values[i * d + j]
                                let z = v - 5.12 * 0.4

                                raw <-
                                    raw
                                    + (if sphere then
                                           z * z
                                       else
                                           z * z - 10.0 * PortableMath.Cos(2.0 * Math.PI * z))

                                let c = if v >= -5.12 && v <= 5.12 then v else 5.12 / v

                                if j < d / 2 then m0 <- m0 + c else m1 <- m1 + c

                            let objective = (raw - task.WorstRaw) * (-100.0 / task.WorstRaw)
                            Expect.equal (bits e.Objectives[i]) (bits objective) $"{task.Name} n {n} row {i} objective"
                            Expect.equal (bits e.Measures[2 * i]) (bits m0) $"{task.Name} n {n} row {i} measure 0"
                            Expect.equal (bits e.Measures[2 * i + 1]) (bits m1) $"{task.Name} n {n} row {i} measure 1"

                    let e = arm.Evaluate batch

                    for i in 0 .. n - 1 do
                        let theta = values[i * d .. i * d + d - 1]
                        let mutable mean = 0.0

                        for t in theta do
                            mean <- mean + t

                        mean <- mean / float d
                        let mutable variance, phi, x, y = 0.0, 0.0, 0.0, 0.0

                        for j in 0 .. d - 1 do
                            let c = theta[j] - mean
                            variance <- variance + c * c
                            phi <- phi + theta[j]
                            x <- x + links[j] * PortableMath.Cos phi
                            y <- y + links[j] * PortableMath.Sin phi

                        let objective = (1.0 - variance / float d) * 100.0
                        Expect.equal (bits e.Objectives[i]) (bits objective) $"arm n {n} row {i} objective"
                        Expect.equal (bits e.Measures[2 * i]) (bits x) $"arm n {n} row {i} x"
                        Expect.equal (bits e.Measures[2 * i + 1]) (bits y) $"arm n {n} row {i} y"

            testCase "LP-sphere: 100 at the optimum 2.048, 0 at the corner -5.12"
            <| fun () ->
                let t = LinearProjection(LinearProjection.Function.Sphere, 10)

                let e =
                    t.Evaluate(SolutionBatch(2, 10, Array.append (Array.create 10 2.048) (Array.create 10 -5.12)))

                Expect.floatClose Accuracy.veryHigh e.Objectives[0] 100.0 "optimum"
                Expect.floatClose Accuracy.veryHigh e.Objectives[1] 0.0 "corner"
                Expect.equal t.MeasureHigh [| 25.6; 25.6 |] "bounds ±5.12·d/2"

            testCase "LP-Rastrigin: 100 at the optimum, 0 at the corner"
            <| fun () ->
                let t = LinearProjection(LinearProjection.Function.Rastrigin, 6)

                let e =
                    t.Evaluate(SolutionBatch(2, 6, Array.append (Array.create 6 2.048) (Array.create 6 -5.12)))

                Expect.floatClose Accuracy.veryHigh e.Objectives[0] 100.0 "optimum"
                Expect.floatClose Accuracy.veryHigh e.Objectives[1] 0.0 "corner"

            testCase "LP measures sum each half, with values beyond ±5.12 folded to 5.12/x"
            <| fun () ->
                let t = LinearProjection(LinearProjection.Function.Sphere, 4)
                let e = t.Evaluate(single [| 1.0; 10.24; -2.0; -5.12 |])
                Expect.floatClose Accuracy.veryHigh e.Measures[0] 1.5 "1 + 5.12/10.24"
                Expect.floatClose Accuracy.veryHigh e.Measures[1] -7.12 "-2 - 5.12 (bound itself is not folded)"

            testCase "arm: straight arm reaches (n, 0) with the best objective; a right angle turns it"
            <| fun () ->
                let t = PlanarArm(5)

                let e =
                    t.Evaluate(
                        SolutionBatch(2, 5, Array.append (Array.zeroCreate 5) [| Math.PI / 2.0; 0.0; 0.0; 0.0; 0.0 |])
                    )

                Expect.floatClose Accuracy.veryHigh e.Objectives[0] 100.0 "zero variance"
                Expect.floatClose Accuracy.veryHigh e.Measures[0] 5.0 "x"
                Expect.floatClose Accuracy.veryHigh e.Measures[1] 0.0 "y"
                Expect.floatClose Accuracy.veryHigh e.Measures[2] 0.0 "turned: x"
                Expect.floatClose Accuracy.veryHigh e.Measures[3] 5.0 "turned: y"

                Expect.floatClose
                    Accuracy.veryHigh
                    e.Objectives[1]
                    (100.0 * (1.0 - (Math.PI / 2.0) ** 2.0 * 4.0 / 25.0))
                    "variance of (π/2, 0, 0, 0, 0)"

            testCase "Jacobians of LP-sphere, LP-Rastrigin and the arm match finite differences"
            <| fun () ->
                let x = (normals 11UL 1 12 3.0).Values.ToArray()
                x[3] <- 7.5 // a coordinate in the folded region
                checkJacobian (LinearProjection(LinearProjection.Function.Sphere, 12)) x
                checkJacobian (LinearProjection(LinearProjection.Function.Rastrigin, 12)) x
                checkJacobian (PlanarArm(12)) ((normals 12UL 1 12 0.5).Values.ToArray())

            testCase "evaluations do not depend on batch composition (row independence)"
            <| fun () ->
                let t = LinearProjection(LinearProjection.Function.Rastrigin, 1000)
                let batch = normals 13UL 300 1000 2.0
                let all = t.Evaluate batch
                let part = t.Evaluate(batch.Slice(100, 7))
                Expect.equal part.Objectives (all.Objectives[100..106]) "same bits for the same row"

            testCase "the engine's tasks equal the hand-written ones: values and Jacobians to 1e-12"
            <| fun () ->
                // A random task (noisy-arm) has no Jacobians and no engine form of its own.
                for name in
                    TaskCatalog.Names
                    |> Seq.filter (fun n -> not (TaskCatalog.Create(n, 4) :? IStochasticTask)) do
                    let plain = TaskCatalog.Create(name, 40)
                    let engine = TaskCatalog.CreateInEngine(name, 40)
                    let x = normals 21UL 17 40 (if name = "arm" then 0.7 else 4.0)
                    x.Values.ToArray() |> ignore
                    let a, b = plain.Evaluate(x, true), engine.Evaluate(x, true)

                    let close (u: float[]) (v: float[]) what =
                        Expect.equal u.Length v.Length $"{name}: {what} length"

                        Array.iteri2
                            (fun i p q ->
                                Expect.floatClose { absolute = 1e-12; relative = 1e-12 } q p $"{name}: {what}[{i}]")
                            u
                            v

                    close a.Objectives b.Objectives "objectives"
                    close a.Measures b.Measures "measures"
                    close a.Jacobians b.Jacobians "Jacobians"
                    let valuesOnly = engine.Evaluate x
                    Expect.isNull valuesOnly.Jacobians "no Jacobians unless asked"
                    close valuesOnly.Objectives b.Objectives "value-only objectives"

            testCase "a user's differentiable task: outputs of the wrong width are refused"
            <| fun () ->
                let t =
                    DifferentiableTask(
                        "bad",
                        3,
                        1,
                        [| -1.0; -1.0 |],
                        [| 1.0; 1.0 |],
                        (0.0, 1.0),
                        fun x -> QdFunctional.Diff.Tensor.Sum x
                    )

                throwsWith<InvalidOperationException> [ "bad"; "expected 2 × 3" ] (fun () ->
                    t.Evaluate(normals 1UL 2 3 1.0) |> ignore)

            testCase "tasks by name, and clear errors"
            <| fun () ->
                Expect.equal (TaskCatalog.Create("arm", 7).SolutionDim) 7 "arm"

                throwsWith<ArgumentException> [ "Unknown task 'ant'"; "lp-sphere" ] (fun () ->
                    TaskCatalog.Create("ant", 7) |> ignore)

                throwsWith<ArgumentException> [ "dimension 3"; "has 4" ] (fun () ->
                    (PlanarArm 4).Evaluate(single [| 0.0; 0.0; 0.0 |]) |> ignore)
        ]
