/// The SIMD backend's kernels agree with the plain-loop reference at every length from 0 to 67
/// (covering every remainder of the vector width) and for every broadcasting pattern; the
/// transcendental ops (PortableMath in both backends) agree bit for bit.
module KernelTests

open System
open Expecto
open QdFunctional.Diff
open Common

let private simd = SimdBackend(2) :> IBackend
let private scalar = ScalarBackend() :> IBackend
let private lengths = [ 0..67 ] @ [ 1000; 65537; 140000 ]

let private vec (seed: int) (n: int) (lo: float) (hi: float) =
    let rng = Random(seed)
    Array.init n (fun _ -> lo + (hi - lo) * rng.NextDouble())

let private tol = 1e-12

/// The transcendental ops run PortableMath in both backends: their values and gradients must match bit for bit.
let private transcendental op =
    match op with
    | UnaryOp.Exp
    | UnaryOp.Log
    | UnaryOp.Sin
    | UnaryOp.Cos
    | UnaryOp.Tanh
    | UnaryOp.Sigmoid
    | UnaryOp.PowScalar -> true
    | _ -> false

let private check exact what expected actual =
    if exact then
        expectSameBits what expected actual
    else
        expectClose tol what expected actual

let private domain op =
    match op with
    | UnaryOp.Sqrt
    | UnaryOp.Log
    | UnaryOp.PowScalar
    | UnaryOp.ScalarDiv -> 0.1, 3.0
    | _ -> -3.0, 3.0

let private unary =
    testList
        "unary"
        [
            for op in Enum.GetValues<UnaryOp>() ->
                testCase (string op) (fun () ->
                    for n in lengths do
                        let lo, hi = domain op
                        let x = vec n n lo hi
                        let p, q = (if op = UnaryOp.Clamp then -1.0, 1.0 else 1.7, 0.0)
                        let y1, y2 = Array.zeroCreate n, Array.zeroCreate n
                        simd.Unary(op, p, q, x, y1, n)
                        scalar.Unary(op, p, q, x, y2, n)
                        check (transcendental op) $"{op} forward n={n}" y2 y1
                        let dy = vec (n + 1) n -1.0 1.0
                        let dx1, dx2 = vec (n + 2) n -1.0 1.0, vec (n + 2) n -1.0 1.0
                        simd.UnaryBackward(op, p, q, x, y2, dy, dx1, n)
                        scalar.UnaryBackward(op, p, q, x, y2, dy, dx2, n)
                        check (transcendental op) $"{op} backward n={n}" dx2 dx1)
        ]

// Shapes (a, b) for an output of rows × n: full, feature row, batch column, scalar, on either side.
let private patterns rows n =
    [
        (rows, n), (rows, n)
        (rows, n), (1, n)
        (1, n), (rows, n)
        (rows, n), (rows, 1)
        (rows, 1), (rows, n)
        (rows, n), (1, 1)
        (1, 1), (rows, n)
        (rows, 1), (1, n)
    ]

let private binary =
    testList
        "binary"
        [
            for op in Enum.GetValues<BinaryOp>() ->
                testCase (string op) (fun () ->
                    for n in [ 0..67 ] @ [ 1000 ] do
                        for (ar, ac), (br, bc) in patterns 3 n do
                            let lo = if op = BinaryOp.Pow then 0.2 else -2.0
                            let a = Operand(vec 1 (ar * ac) lo 2.0, ar, ac)
                            let b = Operand(vec 2 (br * bc) 0.2 2.0, br, bc)
                            let what = $"{op} {ar}x{ac} {br}x{bc}"
                            let y1, y2 = Array.zeroCreate (3 * n), Array.zeroCreate (3 * n)
                            simd.Binary(op, a, b, y1, 3, n)
                            scalar.Binary(op, a, b, y2, 3, n)

                            if op = BinaryOp.Pow then
                                expectSameBits what y2 y1
                            else
                                expectClose tol what y2 y1

                            let dy = vec 3 (3 * n) -1.0 1.0
                            let da1, da2 = vec 4 (ar * ac) -1.0 1.0, vec 4 (ar * ac) -1.0 1.0
                            let db1, db2 = vec 5 (br * bc) -1.0 1.0, vec 5 (br * bc) -1.0 1.0
                            simd.BinaryBackward(op, a, b, y2, dy, 3, n, da1, db1)
                            scalar.BinaryBackward(op, a, b, y2, dy, 3, n, da2, db2)
                            // Broadcast operands sum their gradients in a different order per backend; full ones do not.
                            if op = BinaryOp.Pow && ar = 3 && ac = n && br = 3 && bc = n then
                                expectSameBits (what + " da") da2 da1
                                expectSameBits (what + " db") db2 db1
                            else
                                expectClose 1e-11 (what + " da") da2 da1
                                expectClose 1e-11 (what + " db") db2 db1)
        ]

