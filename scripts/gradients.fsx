// Shows the differentiable engine from F#: a new task (objective + 2 measures as ONE function of the
// whole population) is defined with ordinary operators and Tensor functions, and its per-solution
// values and Jacobians (1 + 2 backward sweeps over the batch) are printed for a small batch.
// Run after a build (./qd --help builds):  dotnet fsi scripts/gradients.fsx
#r "nuget: QdFunctional"

open QdFunctional

/// A smooth "styblinski-tang"-like objective with a ring measure and a clipped-sum measure.
/// Every line works on all solutions at once; reductions go over each solution's coordinates.
let task (x: Tensor) =
    let objective = -(Tensor.mean (x ** 4.0 - 16.0 * Tensor.square x + 5.0 * x)) / 2.0
    let radius = Tensor.sqrt (Tensor.sum (Tensor.square x) + 1e-12)
    let tilt = Tensor.sum (Tensor.clamp -1.0 1.0 (Tensor.slice 0 2 x)) * Tensor.cos (Tensor.slice 2 1 x)
    Tensor.concat [ objective; radius; tilt ]

let x =
    Tensor.ofRows [ [| 0.5; -1.0; 0.0; 2.0 |]
                    [| -2.9; 2.9; 1.0; 0.0 |]
                    [| 1.0; 1.0; -3.0; 0.25 |] ]

let r = AD.valueAndJacobian task x
let names = [| "objective"; "radius"; "tilt" |]
for i in 0 .. r.Batch - 1 do
    printfn "solution %d: %s" i (x.ToArray().[i * r.Dim .. (i + 1) * r.Dim - 1] |> Array.map (sprintf "%6.2f") |> String.concat " ")
    for j in 0 .. r.Outputs - 1 do
        let grad = [| for k in 0 .. r.Dim - 1 -> sprintf "%8.4f" (r.Derivative(i, j, k)) |] |> String.concat " "
        printfn "  %-9s = %9.4f   d/dx = [%s ]" names.[j] (r.Value(i, j)) grad

// The same gradient DiffSharp-style for a one-output function.
let sphere (x: Tensor) = Tensor.sum ((x - 2.0) ** 2.0)
printfn "grad sphere = %A" (AD.grad sphere x |> Tensor.toArray2D)
