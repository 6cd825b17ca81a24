/// float32: every operation against float64 and against central differences (in float64), the
/// dtype rules (mismatch errors, constants, casts), real single-precision arithmetic, and the
/// reproducibility promises (thread counts, backends) in float32.
module DtypeTests

open System
open Expecto
open QdFunctional.Diff
open QdFunctional.Numerics
open QdFunctional.Diff.Benchmarks
open QdFunctional.Core.Batches

open Common

/// Float32 tolerances, as in `close`: |float32 − reference| ≤ tol·max(1, |reference|). float32 has a
/// unit roundoff of 6·10⁻⁸; a short chain of operations on inputs of order 1 stays within 1e-5.
let private valueTol = 1e-5

/// Jacobian tolerance per operation: 1e-5, except where the float64 derivative itself is a
/// cancellation of large terms, so float32 rounding of those terms shows in the difference.
let private jacobianTol name =
    match name with
    | "sin x / x (near zero)" -> 2e-4 // (x cos x − sin x)/x² from terms of size 1/x ≈ 100
    | "x / sum x² (batch vector divisor)" -> 5e-5 // −2xᵢxⱼ/s² against 1/s with s small for some rows
    // cos(2π(x − 2.048)) and the arm's cumulated angles: arguments up to ~45 carry a float32 rounding
    // of ~4·10⁻⁶, which the derivative (2π·20π·sin) and the 40-term sums amplify.
    | "lp-rastrigin"
    | "arm"
    | "arm with lengths" -> 5e-5
    | _ -> 1e-5

let private widen (a: float32[]) = Array.map float a