let private structural =
    testList
        "structural"
        [
            testCase "select forward and backward with broadcast branches" (fun () ->
                for n in [ 0..67 ] do
                    let mask =
                        vec 9 (4 * n) 0.0 1.0 |> Array.map (fun v -> if v > 0.5 then 1.0 else 0.0)

                    for (ar, ac), (br, bc) in [ (4, n), (4, n); (1, n), (4, 1); (1, 1), (4, n) ] do
                        let a, b =
                            Operand(vec 1 (ar * ac) -1.0 1.0, ar, ac), Operand(vec 2 (br * bc) -1.0 1.0, br, bc)

                        let y1, y2 = Array.zeroCreate (4 * n), Array.zeroCreate (4 * n)
                        simd.Select(mask, a, b, y1, 4, n)
                        scalar.Select(mask, a, b, y2, 4, n)
                        expectClose 0.0 "select" y2 y1
                        let dy = vec 3 (4 * n) -1.0 1.0

                        let da1, da2, db1, db2 =
                            Array.zeroCreate (ar * ac),
                            Array.zeroCreate (ar * ac),
                            Array.zeroCreate (br * bc),
                            Array.zeroCreate (br * bc)

                        simd.SelectBackward(mask, a, b, dy, 4, n, da1, db1)
                        scalar.SelectBackward(mask, a, b, dy, 4, n, da2, db2)
                        expectClose 1e-12 "select da" da2 da1
                        expectClose 1e-12 "select db" db2 db1)

            testCase "row sums, cumulative sums and column copies" (fun () ->
                for n in lengths do
                    let rows = 3
                    let x = vec n (rows * n) -1.0 1.0
                    let s1, s2 = Array.zeroCreate rows, Array.zeroCreate rows
                    simd.SumColumns(x, rows, n, s1)
                    scalar.SumColumns(x, rows, n, s2)
                    expectClose 1e-12 $"sum n={n}" s2 s1
                    let dx1, dx2 = Array.copy x, Array.copy x
                    simd.SumColumnsBackward([| 1.0; -2.0; 0.5 |], rows, n, dx1)
                    scalar.SumColumnsBackward([| 1.0; -2.0; 0.5 |], rows, n, dx2)
                    expectClose 0.0 "sum backward" dx2 dx1
                    let c1, c2 = Array.zeroCreate (rows * n), Array.zeroCreate (rows * n)
                    simd.CumSum(x, rows, n, c1)
                    scalar.CumSum(x, rows, n, c2)
                    expectClose 0.0 "cumsum" c2 c1
                    simd.CumSumBackward(x, rows, n, dx1)
                    scalar.CumSumBackward(x, rows, n, dx2)
                    expectClose 0.0 "cumsum backward" dx2 dx1
                    let half = n / 2
                    let o1, o2 = Array.create (rows * (n + 1)) 1.0, Array.create (rows * (n + 1)) 1.0
                    simd.CopyColumns(x, n, n - half, o1, n + 1, 1, half, rows, true)
                    scalar.CopyColumns(x, n, n - half, o2, n + 1, 1, half, rows, true)
                    expectClose 0.0 "copy columns" o2 o1)

            testCase "matrix products (shared and per-row weights) and their gradients" (fun () ->
                for inner in [ 0; 1; 3; 17; 64 ] do
                    for cols in [ 1; 2; 5; 33 ] do
                        let rows = 7
                        let a, w = vec 1 (rows * inner) -1.0 1.0, vec 2 (inner * cols) -1.0 1.0
                        let y1, y2 = Array.zeroCreate (rows * cols), Array.zeroCreate (rows * cols)
                        simd.MatMul(a, w, y1, rows, inner, cols)
                        scalar.MatMul(a, w, y2, rows, inner, cols)
                        expectClose 1e-12 "matmul" y2 y1
                        let dy = vec 3 (rows * cols) -1.0 1.0

                        let da1, da2, dw1, dw2 =
                            Array.zeroCreate (rows * inner),
                            Array.zeroCreate (rows * inner),
                            Array.zeroCreate (inner * cols),
                            Array.zeroCreate (inner * cols)

                        simd.MatMulBackward(a, w, dy, rows, inner, cols, da1, dw1)
                        scalar.MatMulBackward(a, w, dy, rows, inner, cols, da2, dw2)
                        expectClose 1e-12 "matmul da" da2 da1
                        expectClose 1e-12 "matmul dw" dw2 dw1
                        let wb = vec 4 (rows * inner * cols) -1.0 1.0
                        let b1, b2 = Array.zeroCreate (rows * cols), Array.zeroCreate (rows * cols)
                        simd.BatchedMatMul(a, wb, b1, rows, inner, cols)
                        scalar.BatchedMatMul(a, wb, b2, rows, inner, cols)
                        expectClose 1e-12 "batched matmul" b2 b1

                        let dx1, dx2, dwb1, dwb2 =
                            Array.zeroCreate (rows * inner),
                            Array.zeroCreate (rows * inner),
                            Array.zeroCreate (rows * inner * cols),
                            Array.zeroCreate (rows * inner * cols)

                        simd.BatchedMatMulBackward(a, wb, dy, rows, inner, cols, dx1, dwb1)
                        scalar.BatchedMatMulBackward(a, wb, dy, rows, inner, cols, dx2, dwb2)
                        expectClose 1e-12 "batched matmul dx" dx2 dx1
                        expectClose 1e-12 "batched matmul dw" dwb2 dwb1)
        ]

