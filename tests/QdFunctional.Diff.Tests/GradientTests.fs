/// Every operation's derivative against central finite differences, plus the conventions at kinks.
module GradientTests

open Expecto
open QdFunctional.Diff
open Common

let private t = 2e-6

/// Every unary-style operation with its input range (shared with the float32 suite in DtypeTests).
let unaryCases: (string * (Tensor -> Tensor) * float * float) list =
    [
        "negate", (fun x -> -x), -3.0, 3.0
        "square", Tensor.Square, -3.0, 3.0
        "sqrt", Tensor.Sqrt, 0.2, 3.0
        "abs", Tensor.Abs, -3.0, 3.0
        "exp", Tensor.Exp, -2.0, 2.0
        "log", Tensor.Log, 0.2, 3.0
        "sin", Tensor.Sin, -4.0, 4.0
        "cos", Tensor.Cos, -4.0, 4.0
        "tanh", Tensor.Tanh, -3.0, 3.0
        "sigmoid", Tensor.Sigmoid, -4.0, 4.0
        "relu", Tensor.Relu, -3.0, 3.0
        "pow 3", (fun x -> Tensor.Pow(x, 3.0)), -2.0, 2.0
        "pow 2.5", (fun x -> Tensor.Pow(x, 2.5)), 0.2, 2.0
        "pow -1.5", (fun x -> Tensor.Pow(x, -1.5)), 0.3, 2.0
        "clamp", (fun x -> Tensor.Clamp(x, -1.0, 1.5)), -3.0, 3.0
        "x + c", (fun x -> x + 1.25), -3.0, 3.0
        "c + x", (fun x -> 1.25 + x), -3.0, 3.0
        "x - c", (fun x -> x - 2.0), -3.0, 3.0
        "c - x", (fun x -> 2.0 - x), -3.0, 3.0
        "x * c", (fun x -> x * -1.5), -3.0, 3.0
        "c * x", (fun x -> 0.75 * x), -3.0, 3.0
        "x / c", (fun x -> x / 3.0), -3.0, 3.0
        "c / x", (fun x -> 2.0 / x), 0.3, 3.0
        "cumsum", Tensor.CumSum, -2.0, 2.0
        "sum", Tensor.Sum, -2.0, 2.0
        "mean", Tensor.Mean, -2.0, 2.0
        "variance", Tensor.Variance, -2.0, 2.0
        "norm", Tensor.Norm, -2.0, 2.0
        "dot with a feature row",
        (fun x -> Tensor.Dot(Tensor.Sin x, Tensor.Row [| 1.0; 2.0; -1.0; 0.5; 3.0 |])),
        -2.0,
        2.0
        "slice", (fun x -> Tensor.Slice(x, 1, 3)), -2.0, 2.0
        "concat", (fun x -> Tensor.Concat(Tensor.Sin x, Tensor.Slice(x, 2, 2), Tensor.Sum x)), -2.0, 2.0
        "nested concat holding x itself and a constant",
        (fun x -> Tensor.Concat(Tensor.Concat(Tensor.Sum x, x), Tensor.Zeros(x.Rows, 1), Tensor.Concat(Tensor.Sin x))),
        -2.0,
        2.0
    ]

let private row = Tensor.Row [| 0.5; -1.0; 2.0; 1.5; -0.25 |]
let private col = Tensor.Column [| 2.0; -0.5; 1.0; 3.0 |]

let private w =
    Tensor.FromArray(Array.init 15 (fun k -> float (k % 7) * 0.3 - 0.8), 5, 3)

/// Binary operations, broadcasting patterns, selection and matrix products with their input ranges.
let binaryCases: (string * (Tensor -> Tensor) * float * float) list =
    [
        "x + sin x", (fun x -> x + Tensor.Sin x), -2.0, 2.0
        "x - cos x", (fun x -> x - Tensor.Cos x), -2.0, 2.0
        "x * sin x", (fun x -> x * Tensor.Sin x), -2.0, 2.0
        "sin x / x (near zero)", (fun x -> Tensor.Sin x / x), 0.01, 0.1
        "x / (x² + 1)", (fun x -> x / (Tensor.Square x + 1.0)), -2.0, 2.0
        "x ** cos x", (fun x -> Tensor.Pow(x, Tensor.Cos x)), 0.2, 3.0
        "min(x, sin 2x)", (fun x -> Tensor.Min(x, Tensor.Sin(x * 2.0))), -2.0, 2.0
        "max(x, sin 2x)", (fun x -> Tensor.Max(x, Tensor.Sin(x * 2.0))), -2.0, 2.0
        "where(x > 0, sin x, x²)",
        (fun x -> Tensor.Where(Tensor.Greater(x, 0.0), Tensor.Sin x, Tensor.Square x)),
        -2.0,
        2.0
        "x + feature row", (fun x -> Tensor.Sin(x + like x row)), -2.0, 2.0
        "feature row - x", (fun x -> like x row - Tensor.Square x), -2.0, 2.0
        "x * feature row", (fun x -> x * like x row), -2.0, 2.0
        "feature row / x", (fun x -> like x row / x), 0.3, 2.0
        "batch column * x", (fun x -> like x col * Tensor.Sin x), -2.0, 2.0
        "x / batch column", (fun x -> Tensor.Sin x / like x col), -2.0, 2.0
        "x - mean x (batch vector right)", (fun x -> x - Tensor.Mean x), -2.0, 2.0
        "sum x * x (batch vector left)", (fun x -> Tensor.Sum x * x), -2.0, 2.0
        "x / sum x² (batch vector divisor)", (fun x -> x / Tensor.Sum(Tensor.Square x)), -2.0, 2.0
        "max(x, 1x1 scalar tensor)", (fun x -> Tensor.Max(x, Tensor.Scalar 0.3)), -2.0, 2.0
        "matmul constant w", (fun x -> Tensor.MatMul(x, like x w)), -2.0, 2.0
        "per-solution policy (weights are x)",
        (fun x ->
            let obs = Tensor.FromArray([| 0.5; -1.0; 2.0; 0.25; 1.0; -0.5; 1.5; 0.0 |], 4, 2)

            Tensor.Sum(
                Tensor.Tanh(Tensor.BatchedMatMul(obs, Tensor.Slice(x, 0, 4)))
                * Tensor.Slice(x, 4, 1)
            )),
        -1.0,
        1.0
        "batched matmul, input differentiable",
        (fun x -> Tensor.BatchedMatMul(Tensor.Slice(x, 0, 2), Tensor.Sin(Tensor.Slice(x, 1, 4)))),
        -1.0,
        1.0
        "two-layer tanh policy",
        (fun x -> Tensor.MatMul(Tensor.Tanh(Tensor.MatMul(x, like x w)), Tensor.FromArray([| 1.0; -2.0; 0.5 |], 3, 1))),
        -2.0,
        2.0
    ]

