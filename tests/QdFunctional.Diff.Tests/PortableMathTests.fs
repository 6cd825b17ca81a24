/// PortableMath: the scalar, 128-bit and 256-bit forms (and the span forms) give the same bits on
/// millions of inputs, edge cases included, which is what makes the results independent of the
/// CPU's vector support; and every function is within its stated ulp of System.Math.
module PortableMathTests

open System
open System.Runtime.Intrinsics
open Expecto
open QdFunctional.Numerics

let private bits (x: float) = BitConverter.DoubleToInt64Bits x

/// Distance in units in the last place (0 for two NaNs or equal values, ±0 included).
let private ulps (a: float) (b: float) =
    if (Double.IsNaN a && Double.IsNaN b) || a = b then
        0L
    elif Double.IsNaN a || Double.IsNaN b || Double.IsInfinity a || Double.IsInfinity b then
        Int64.MaxValue
    else
        let ordered (x: float) =
            let v = bits x in if v < 0L then Int64.MinValue - v else v

        abs (ordered a - ordered b)

let private specials =
    [|
        0.0
        -0.0
        Double.Epsilon
        -Double.Epsilon
        1e-310
        -1e-310
        2.2250738585072014e-308
        1e-300
        1e-20
        1e-8
        0.5
        1.0
        -1.0
        2.0
        -2.0
        Math.PI
        -Math.PI
        Math.PI / 2.0
        Math.PI / 4.0
        0.625
        -0.625
        22.0
        -22.0
        709.782712893384
        709.79
        -745.1332191019411
        -745.14
        -708.4
        -720.0
        1e5
        -1e5
        524288.0
        524289.0
        1e6
        1e300
        Double.MaxValue
        -Double.MaxValue
        Double.PositiveInfinity
        Double.NegativeInfinity
        Double.NaN
        Math.BitIncrement 1.0
        Math.BitDecrement 1.0
        Math.BitIncrement 0.0
    |]

/// Inputs for the identity checks: the specials, ±(nearest doubles to kπ/2) and their neighbours,
/// values next to 1, and random values over every magnitude and over the ranges the library uses.
let private inputs (seed: int) (count: int) =
    let rng = Random(seed)

    let randomBits () =
        let mutable v = BitConverter.Int64BitsToDouble(rng.NextInt64())

        if Double.IsNaN v then
            v <- 0.25

        v

    [|
        yield! specials
        for k in 1..2000 do
            let x = float k * (Math.PI / 2.0)
            yield x
            yield -x
            yield Math.BitIncrement x
            yield Math.BitDecrement x
        for _ in 1..2000 do
            yield 1.0 + (rng.NextDouble() - 0.5) * 1e-9
        for i in 0 .. count - 1 do
            match i % 6 with
            | 0 -> yield randomBits ()
            | 1 -> yield rng.NextDouble()
            | 2 -> yield (rng.NextDouble() - 0.5) * 20.0
            | 3 -> yield (rng.NextDouble() - 0.5) * 1500.0
            | 4 -> yield (rng.NextDouble() - 0.5) * 2e5
            | _ -> yield Math.Exp((rng.NextDouble() - 0.5) * 1400.0)
    |]

/// Runs f over xs in the scalar form, the 256-bit form, the 128-bit form (where one exists) and the
/// span form, and fails at the first input where any bit differs.
let private sameBits
    name
    (scalar: float -> float)
    (v256: Vector256<float> -> Vector256<float>)
    (v128: (Vector128<float> -> Vector128<float>) option)
    (span: float[] -> float[] -> unit)
    (xs: float[])
    =
    let n = xs.Length - xs.Length % 4
    let expected = Array.map scalar xs
    let viaSpan = Array.zeroCreate xs.Length
    span xs viaSpan

    for i in 0..4 .. n - 4 do
        let r = v256 (Vector256.Create(xs, i))

        for l in 0..3 do
            if bits r.[l] <> bits expected.[i + l] then
                failtestf "%s: Vector256 gives %.17g, scalar %.17g at x = %.17g" name r.[l] expected.[i + l] xs.[i + l]

        match v128 with
        | Some f ->
            let r = f (Vector128.Create(xs, i))

            for l in 0..1 do
                if bits r.[l] <> bits expected.[i + l] then
                    failtestf
                        "%s: Vector128 gives %.17g, scalar %.17g at x = %.17g"
                        name
                        r.[l]
                        expected.[i + l]
                        xs.[i + l]
        | None -> ()

    for i in 0 .. xs.Length - 1 do
        if bits viaSpan.[i] <> bits expected.[i] then
            failtestf "%s: span form gives %.17g, scalar %.17g at x = %.17g" name viaSpan.[i] expected.[i] xs.[i]

