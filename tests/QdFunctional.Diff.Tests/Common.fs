/// Shared helpers: seeded inputs, finite differences, tolerance checks, and the per-backend test factory.
module Common

open System
open Expecto
open QdFunctional.Diff

/// A batch × n tensor of uniform values in [lo, hi) from a fixed seed.
let uniform (seed: int) (rows: int) (cols: int) (lo: float) (hi: float) =
    let rng = Random(seed)
    Tensor.FromArray(Array.init (rows * cols) (fun _ -> lo + (hi - lo) * rng.NextDouble()), rows, cols)

/// Values of magnitude in [lo, hi) with random signs (for division near zero).
let signedMagnitude (seed: int) (rows: int) (cols: int) (lo: float) (hi: float) =
    let rng = Random(seed)

    let v () =
        (if rng.Next(2) = 0 then -1.0 else 1.0) * (lo + (hi - lo) * rng.NextDouble())

    Tensor.FromArray(Array.init (rows * cols) (fun _ -> v ()), rows, cols)

/// |a - b| ≤ tol·max(1, |a|, |b|), with NaN equal only to NaN.
let close (tol: float) (a: float) (b: float) =
    (Double.IsNaN a && Double.IsNaN b)
    || a = b
    || abs (a - b) <= tol * max 1.0 (max (abs a) (abs b))

/// Fails naming the first index where the arrays differ beyond tol.
let expectClose (tol: float) (what: string) (expected: float[]) (actual: float[]) =
    Expect.equal actual.Length expected.Length $"{what}: lengths"

    for k in 0 .. expected.Length - 1 do
        if not (close tol expected.[k] actual.[k]) then
            failtestf "%s: index %d expected %.15g, got %.15g" what k expected.[k] actual.[k]

/// Fails naming the first index where the arrays differ in any bit (NaNs must match bit for bit too).
let expectSameBits (what: string) (expected: float[]) (actual: float[]) =
    Expect.equal actual.Length expected.Length $"{what}: lengths"

    for k in 0 .. expected.Length - 1 do
        if
            BitConverter.DoubleToInt64Bits expected.[k]
            <> BitConverter.DoubleToInt64Bits actual.[k]
        then
            failtestf "%s: index %d expected %.17g, got %.17g (bits differ)" what k expected.[k] actual.[k]

/// Central finite-difference Jacobian (batch × m × n) of a row-wise f: perturbs column k of every row at once.
let finiteJacobian (f: Tensor -> Tensor) (x: Tensor) (h: float) =
    let rows, n = x.Rows, x.Cols
    let data = x.ToArray()

    let shifted k (d: float) =
        let a = Array.copy data

        for i in 0 .. rows - 1 do
            a.[i * n + k] <- a.[i * n + k] + d

        Autodiff.Evaluate(Func<_, _> f, Tensor.FromArray(a, rows, n)).ToArray()

    let m = (Autodiff.Evaluate(Func<_, _> f, x)).Cols
    let jac = Array.zeroCreate (rows * m * n)

    for k in 0 .. n - 1 do
        let plus, minus = shifted k h, shifted k -h

        for i in 0 .. rows - 1 do
            for j in 0 .. m - 1 do
                jac.[(i * m + j) * n + k] <- (plus.[i * m + j] - minus.[i * m + j]) / (2.0 * h)

    jac

/// The engine's Jacobian of f at x agrees with central differences.
let checkJacobian (tol: float) (f: Tensor -> Tensor) (x: Tensor) =
    let r = Autodiff.ValueAndJacobian(Func<_, _> f, x)
    expectClose 1e-12 "values" (Autodiff.Evaluate(Func<_, _> f, x).ToArray()) r.Values
    expectClose tol "jacobian vs finite differences" (finiteJacobian f x 1e-6) r.Jacobian

/// A constant tensor in x's dtype (itself when the dtypes already agree), so one case serves both dtypes.
let like (x: Tensor) (c: Tensor) = Tensor.Cast(c, x.Dtype)

/// A test case that runs with the given backend in effect on its thread.
let testOn (backend: IBackend) (name: string) (body: unit -> unit) =
    testCase name (fun () ->
        use _ = Engine.Use backend
        body ())

/// Every backend the suite runs over: the engine's own (Backends.All) and ILGPU's CPU accelerator
/// ("ilgpu-cpu", from QdFunctional.Gpu, which the engine itself does not reference).
let backends: IBackend list =
    [ yield! Backends.All; QdFunctional.Gpu.IlgpuBackend.Cpu ]

/// One test list per backend from the same factory (DiffSharp's TestCombos idea).
let overBackends (name: string) (factory: IBackend -> Test list) =
    testList name [ for b in backends -> testList b.Name (factory b) ]