let tests =
    overBackends "gradients" (fun b ->
        [
            for name, f, lo, hi in unaryCases @ binaryCases do
                testOn b name (fun () ->
                    let x =
                        if name.Contains "near zero" then
                            signedMagnitude 11 4 5 lo hi
                        else
                            uniform 7 4 5 lo hi

                    checkJacobian t f x)

            testOn b "clamp passes the derivative at both bounds and blocks it outside" (fun () ->
                let x = Tensor.Row [| -1.0; -1.0000001; 0.3; 1.5; 1.5000001 |]
                let g = Autodiff.Grad((fun x -> Tensor.Sum(Tensor.Clamp(x, -1.0, 1.5))), x)
                Expect.equal (g.ToArray()) [| 1.0; 0.0; 1.0; 1.0; 0.0 |] "clamp subgradient")

            testOn b "abs and relu have derivative 0 at 0" (fun () ->
                let x = Tensor.Row [| 0.0; -2.0; 3.0 |]

                Expect.equal
                    (Autodiff.Grad((fun x -> Tensor.Sum(Tensor.Abs x)), x).ToArray())
                    [| 0.0; -1.0; 1.0 |]
                    "abs"

                Expect.equal
                    (Autodiff.Grad((fun x -> Tensor.Sum(Tensor.Relu x)), x).ToArray())
                    [| 0.0; 0.0; 1.0 |]
                    "relu")

            testOn b "min and max give a tie's derivative to the first argument" (fun () ->
                let x = Tensor.Row [| 1.0; 2.0 |]

                let g =
                    Autodiff.Grad(
                        (fun x ->
                            Tensor.Sum(Tensor.Max(x, Tensor.Scalar 1.0) + Tensor.Min(x * 3.0, Tensor.Scalar 6.0))),
                        x
                    )

                Expect.equal (g.ToArray()) [| 4.0; 4.0 |] "ties (3 + 1 each; a tie given to b would give 3 and 1)")

            testOn b "where does not leak the unused branch's infinity or NaN" (fun () ->
                let x = Tensor.Row [| 0.0; 8.0; -8.0 |]

                let f (x: Tensor) =
                    let m = Tensor.LessOrEqual(Tensor.Abs x, 5.12)
                    Tensor.Sum(Tensor.Where(m, x, 5.12 / Tensor.Where(m, 1.0, x)))

                let struct (v, g) = Autodiff.ValueAndGrad(f, x)
                Expect.equal (v.[0, 0]) 0.0 "value: 0 + 0.64 - 0.64"
                expectClose 1e-15 "grad" [| 1.0; -5.12 / 64.0; -5.12 / 64.0 |] (g.ToArray()))

            testOn b "a tensor used twice receives both contributions" (fun () ->
                let x = uniform 3 3 4 -1.0 1.0
                let g = Autodiff.Grad((fun x -> Tensor.Sum(x * x + x)), x)
                expectClose 1e-14 "2x + 1" (x.ToArray() |> Array.map (fun v -> 2.0 * v + 1.0)) (g.ToArray()))

            testOn b "outputs that ignore x have zero Jacobian" (fun () ->
                let x = uniform 3 2 4 -1.0 1.0

                let r =
                    Autodiff.ValueAndJacobian(
                        (fun x -> Tensor.Concat(Tensor.Sum x, Tensor.Sum(Tensor.Less(x, 0.0)))),
                        x
                    )

                for i in 0..1 do
                    for k in 0..3 do
                        Expect.equal (r.Derivative(i, 0, k)) 1.0 "sum"
                        Expect.equal (r.Derivative(i, 1, k)) 0.0 "mask count")

            testOn b "a batch of one and an empty feature slice work" (fun () ->
                let x = uniform 5 1 6 -1.0 1.0

                checkJacobian
                    t
                    (fun x ->
                        Tensor.Concat(Tensor.Sum(Tensor.Slice(x, 3, 0)) + Tensor.Sum(Tensor.Sin x), Tensor.CumSum x))
                    x)
        ])