/// Fails if f is further than maxUlp from the reference at any of xs.
let private within name maxUlp (f: float -> float) (reference: float -> float) (xs: float seq) =
    let mutable worst, at = 0L, 0.0

    for x in xs do
        let u = ulps (f x) (reference x)

        if u > worst then
            worst <- u
            at <- x

    if worst > maxUlp then
        failtestf "%s: %d ulp from System.Math at x = %.17g (allowed %d)" name worst at maxUlp

let private randoms seed n lo hi =
    let rng = Random(seed: int)
    Seq.init n (fun _ -> lo + (hi - lo) * rng.NextDouble())

let private identity =
    testList
        "scalar, Vector128, Vector256 and span forms give the same bits"
        [
            let xs = inputs 7 1_000_000

            // The normal draws run log and sin/cos eight lanes wide where AVX-512 is there.
            testCase "512-bit log and sin/cos give the scalar bits" (fun () ->
                for i in 0..8 .. xs.Length - 8 do
                    let v = Vector512.Create(xs, i)
                    let log = PortableMath.Log v
                    let struct (sin, cos) = PortableMath.SinCos v

                    for l in 0..7 do
                        let x = xs.[i + l]

                        if bits log.[l] <> bits (PortableMath.Log x) then
                            failtestf
                                "log: Vector512 gives %.17g, scalar %.17g at x = %.17g"
                                log.[l]
                                (PortableMath.Log x)
                                x

                        if
                            bits sin.[l] <> bits (PortableMath.Sin x)
                            || bits cos.[l] <> bits (PortableMath.Cos x)
                        then
                            failtestf "sin/cos: Vector512 differs from the scalar form at x = %.17g" x)

            testCase "exp" (fun () ->
                sameBits
                    "exp"
                    PortableMath.Exp
                    PortableMath.Exp
                    (Some PortableMath.Exp)
                    (fun x y -> PortableMath.Exp(ReadOnlySpan<float>(x), Span<float>(y)))
                    xs)

            testCase "log" (fun () ->
                sameBits
                    "log"
                    PortableMath.Log
                    PortableMath.Log
                    (Some PortableMath.Log)
                    (fun x y -> PortableMath.Log(ReadOnlySpan<float>(x), Span<float>(y)))
                    xs)

            testCase "sin" (fun () ->
                sameBits
                    "sin"
                    PortableMath.Sin
                    PortableMath.Sin
                    (Some(fun v -> let struct (s, _) = PortableMath.SinCos(v: Vector128<float>) in s))
                    (fun x y -> PortableMath.Sin(ReadOnlySpan<float>(x), Span<float>(y)))
                    xs)

            testCase "cos" (fun () ->
                sameBits
                    "cos"
                    PortableMath.Cos
                    PortableMath.Cos
                    (Some(fun v -> let struct (_, c) = PortableMath.SinCos(v: Vector128<float>) in c))
                    (fun x y -> PortableMath.Cos(ReadOnlySpan<float>(x), Span<float>(y)))
                    xs)

            testCase "tanh" (fun () ->
                sameBits
                    "tanh"
                    PortableMath.Tanh
                    PortableMath.Tanh
                    None
                    (fun x y -> PortableMath.Tanh(ReadOnlySpan<float>(x), Span<float>(y)))
                    xs)

            testCase "sigmoid" (fun () ->
                sameBits
                    "sigmoid"
                    PortableMath.Sigmoid
                    PortableMath.Sigmoid
                    None
                    (fun x y -> PortableMath.Sigmoid(ReadOnlySpan<float>(x), Span<float>(y)))
                    xs)

            testCase "pow, with every special base and exponent" (fun () ->
                let bases = Array.append specials (inputs 8 100_000)

                let exponents =
                    Array.append
                        specials
                        [|
                            0.5
                            1.7
                            3.0
                            -3.0
                            4.0
                            1e-3
                            2.5
                            -0.5
                            1075.0
                            4503599627370497.0
                            9007199254740994.0
                        |]

                for b in exponents do
                    sameBits
                        $"pow(·, {b})"
                        (fun a -> PortableMath.Pow(a, b))
                        (fun v -> PortableMath.Pow(v, Vector256.Create b))
                        None
                        (fun x y -> PortableMath.Pow(ReadOnlySpan<float>(x), b, Span<float>(y)))
                        bases)

            testCase "sincos returns the sin and cos forms" (fun () ->
                for x in inputs 9 10_000 do
                    let struct (s, c) = PortableMath.SinCos(x: float)
                    Expect.equal (bits s) (bits (PortableMath.Sin x)) "sin"
                    Expect.equal (bits c) (bits (PortableMath.Cos x)) "cos")
        ]

