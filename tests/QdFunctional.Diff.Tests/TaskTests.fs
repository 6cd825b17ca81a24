/// The differentiable benchmark tasks against their closed forms (pyribs / DQD paper definitions)
/// and their analytic Jacobians.
module TaskTests

open System
open Expecto
open QdFunctional.Diff
open QdFunctional.Diff.Benchmarks
open Common

let private shift = 0.4 * 5.12

let private clip v = if abs v <= 5.12 then v else 5.12 / v

let private clipGrad v =
    if abs v <= 5.12 then 1.0 else -5.12 / (v * v)

// Measures and their gradients for one solution, written out with loops as pyribs does.
let private lpMeasures (x: float[]) =
    let h = x.Length / 2

    [|
        Array.sum (Array.map clip x.[.. h - 1])
        Array.sum (Array.map clip x.[h..])
    |],
    [|
        Array.init x.Length (fun k -> if k < h then clipGrad x.[k] else 0.0)
        Array.init x.Length (fun k -> if k >= h then clipGrad x.[k] else 0.0)
    |]

let private rowsOf (x: Tensor) =
    Array.init x.Rows (fun i -> Array.init x.Cols (fun k -> x.[i, k]))

/// Expected values (batch × 3) and Jacobian (batch × 3 × n) from per-solution closed forms.
let private expected (x: Tensor) (objective: float[] -> float * float[]) =
    let n = x.Cols
    let values = ResizeArray()
    let jac = ResizeArray()

    for s in rowsOf x do
        let o, og = objective s
        let m, mg = lpMeasures s
        values.AddRange [ o; m.[0]; m.[1] ]
        jac.AddRange og
        jac.AddRange mg.[0]
        jac.AddRange mg.[1]

    values.ToArray(), jac.ToArray()

let private sphere (s: float[]) =
    let n = float s.Length
    let worst = (-5.12 - shift) ** 2.0 * n
    let raw = s |> Array.sumBy (fun v -> (v - shift) ** 2.0)
    (raw - worst) / (0.0 - worst) * 100.0, s |> Array.map (fun v -> -2.0 * (v - shift) * 100.0 / worst)

let private rastrigin (s: float[]) =
    let n = float s.Length
    let term d = d * d - 10.0 * cos (2.0 * Math.PI * d)
    let worst = 10.0 * n + n * term (-5.12 - shift)
    let raw = 10.0 * n + (s |> Array.sumBy (fun v -> term (v - shift)))

    (raw - worst) / (0.0 - worst) * 100.0,
    s
    |> Array.map (fun v -> let d = v - shift in -(2.0 * d + 20.0 * Math.PI * sin (2.0 * Math.PI * d)) * 100.0 / worst)

let private armExpected (theta: Tensor) (l: float[]) =
    let values = ResizeArray()
    let jac = ResizeArray()

    for s in rowsOf theta do
        let n = s.Length
        let phi = Array.scan (+) 0.0 s |> Array.tail
        let mean = Array.average s
        let var = s |> Array.averageBy (fun v -> (v - mean) ** 2.0)

        values.AddRange
            [
                (1.0 - var) * 100.0
                Array.sum (Array.map2 (fun li p -> li * cos p) l phi)
                Array.sum (Array.map2 (fun li p -> li * sin p) l phi)
            ]
        // d(obj)/dθj = -100·2(θj - mean)/n; dx/dθj = -Σ_{i≥j} Li sin φi; dy/dθj = Σ_{i≥j} Li cos φi.
        jac.AddRange(s |> Array.map (fun v -> -200.0 * (v - mean) / float n))
        jac.AddRange(Array.init n (fun j -> -(Seq.sum (seq { for i in j .. n - 1 -> l.[i] * sin phi.[i] }))))
        jac.AddRange(Array.init n (fun j -> Seq.sum (seq { for i in j .. n - 1 -> l.[i] * cos phi.[i] })))

    values.ToArray(), jac.ToArray()

let private check (f: Tensor -> Tensor) (x: Tensor) (ev: float[], ej: float[]) =
    let r = Autodiff.ValueAndJacobian(Func<_, _> f, x)
    Expect.equal (r.Batch, r.Outputs, r.Dim) (x.Rows, 3, x.Cols) "result shape"
    Expect.equal r.Values.Length (x.Rows * 3) "values length"
    Expect.equal r.Jacobian.Length (x.Rows * 3 * x.Cols) "jacobian length"
    expectClose 1e-10 "values" ev r.Values
    expectClose 1e-10 "jacobian" ej r.Jacobian

let tests =
    overBackends "tasks" (fun b ->
        [
            testOn b "LP-sphere matches pyribs' sphere (objective, measures, clipping, gradients)" (fun () ->
                // Coordinates beyond ±5.12 exercise the 5.12/x clipping; odd n splits 3 + 4.
                let x = uniform 21 6 7 -8.0 8.0
                check LinearProjection.Sphere x (expected x sphere))

            testOn b "LP-Rastrigin matches the DQD paper's calc_rastrigin" (fun () ->
                let x = uniform 22 5 10 -7.0 7.0
                check LinearProjection.Rastrigin x (expected x rastrigin))

            testOn b "LP objective is 100 at the optimum and 0 at the corner (-5.12, …)" (fun () ->
                let x = Tensor.FromRows [| Array.create 8 shift; Array.create 8 -5.12 |]

                for f in [ LinearProjection.Sphere; LinearProjection.Rastrigin ] do
                    let v = Autodiff.Evaluate(Func<_, _> f, x)
                    Expect.floatClose Accuracy.high v.[0, 0] 100.0 "optimum"
                    Expect.floatClose Accuracy.high v.[1, 0] 0.0 "corner")

            testOn b "planar arm Jacobian equals its analytic form (unit links)" (fun () ->
                let theta = uniform 23 4 9 -Math.PI Math.PI
                check PlanarArm.Evaluate theta (armExpected theta (Array.create 9 1.0)))

            testOn b "planar arm Jacobian equals its analytic form (given link lengths)" (fun () ->
                let l = [| 0.5; 1.0; 2.0; 0.25; 1.5; 1.0 |]
                let theta = uniform 24 3 6 -Math.PI Math.PI
                check (fun t -> PlanarArm.Evaluate(t, l)) theta (armExpected theta l))

            testOn b "a straight arm reaches (n, 0) with objective 100" (fun () ->
                let v = Autodiff.Evaluate(Func<_, _> PlanarArm.Evaluate, Tensor.Zeros(2, 12))
                expectClose 1e-15 "values" [| 100.0; 12.0; 0.0; 100.0; 12.0; 0.0 |] (v.ToArray()))

            testOn b "measure bounds follow pyribs" (fun () ->
                Expect.equal (LinearProjection.MeasureBound 1000) 2560.0 "±5.12·n/2"
                Expect.equal (PlanarArm.MeasureBound [| 1.0; 2.0; 0.5 |]) 3.5 "±ΣL")
        ])
