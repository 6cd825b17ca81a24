/// FixedOrder adds in the documented order whatever the machine's vector width: checked bit for bit
/// against a plain scalar transcription of that order, so on an AVX2 machine this covers the 256-bit
/// path and on any other (no AVX2, Arm) the 128-bit one.
module FixedOrderTests

open System
open Expecto
open QdFunctional.Diff
open QdFunctional.Numerics

/// The order on the class: 16 partial sums (4 accumulators × 4 lanes) over blocks of 16, further
/// groups of 4 into the first accumulator, (a0 + a1) + (a2 + a3), lanes 0..3 in order, then the tail.
let private reference (terms: float[]) =
    let n = terms.Length
    let acc = Array.zeroCreate 16
    let mutable i = 0
    let mutable s = 0.0

    if n >= 4 then
        while i <= n - 16 do
            for j in 0..15 do
                acc.[j] <- acc.[j] + terms.[i + j]

            i <- i + 16

        while i <= n - 4 do
            for j in 0..3 do
                acc.[j] <- acc.[j] + terms.[i + j]

            i <- i + 4

        for l in 0..3 do
            s <- s + ((acc.[l] + acc.[4 + l]) + (acc.[8 + l] + acc.[12 + l]))

    while i < n do
        s <- s + terms.[i]
        i <- i + 1

    s

/// The same order with float32 additions (the float32 overloads promise it).
let private reference32 (terms: float32[]) =
    let n = terms.Length
    let acc = Array.zeroCreate<float32> 16
    let mutable i = 0
    let mutable s = 0.0f

    if n >= 4 then
        while i <= n - 16 do
            for j in 0..15 do
                acc.[j] <- acc.[j] + terms.[i + j]

            i <- i + 16

        while i <= n - 4 do
            for j in 0..3 do
                acc.[j] <- acc.[j] + terms.[i + j]

            i <- i + 4

        for l in 0..3 do
            s <- s + ((acc.[l] + acc.[4 + l]) + (acc.[8 + l] + acc.[12 + l]))

    while i < n do
        s <- s + terms.[i]
        i <- i + 1

    s

let tests =
    testList
        "fixed-order reductions"
        [
            testCase "float32 sum and dot follow the documented order bit for bit, in float32" (fun () ->
                let rng = Random(22)

                for n in [ 0..70 ] @ [ 1000; 1001; 4099 ] do
                    let a =
                        Array.init n (fun _ ->
                            float32 ((rng.NextDouble() - 0.5) * Math.Pow(10.0, float (rng.Next(-4, 5)))))

                    let b = Array.init n (fun _ -> float32 (rng.NextDouble() - 0.5))
                    let bits (x: float32) = BitConverter.SingleToInt32Bits x
                    Expect.equal (bits (FixedOrder.Sum(ReadOnlySpan a))) (bits (reference32 a)) $"sum n={n}"

                    Expect.equal
                        (bits (FixedOrder.Dot(ReadOnlySpan a, ReadOnlySpan b)))
                        (bits (reference32 (Array.map2 (*) a b)))
                        $"dot n={n}")

            testCase "sum, dot and norm follow the documented order bit for bit at every length" (fun () ->
                let rng = Random(21)

                for n in [ 0..70 ] @ [ 1000; 1001; 4099 ] do
                    let a =
                        Array.init n (fun _ -> (rng.NextDouble() - 0.5) * Math.Pow(10.0, float (rng.Next(-8, 9))))

                    let b = Array.init n (fun _ -> rng.NextDouble() - 0.5)
                    let bits (x: float) = BitConverter.DoubleToInt64Bits x
                    Expect.equal (bits (FixedOrder.Sum(ReadOnlySpan a))) (bits (reference a)) $"sum n={n}"

                    Expect.equal
                        (bits (FixedOrder.Dot(ReadOnlySpan a, ReadOnlySpan b)))
                        (bits (reference (Array.map2 (*) a b)))
                        $"dot n={n}"

                    Expect.equal
                        (bits (FixedOrder.Norm(ReadOnlySpan a)))
                        (bits (sqrt (reference (Array.map (fun x -> x * x) a))))
                        $"norm n={n}")
            testCase "dot refuses spans of different lengths" (fun () ->
                Expect.throwsT<ArgumentException>
                    (fun () -> FixedOrder.Dot(ReadOnlySpan [| 1.0 |], ReadOnlySpan [| 1.0; 2.0 |]) |> ignore)
                    "lengths")
        ]