let private accuracy =
    testList
        "within the stated ulp of System.Math"
        [
            testCase "exp within 1 ulp" (fun () ->
                within
                    "exp"
                    1L
                    PortableMath.Exp
                    Math.Exp
                    (Seq.concat
                        [
                            randoms 1 1_000_000 -745.0 709.7
                            randoms 2 200_000 -1.0 1.0
                            randoms 3 100_000 -1e-6 1e-6
                        ]))
            testCase "log within 1 ulp on (0, 1], near 1, on all positive doubles and subnormals" (fun () ->
                let rng = Random(4)

                within
                    "log"
                    1L
                    PortableMath.Log
                    Math.Log
                    (Seq.concat
                        [
                            randoms 5 1_000_000 0.0 1.0 |> Seq.map (fun u -> 1.0 - u)
                            randoms 6 200_000 (1.0 - 1e-7) (1.0 + 1e-7)
                            Seq.init 500_000 (fun _ ->
                                abs (BitConverter.Int64BitsToDouble(rng.NextInt64(0L, 0x7FF0000000000000L))))
                            randoms 7 100_000 1e-320 2.2e-308
                        ]))
            testCase "sin and cos within 1 ulp on |x| ≤ 2π, 10, 1e5" (fun () ->
                for xs in
                    [
                        randoms 8 1_000_000 (-2.0 * Math.PI) (2.0 * Math.PI)
                        randoms 9 300_000 -10.0 10.0
                        randoms 10 300_000 -1e5 1e5
                    ] do
                    within "sin" 1L PortableMath.Sin Math.Sin xs
                    within "cos" 1L PortableMath.Cos Math.Cos xs)
            testCase "sin and cos within 1 ulp next to multiples of π/2 up to 5e5" (fun () ->
                let xs =
                    [
                        for k in 1..5..330_000 do
                            let x = float k * (Math.PI / 2.0)
                            yield x
                            yield Math.BitIncrement x
                            yield -x
                    ]

                within "sin" 1L PortableMath.Sin Math.Sin xs
                within "cos" 1L PortableMath.Cos Math.Cos xs)
            testCase "tanh within 2 ulp; sigmoid within 4 ulp of the same formula over System.Math" (fun () ->
                within
                    "tanh"
                    2L
                    PortableMath.Tanh
                    Math.Tanh
                    (Seq.concat
                        [
                            randoms 11 500_000 -25.0 25.0
                            randoms 12 500_000 -0.7 0.7
                            randoms 13 50_000 -1e-9 1e-9
                        ])

                within
                    "sigmoid"
                    4L
                    PortableMath.Sigmoid
                    (fun x -> 1.0 / (1.0 + Math.Exp(-x)))
                    (randoms 14 500_000 -40.0 40.0))
            testCase "pow within 2 + |b·ln a|/8 ulp, small results and results near the ends of the range" (fun () ->
                let rng = Random(15)

                let check (a: float) (b: float) =
                    let allowed = 2L + int64 (abs (b * Math.Log(abs a)) / 8.0)
                    let u = ulps (PortableMath.Pow(a, b)) (Math.Pow(a, b))

                    if u > allowed then
                        failtestf "pow(%.17g, %.17g): %d ulp (allowed %d)" a b u allowed

                for _ in 1..300_000 do
                    check (rng.NextDouble() * 10.0) ((rng.NextDouble() - 0.5) * 10.0)
                    check (-3.0 + 6.0 * rng.NextDouble()) (float (rng.Next(-64, 65)))
                    let a = Math.Exp((rng.NextDouble() - 0.5) * 1400.0)
                    check a ((rng.NextDouble() - 0.5) * 1400.0 / abs (Math.Log a)))
        ]