/// Runs body with float32 as the default dtype on this thread, so constants made inside follow x.
let private inFloat32 (body: unit -> 'a) =
    use _ = Engine.UseDtype Dtype.Float32
    body ()

/// float32 values and Jacobian of f against the float64 ones at the same (float32-representable)
/// points, and against central differences of the float64 function.
let private check32 (name: string) (f: Tensor -> Tensor) (x: Tensor) =
    let x32 = x.Float32()
    let at = x32.Float64() // the float32 points, exactly, in float64
    let r32 = inFloat32 (fun () -> Autodiff.ValueAndJacobian(Func<_, _> f, x32))
    Expect.equal r32.Dtype Dtype.Float32 "result dtype"
    let r64 = Autodiff.ValueAndJacobian(Func<_, _> f, at)
    let tol = jacobianTol name
    expectClose (max valueTol tol) $"{name}: float32 values vs float64" r64.Values (widen r32.Values32)
    expectClose tol $"{name}: float32 jacobian vs float64" r64.Jacobian (widen r32.Jacobian32)

    expectClose
        (tol + 1e-6)
        $"{name}: float32 jacobian vs central differences"
        (finiteJacobian f at 1e-6)
        (widen r32.Jacobian32)

let private throwsWith (message: string) (f: unit -> unit) =
    let e = Expect.throwsC f id
    Expect.isTrue (e :? ArgumentException) $"expected ArgumentException, got {e.GetType().Name}: {e.Message}"
    Expect.stringContains e.Message message "message"

let private operations =
    overBackends "float32 operations" (fun b ->
        [
            for name, f, lo, hi in GradientTests.unaryCases @ GradientTests.binaryCases do
                testOn b name (fun () ->
                    let x =
                        if name.Contains "near zero" then
                            signedMagnitude 11 4 5 lo hi
                        else
                            uniform 7 4 5 lo hi

                    check32 name f x)

            for name, f, scale in
                [
                    "lp-sphere", LinearProjection.Sphere, 5.12
                    "lp-rastrigin", LinearProjection.Rastrigin, 5.12
                    "arm", PlanarArm.Evaluate, Math.PI
                ] do
                testOn b $"task {name}, 6 × 40" (fun () -> check32 name f (uniform 41 6 40 -scale scale))

            testOn b "planar arm with link lengths takes them in theta's dtype" (fun () ->
                check32
                    "arm with lengths"
                    (fun t -> PlanarArm.Evaluate(t, Array.init t.Cols (fun k -> 0.5 + 0.1 * float k)))
                    (uniform 42 3 7 -3.0 3.0))

            testOn b "subgradient conventions hold in float32" (fun () ->
                let x = Tensor.FromArray([| -1.0; -1.5; 0.0; 1.5; 2.0 |], 1, 5, Dtype.Float32)

                let g =
                    Autodiff.Grad((fun x -> Tensor.Sum(Tensor.Clamp(x, -1.0, 1.5) + Tensor.Relu x + Tensor.Abs x)), x)

                Expect.equal g.Dtype Dtype.Float32 "gradient dtype"

                Expect.equal
                    (g.ToArray32())
                    [| 0.0f; -1.0f; 1.0f; 3.0f; 2.0f |]
                    "clamp (bounds pass), relu and abs (0 at 0)")
        ])

let private rules =
    testList
        "dtype rules"
        [
            testCase "float64 is the default; creation takes a dtype; the default is settable per thread" (fun () ->
                Expect.equal (Tensor.Zeros(2, 3)).Dtype Dtype.Float64 "default"
                Expect.equal (Tensor.Zeros(2, 3, Dtype.Float32)).Dtype Dtype.Float32 "explicit"
                Expect.equal (Tensor.FromArray([| 1.0f; 2.0f |], 1, 2)).Dtype Dtype.Float32 "float32 data"

                inFloat32 (fun () ->
                    Expect.equal (Tensor.Row [| 1.0 |]).Dtype Dtype.Float32 "scoped default"
                    Expect.equal (Tensor.Scalar(1.0, Dtype.Float64)).Dtype Dtype.Float64 "explicit beats default")

                Expect.equal Engine.DefaultDtype Dtype.Float64 "scope restored")

            testCase "mixing dtypes is an error naming the operation, the shapes and the dtypes" (fun () ->
                let a, b = Tensor.Zeros(2, 3), Tensor.Zeros(2, 3, Dtype.Float32)
                throwsWith "add: dtypes differ (2×3 float64 and 2×3 float32)" (fun () -> a + b |> ignore)
                throwsWith "multiply: dtypes differ" (fun () -> b * Tensor.Row [| 1.0; 2.0; 3.0 |] |> ignore)

                throwsWith "matmul: dtypes differ (2×3 float32 and 3×1 float64)" (fun () ->
                    Tensor.MatMul(b, Tensor.Zeros(3, 1)) |> ignore)

                throwsWith "concat: dtypes differ" (fun () -> Tensor.Concat(a, b) |> ignore)
                throwsWith "where: dtypes differ" (fun () -> Tensor.Where(Tensor.Less(a, 0.0), a, b) |> ignore)

                throwsWith "valueAndJacobian: f maps a float32 input to a float64 output" (fun () ->
                    Autodiff.ValueAndJacobian((fun x -> Tensor.Sum(x).Float64()), b) |> ignore))

            testCase "constants given as numbers take the tensor's dtype" (fun () ->
                let x = Tensor.FromArray([| -2.0; 0.5; 3.0 |], 1, 3, Dtype.Float32)
                let y = Tensor.Where(Tensor.Greater(x, 0.0), Tensor.Max(x, 1.0), 7.0) + 1.0
                Expect.equal y.Dtype Dtype.Float32 "dtype"
                Expect.equal (y.ToArray32()) [| 8.0f; 2.0f; 4.0f |] "values")

            testCase
                "casts round trip: float32 → float64 → float32 is exact, float64 → float32 rounds to nearest"
                (fun () ->
                    let rng = Random(3)

                    let data =
                        Array.init 1003 (fun k -> (rng.NextDouble() - 0.5) * Math.Pow(10.0, float (k % 40 - 20)))

                    let x = Tensor.FromArray(data, 17, 59)
                    let x32 = x.Float32()
                    Expect.equal (x32.ToArray32()) (Array.map float32 data) "rounded to nearest"
                    Expect.equal (x32.Float64().Float32().ToArray32()) (x32.ToArray32()) "exact round trip"
                    Expect.equal (x32.Float64().ToArray()) (Array.map (float32 >> float) data) "exact widening"
                    Expect.isTrue (obj.ReferenceEquals(x.Float64(), x)) "casting to its own dtype is the identity")

            testList
                "casts are differentiable"
                [
                    for b in backends do
                        testOn b b.Name (fun () ->
                            let x = uniform 8 3 7 -2.0 2.0
                            // float64 in, float32 inside, float64 out: the derivative converts both ways.
                            let f (x: Tensor) =
                                Tensor.Sum(Tensor.Sin(x.Float32() * 3.0).Float64() + x)

                            let g = Autodiff.Grad(f, x)
                            Expect.equal g.Dtype Dtype.Float64 "gradient in the input's dtype"

                            expectClose
                                1e-6
                                "3cos(3x) + 1"
                                (x.ToArray() |> Array.map (fun v -> 3.0 * cos (3.0 * v) + 1.0))
                                (g.ToArray())
                            // and the other way round, from a float32 input
                            let g32 =
                                Autodiff.Grad((fun x -> Tensor.Sum(Tensor.Square(x.Float64())).Float32()), x.Float32())

                            Expect.equal g32.Dtype Dtype.Float32 "float32 gradient"

                            expectClose
                                1e-6
                                "2x"
                                (x.Float32().ToArray() |> Array.map (fun v -> 2.0 * v))
                                (g32.ToArray()))
                ]

            testCase "a float32 result refuses to be read as float64 and widens on request" (fun () ->
                let r =
                    Autodiff.ValueAndJacobian(
                        Func<_, _> LinearProjection.Sphere,
                        uniform 9 3 6 -5.0 5.0 |> _.Float32()
                    )

                let e = Expect.throwsC (fun () -> r.Jacobian |> ignore) id
                Expect.stringContains e.Message "jacobian: this result is float32" "message"
                let w = r.ToFloat64()
                Expect.equal w.Jacobian (widen r.Jacobian32) "exact widening"
                Expect.equal (r.Derivative(2, 1, 4)) (float r.Jacobian32.[(2 * 3 + 1) * 6 + 4]) "accessor"
                Expect.equal (r.GradientOf 0).Dtype Dtype.Float32 "gradient tensor dtype")
        ]

let private precision =
    testList
        "float32 is computed in float32"
        [
            for b in backends do
                testOn b $"{b.Name}: a row sum accumulates in float32, not in float64 rounded afterwards" (fun () ->
                    // 4097 copies of 0.1f: each float32 addition rounds, so the float32 sum (in the backend's
                    // order) drifts away from the float64 sum rounded once to float32.
                    let n = 4097
                    let data = Array.create n 0.1f
                    let s = (Tensor.Sum(Tensor.FromArray(data, 1, n))).ToArray32().[0]

                    let inOrder =
                        if b.Name = "simd" then
                            FixedOrder.Sum(ReadOnlySpan data) // the documented order
                        else
                            Array.fold (+) 0.0f data // the reference backend adds left to right

                    Expect.equal s inOrder "float32 additions in the backend's order"
                    let wide = data |> Array.sumBy float |> float32
                    Expect.notEqual s wide "differs from the float64 sum rounded to float32"
                    Expect.isLessThan (abs (float s - float wide)) (1e-4 * float wide) "still a float32-accurate sum")
        ]

let private bits32 (a: float32[]) =
    a |> Array.map BitConverter.SingleToInt32Bits

let private tasks: (string * (Tensor -> Tensor)) list =
    [
        "lp-sphere", LinearProjection.Sphere
        "lp-rastrigin", LinearProjection.Rastrigin
        "arm", PlanarArm.Evaluate
    ]

let private reproducibility =
    testList
        "float32 reproducibility"
        [
            for name, f in tasks do
                testCase $"{name}: the same bits for any thread count" (fun () ->
                    let x = (uniform 31 700 200 -6.0 6.0).Float32()

                    let run threads =
                        Workspace(SimdBackend(threads)).ValueAndJacobian(Func<_, _> f, x)

                    let one = run 1

                    for threads in [ 2; 3; -1 ] do
                        let other = run threads
                        Expect.sequenceEqual (bits32 other.Values32) (bits32 one.Values32) $"values, {threads} threads"

                        Expect.sequenceEqual
                            (bits32 other.Jacobian32)
                            (bits32 one.Jacobian32)
                            $"jacobian, {threads} threads")

            for name, f in tasks do
                testCase $"{name}: backends agree" (fun () ->
                    let x = (uniform 32 40 64 -6.0 6.0).Float32()
                    let simd = Workspace(Backends.Simd).ValueAndJacobian(Func<_, _> f, x)
                    let scalar = Workspace(Backends.Scalar).ValueAndJacobian(Func<_, _> f, x)
                    expectClose 1e-5 "values" (widen scalar.Values32) (widen simd.Values32)
                    expectClose 1e-5 "jacobian" (widen scalar.Jacobian32) (widen simd.Jacobian32))

            testCase
                "transcendental kernels agree bit for bit between backends and stay within 1 float32 ulp"
                (fun () ->
                    let rng = Random(13)
                    let n = 1037
                    let x = Array.init n (fun _ -> float32 ((rng.NextDouble() - 0.5) * 20.0))

                    for op, reference in
                        [
                            UnaryOp.Exp, Math.Exp
                            UnaryOp.Sin, Math.Sin
                            UnaryOp.Cos, Math.Cos
                            UnaryOp.Tanh, Math.Tanh
                            UnaryOp.Sigmoid, (fun v -> 1.0 / (1.0 + Math.Exp -v))
                        ] do
                        let y1, y2 = Array.zeroCreate n, Array.zeroCreate n
                        Backends.Simd.Unary(op, 0.0, 0.0, x, y1, n)
                        Backends.Scalar.Unary(op, 0.0, 0.0, x, y2, n)
                        Expect.sequenceEqual (bits32 y1) (bits32 y2) $"{op} simd vs scalar"

                        for k in 0 .. n - 1 do
                            let e = float32 (reference (float x.[k]))

                            let ulps =
                                abs (BitConverter.SingleToInt32Bits y1.[k] - BitConverter.SingleToInt32Bits e)

                            if ulps > 1 && abs (y1.[k] - e) > 1e-30f then
                                failtestf "%A(%.9g) = %.9g, float64 reference rounded gives %.9g" op x.[k] y1.[k] e)

            testCase "a warm float32 workspace allocates little beyond its results" (fun () ->
                let ws = Workspace(Backends.Simd)
                let x = (uniform 33 36 1000 -6.0 6.0).Float32()
                let f = Func<_, _> LinearProjection.Sphere

                for _ in 1..3 do
                    ws.ValueAndJacobian(f, x) |> ignore

                let before = GC.GetAllocatedBytesForCurrentThread()
                let r = ws.ValueAndJacobian(f, x)
                let allocated = GC.GetAllocatedBytesForCurrentThread() - before
                let results = int64 (r.Values32.Length + r.Jacobian32.Length) * 4L

                Expect.isLessThan
                    allocated
                    (results + 256L * 1024L)
                    $"allocated {allocated} bytes for {results} bytes of results")
        ]

/// float32 kernels of the SIMD backend against the reference at every length 0..67 (every tail of an
/// eight-lane float32 vector) and across a partition block boundary.
let private kernels =
    let lengths = [ 0..67 ] @ [ 1000; 65537 ]

    let vec (seed: int) (n: int) (lo: float) (hi: float) =
        let rng = Random(seed)
        Array.init n (fun _ -> float32 (lo + (hi - lo) * rng.NextDouble()))

    let transcendental op =
        List.contains
            op
            [
                UnaryOp.Exp
                UnaryOp.Log
                UnaryOp.Sin
                UnaryOp.Cos
                UnaryOp.Tanh
                UnaryOp.Sigmoid
                UnaryOp.PowScalar
            ]

    let check exact what (expected: float32[]) (actual: float32[]) =
        if exact then
            Expect.sequenceEqual (bits32 actual) (bits32 expected) what
        else
            expectClose 2e-6 what (widen expected) (widen actual)

    let simd = SimdBackend(2) :> IBackend

    testList
        "float32 kernels (simd vs scalar)"
        [
            for op in Enum.GetValues<UnaryOp>() do
                testCase $"unary {op}" (fun () ->
                    for n in lengths do
                        let lo, hi =
                            match op with
                            | UnaryOp.Sqrt
                            | UnaryOp.Log
                            | UnaryOp.PowScalar
                            | UnaryOp.ScalarDiv -> 0.1, 3.0
                            | _ -> -3.0, 3.0

                        let x = vec n n lo hi
                        let p, q = (if op = UnaryOp.Clamp then -1.0, 1.0 else 1.7, 0.0)
                        let y1, y2 = Array.zeroCreate n, Array.zeroCreate n
                        simd.Unary(op, p, q, x, y1, n)
                        Backends.Scalar.Unary(op, p, q, x, y2, n)
                        check (transcendental op) $"{op} forward n={n}" y2 y1
                        let dy = vec (n + 1) n -1.0 1.0
                        let dx1, dx2 = vec (n + 2) n -1.0 1.0, vec (n + 2) n -1.0 1.0
                        simd.UnaryBackward(op, p, q, x, y2, dy, dx1, n)
                        Backends.Scalar.UnaryBackward(op, p, q, x, y2, dy, dx2, n)
                        check (transcendental op) $"{op} backward n={n}" dx2 dx1)

            for op in Enum.GetValues<BinaryOp>() do
                testCase $"binary {op} under broadcasting" (fun () ->
                    for n in [ 0..67 ] do
                        for (ar, ac), (br, bc) in [ (3, n), (3, n); (3, n), (1, n); (3, 1), (3, n); (1, 1), (3, n) ] do
                            let lo = if op = BinaryOp.Pow then 0.2 else -2.0
                            let a = Operand(vec 1 (ar * ac) lo 2.0, ar, ac)
                            let b = Operand(vec 2 (br * bc) 0.2 2.0, br, bc)
                            let what = $"{op} {ar}x{ac} {br}x{bc}"
                            let y1, y2 = Array.zeroCreate (3 * n), Array.zeroCreate (3 * n)
                            simd.Binary(op, a, b, y1, 3, n)
                            Backends.Scalar.Binary(op, a, b, y2, 3, n)
                            check (op = BinaryOp.Pow) what y2 y1
                            let dy = vec 3 (3 * n) -1.0 1.0
                            let da1, da2 = Array.zeroCreate (ar * ac), Array.zeroCreate (ar * ac)
                            let db1, db2 = Array.zeroCreate (br * bc), Array.zeroCreate (br * bc)
                            simd.BinaryBackward(op, a, b, y2, dy, 3, n, da1, db1)
                            Backends.Scalar.BinaryBackward(op, a, b, y2, dy, 3, n, da2, db2)
                            // broadcast operands sum their gradients in a different order per backend
                            expectClose 1e-5 (what + " da") (widen da2) (widen da1)
                            expectClose 1e-5 (what + " db") (widen db2) (widen db1))

            testCase "sums, cumulative sums, copies, matrix products and conversions" (fun () ->
                for n in lengths do
                    let rows = 3
                    let x = vec n (rows * n) -1.0 1.0
                    let s1, s2 = Array.zeroCreate rows, Array.zeroCreate rows
                    simd.SumColumns(x, rows, n, s1)
                    Backends.Scalar.SumColumns(x, rows, n, s2)
                    expectClose 1e-4 $"sum n={n}" (widen s2) (widen s1)
                    let c1, c2 = Array.zeroCreate (rows * n), Array.zeroCreate (rows * n)
                    simd.CumSum(x, rows, n, c1)
                    Backends.Scalar.CumSum(x, rows, n, c2)
                    check true "cumsum" c2 c1
                    let w1, w2 = Array.zeroCreate (rows * n), Array.zeroCreate (rows * n)
                    let wide = Array.map float x
                    simd.Convert(wide, w1, wide.Length, false)
                    Backends.Scalar.Convert(wide, w2, wide.Length, false)
                    check true "narrow" w2 w1
                    check true "narrow is the float32 rounding" x w1
                    let a1, a2 = Array.create (rows * n) 0.5, Array.create (rows * n) 0.5
                    simd.Convert(x, a1, x.Length, true)
                    Backends.Scalar.Convert(x, a2, x.Length, true)
                    Expect.sequenceEqual a1 a2 "widen and accumulate"

                for inner in [ 1; 3; 17 ] do
                    for cols in [ 1; 5; 33 ] do
                        let a, w = vec 1 (7 * inner) -1.0 1.0, vec 2 (inner * cols) -1.0 1.0
                        let y1, y2 = Array.zeroCreate (7 * cols), Array.zeroCreate (7 * cols)
                        simd.MatMul(a, w, y1, 7, inner, cols)
                        Backends.Scalar.MatMul(a, w, y2, 7, inner, cols)
                        expectClose 1e-5 "matmul" (widen y2) (widen y1))
        ]

let private task =
    testList
        "float32 differentiable task"
        [
            for name in [ "lp-sphere"; "lp-rastrigin"; "arm" ] do
                testCase $"{name}: a float32 task equals the float64 one within float32 tolerance" (fun () ->
                    let d = 40
                    let t64 = QdFunctional.Core.Tasks.TaskCatalog.CreateInEngine(name, d)
                    let t32 = QdFunctional.Core.Tasks.TaskCatalog.CreateInEngine(name, d, Dtype.Float32)
                    Expect.equal (t32 :?> QdFunctional.Core.Tasks.DifferentiableTask).Dtype Dtype.Float32 "task dtype"
                    let rng = Random(44)
                    // float32-representable solutions, so only the computation's precision differs.
                    let values =
                        Array.init (12 * d) (fun _ -> float (float32 ((rng.NextDouble() - 0.5) * 10.0)))

                    let solutions = SolutionBatch(12, d, values)
                    let e64 = t64.Evaluate(solutions, true)
                    let e32 = t32.Evaluate(solutions, true)
                    let tol = if name = "lp-sphere" then 1e-5 else 5e-5 // see jacobianTol
                    expectClose tol "objectives" e64.Objectives e32.Objectives
                    expectClose tol "measures" e64.Measures e32.Measures
                    expectClose tol "jacobians" e64.Jacobians e32.Jacobians
                    let differs = Array.exists2 (<>) e64.Jacobians e32.Jacobians
                    Expect.isTrue differs "the float32 task really computes in float32")
        ]

let tests =
    testList "dtype" [ operations; rules; precision; reproducibility; kernels; task ]