let private trig =
    testCase "SIMD sin and cos stay within 2 ulp of System.Math, special values included" (fun () ->
        let rng = Random(12)

        let wide =
            Array.init 200_000 (fun k ->
                let s = [| 4.0; 100.0; 1e5; 1e7 |].[k % 4] in s * (2.0 * rng.NextDouble() - 1.0))

        let special =
            [|
                0.0
                Math.PI / 2.0
                Math.PI
                -Math.PI
                1e5
                -1e5
                100000.001
                1e300
                nan
                infinity
                -infinity
                5e-324
            |]

        let x = Array.append wide special

        for op, f in [ UnaryOp.Sin, Math.Sin; UnaryOp.Cos, Math.Cos ] do
            let y = Array.zeroCreate x.Length
            simd.Unary(op, 0.0, 0.0, x, y, x.Length)

            for k in 0 .. x.Length - 1 do
                let e = f x.[k]

                let ulps =
                    abs (BitConverter.DoubleToInt64Bits y.[k] - BitConverter.DoubleToInt64Bits e)

                if
                    not (
                        (Double.IsNaN e && Double.IsNaN y.[k])
                        || ulps <= 2L
                        || abs (y.[k] - e) <= 2.3e-16
                    )
                then
                    failtestf "%A(%.17g) = %.17g, System.Math gives %.17g" op x.[k] y.[k] e)

let tests = testList "kernels (simd vs scalar)" [ unary; binary; structural; trig ]