let private special =
    testList
        "special values follow IEEE 754"
        [
            testCase "exp" (fun () ->
                Expect.equal (PortableMath.Exp 0.0) 1.0 "e^0"
                Expect.equal (PortableMath.Exp 709.79) Double.PositiveInfinity "overflow"
                Expect.equal (PortableMath.Exp Double.PositiveInfinity) Double.PositiveInfinity "e^∞"
                Expect.equal (bits (PortableMath.Exp -745.14)) 0L "underflow to +0"
                Expect.equal (bits (PortableMath.Exp Double.NegativeInfinity)) 0L "e^-∞"
                Expect.equal (PortableMath.Exp -745.1) Double.Epsilon "smallest subnormal"
                Expect.isTrue (Double.IsNaN(PortableMath.Exp Double.NaN)) "NaN")
            testCase "log" (fun () ->
                Expect.equal (bits (PortableMath.Log 1.0)) 0L "log 1 = +0"
                Expect.equal (PortableMath.Log 0.0) Double.NegativeInfinity "log 0"
                Expect.equal (PortableMath.Log -0.0) Double.NegativeInfinity "log -0"
                Expect.equal (PortableMath.Log Double.PositiveInfinity) Double.PositiveInfinity "log ∞"
                Expect.isTrue (Double.IsNaN(PortableMath.Log -1.0)) "log of a negative"
                Expect.isTrue (Double.IsNaN(PortableMath.Log Double.NaN)) "NaN"
                Expect.equal (PortableMath.Log Double.Epsilon) (Math.Log Double.Epsilon) "smallest subnormal")
            testCase "sin, cos, tanh" (fun () ->
                Expect.equal (bits (PortableMath.Sin -0.0)) (bits -0.0) "sin -0 = -0"
                Expect.equal (bits (PortableMath.Tanh -0.0)) (bits -0.0) "tanh -0 = -0"
                Expect.equal (PortableMath.Cos 0.0) 1.0 "cos 0"
                Expect.isTrue (Double.IsNaN(PortableMath.Sin Double.PositiveInfinity)) "sin ∞"
                Expect.isTrue (Double.IsNaN(PortableMath.Cos Double.NegativeInfinity)) "cos -∞"
                Expect.equal (PortableMath.Tanh 1000.0) 1.0 "tanh large"
                Expect.equal (PortableMath.Tanh -1000.0) -1.0 "tanh -large"
                Expect.equal (PortableMath.Sigmoid -1000.0) 0.0 "sigmoid -large")
            testCase "pow" (fun () ->
                Expect.equal (PortableMath.Pow(Double.NaN, 0.0)) 1.0 "x^0"
                Expect.equal (PortableMath.Pow(1.0, Double.NaN)) 1.0 "1^y"
                Expect.equal (PortableMath.Pow(-2.0, 3.0)) -8.0 "odd power of a negative"
                Expect.equal (PortableMath.Pow(-2.0, 2.0)) 4.0 "even power of a negative"
                Expect.isTrue (Double.IsNaN(PortableMath.Pow(-2.0, 0.5))) "fractional power of a negative"
                Expect.equal (PortableMath.Pow(0.0, -1.0)) Double.PositiveInfinity "0^-1"
                Expect.equal (PortableMath.Pow(0.0, 2.0)) 0.0 "0^2"
                Expect.equal (PortableMath.Pow(-1.0, Double.PositiveInfinity)) 1.0 "(-1)^∞"
                Expect.equal (PortableMath.Pow(Double.PositiveInfinity, -2.0)) 0.0 "∞^-2"
                Expect.equal (PortableMath.Pow(2.0, 10.0)) 1024.0 "2^10")
        ]

let tests = testList "portable math" [ identity; accuracy; special ]
