module RandomTests

open System
open Expecto
open FsCheck
open Properties
open QdFunctional.Core.Random
open QdFunctional.Numerics

let private draw (n: int) (fill: 't[] -> unit) =
    let a = Array.zeroCreate<'t> n
    fill a
    a

let private uniforms (key: Key) n : float[] =
    draw n (fun (s: float[]) -> key.Uniform(Span s))

let private normals (key: Key) n : float[] =
    draw n (fun (s: float[]) -> key.Normal(Span s))

let private mean (xs: float[]) = Array.average xs

/// Central moment of order k.
let private moment k (xs: float[]) =
    let m = mean xs
    xs |> Array.averageBy (fun x -> pown (x - m) k)

let private correlation (xs: float[]) (ys: float[]) =
    let mx, my = mean xs, mean ys
    let mutable sxy, sxx, syy = 0.0, 0.0, 0.0

    for i in 0 .. xs.Length - 1 do
        let dx, dy = xs[i] - mx, ys[i] - my
        sxy <- sxy + dx * dy
        sxx <- sxx + dx * dx
        syy <- syy + dy * dy

    sxy / sqrt (sxx * syy)

/// Pearson's chi-square statistic of counts against equal expected counts.
let private chiSquare (counts: int[]) =
    let total = float (Array.sum counts)
    let expected = total / float counts.Length
    counts |> Array.sumBy (fun c -> (float c - expected) ** 2.0 / expected)

/// The chi-square quantile with df degrees of freedom at standard-normal quantile z
/// (Wilson-Hilferty). z = ±4.75 bounds a correct generator's statistic with probability 1 - 2e-6.
let private chiQuantile (df: int) z =
    let k = float df
    k * (1.0 - 2.0 / (9.0 * k) + z * sqrt (2.0 / (9.0 * k))) ** 3.0

let private expectChiSquareFits (counts: int[]) what =
    let stat = chiSquare counts
    let df = counts.Length - 1
    let lo, hi = chiQuantile df -4.75, chiQuantile df 4.75

    Expect.isTrue
        (stat > lo && stat < hi)
        $"%s{what}: chi-square %.1f{stat} with %d{df} df outside (%.1f{lo}, %.1f{hi})"

/// erfc x for x ≥ 0 by Numerical Recipes' Chebyshev fit (fractional error below 1.2e-7).
let private erfcPositive (x: float) =
    let t = 1.0 / (1.0 + 0.5 * x)

    let poly =
        -x * x - 1.26551223
        + t
          * (1.00002368
             + t
               * (0.37409196
                  + t
                    * (0.09678418
                       + t
                         * (-0.18628806
                            + t
                              * (0.27886807
                                 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))

    t * exp poly

/// Φ, the standard normal distribution function.
let private normalCdf (x: float) =
    if x >= 0.0 then
        1.0 - 0.5 * erfcPositive (x / sqrt 2.0)
    else
        0.5 * erfcPositive (-x / sqrt 2.0)

/// |estimate - expected| within five standard errors.
let private expectWithin5Se (actual: float) expected se what =
    Expect.isLessThan (abs (actual - expected)) (5.0 * se) $"%s{what}: %g{actual} vs %g{expected} (se %g{se})"

let private hex (s: string) = Convert.ToUInt32(s, 16)

let knownAnswers =
    testList
        "known answers"
        [
            // Random123 examples/kat_vectors, threefry2x32 with 20 rounds: counter, key, output.
            let vectors =
                [
                    "00000000 00000000 00000000 00000000 6b200159 99ba4efe"
                    "ffffffff ffffffff ffffffff ffffffff 1cb996fc bb002be7"
                    "243f6a88 85a308d3 13198a2e 03707344 c4923a9c 483df7a0"
                ]
                |> List.map (fun line -> line.Split ' ' |> Array.map hex)

            testCase "Threefry-2x32-20 matches Random123's kat_vectors"
            <| fun () ->
                for v in vectors do
                    let struct (y0, y1) = Threefry.Hash(v[2], v[3], v[0], v[1])
                    Expect.equal (y0, y1) (v[4], v[5]) $"counter (%x{v[0]}, %x{v[1]}) key (%x{v[2]}, %x{v[3]})"

            testCase "the vectorised stream fill agrees with the block function, across a 2^32 carry"
            <| fun () ->
                for v in vectors do
                    let start = (uint64 v[0] <<< 32) ||| uint64 v[1]
                    let words = draw 37 (fun (s: uint64[]) -> Threefry.Fill(v[2], v[3], start, Span s))
                    Expect.equal words[0] ((uint64 v[4] <<< 32) ||| uint64 v[5]) "known answer as word 0"

                    for i in 0 .. words.Length - 1 do
                        let c = start + uint64 i
                        let struct (y0, y1) = Threefry.Hash(v[2], v[3], uint32 (c >>> 32), uint32 c)
                        Expect.equal words[i] ((uint64 y0 <<< 32) ||| uint64 y1) $"word %d{i} from %x{start}"

                let k = Key.Of 7UL

                let words =
                    draw 100 (fun (s: uint64[]) -> Threefry.Fill(k.Hi, k.Lo, (1UL <<< 32) - 50UL, Span s))

                for i in 0..99 do
                    Expect.equal words[i] (k.Bits((1UL <<< 32) - 50UL + uint64 i)) $"word %d{i} near the carry"

            testCase
                "Uniform value i is low + width * (word i >> 11) / 2^53, the last double below high when it rounds up"
            <| fun () ->
                // Every length 0..40 (a vector body and a scalar tail), a block boundary (256) and a long draw.
                let k = Key.Of 17UL

                for low, high in [ 0.0, 1.0; -3.0, 5.0; 1.0, Math.BitIncrement 1.0 ] do
                    for n in [ 0..40 ] @ [ 255; 256; 257; 1000; 200_000 ] do
                        let u = draw n (fun (s: float[]) -> k.Uniform(Span s, low, high))
                        let words = draw n (fun (s: uint64[]) -> k.Bits(Span s))

                        let expected =
                            words
                            |> Array.map (fun w ->
                                let x = low + (high - low) * Key.ToUnitDouble w
                                if x < high then x else Math.BitDecrement high)

                        Expect.equal
                            (Array.map BitConverter.DoubleToInt64Bits u)
                            (Array.map BitConverter.DoubleToInt64Bits expected)
                            $"%d{n} values in [%g{low}, %g{high})"

            testCase "PRNGKey(seed) is (seed >> 32, seed & 0xFFFFFFFF) as in JAX"
            <| fun () ->
                Expect.equal (Key.Of 42UL) (Key(0u, 42u)) "PRNGKey(42) = [0, 42]"
                Expect.equal (Key.Of 0x1_0000_0002UL) (Key(1u, 2u)) "a 64-bit seed"

            testCase "jax.random.split(PRNGKey(0)) (brief)"
            <| fun () ->
                let struct (k1, k2) = (Key.Of 0UL).Split2()
                Expect.equal k1 (Key(4146024105u, 967050713u)) "first key"
                Expect.equal k2 (Key(2718843009u, 1272950319u)) "second key"

            // JAX tests/random_test.py, testPRNGValues ("consistent random values between JAX versions"),
            // with the original (non-partitionable) threefry split.
            testCase "jax.random.split(PRNGKey(0), 4) and fold_in(PRNGKey(0), 4) (JAX testPRNGValues)"
            <| fun () ->
                let k = Key.Of 0UL

                Expect.equal
                    (k.Split 4)
                    [|
                        Key(2285895361u, 1501764800u)
                        Key(1518642379u, 4090693311u)
                        Key(433833334u, 4221794875u)
                        Key(839183663u, 3740430601u)
                    |]
                    "split into four"

                Expect.equal (k.FoldIn 4u) (Key(2285895361u, 433833334u)) "fold_in 4"
                Expect.equal (k.FoldIn 4) (k.FoldIn 4u) "signed and unsigned fold-in agree"

            // Stream 2's normals (the ziggurat): values that any change of the transform, its tables or its
            // retry words would move. 63 is the first value of this stream past the fast path (a wedge),
            // 9172 the first from the tail beyond r.
            testCase "the normal stream of PRNGKey(42) (stream 2, the ziggurat)"
            <| fun () ->
                Expect.equal Key.StreamVersion 2 "stream version"
                let k = Key.Of 42UL
                let z = normals k 10_000

                let bits (x: float) =
                    (BitConverter.DoubleToInt64Bits x).ToString "x16"

                let expected =
                    [
                        0, "bfee5c9b64b65e37"
                        1, "bf8170b98a37123f"
                        2, "bff83049bed1c18a"
                        3, "3ff09847ff6ae8d8"
                        4, "bfd75382bb26acc8"
                        5, "3ff39ad9ea164906"
                        6, "3fed50d8527ed4c3"
                        7, "bfe9306969294380"
                        63, "3f90d13f5c70dd91"
                        9172, "400d731160556119"
                    ]

                for i, value in expected do
                    Expect.equal (bits z[i]) value $"value %d{i}"
                    Expect.equal (bits (k.NormalAt(uint32 i))) value $"NormalAt %d{i}"

                Expect.floatClose Accuracy.veryHigh z[0] -0.94880456610093844 "value 0 in decimal"
                Expect.floatClose Accuracy.veryHigh z[9172] 3.6811854864173594 "value 9172 in decimal"

            // Marsaglia and Tsang's construction: every layer (the base with its tail included) has the
            // same area v, the base layer's rectangle ends at r, and the top layer closes at f(0) = 1.
            testCase "the ziggurat's 256 layers have equal areas and end at r"
            <| fun () ->
                let t = Ziggurat.Table()
                let n = Ziggurat.Layers

                let x i =
                    if i = n then 0.0 else t[i] * 4503599627370496.0

                let f i = t[2 * n + i]
                let v = 4.92867323399e-3
                let tailArea = sqrt (Math.PI / 2.0) * 2.0 * normalCdf -Ziggurat.TailStart
                Expect.equal (x 1) Ziggurat.TailStart "x_1 = r"
                Expect.floatClose Accuracy.high (Ziggurat.TailStart * f 1 + tailArea) v "base rectangle plus tail"
                Expect.floatClose Accuracy.veryHigh (x 0 * f 1) v "the base's virtual width is v / f(r)"

                for i in 1 .. n - 1 do
                    Expect.floatClose Accuracy.high (x i * (f (i + 1) - f i)) v $"layer %d{i}"
                    Expect.isTrue (x (i + 1) < x i) $"edges decrease at %d{i}"
                    Expect.equal t[n + i - 1] (x i) $"inner edge of layer %d{i - 1}"

                Expect.equal (f n) 1.0 "f(0) = 1"
                Expect.floatClose Accuracy.veryHigh (x 255) 0.21524189591327381 "x_255"

            testCase "Split2 and Split3 are Split 2 and Split 3"
            <| fun () ->
                let k = Key.Of 99UL
                let struct (a, b) = k.Split2()
                Expect.equal [| a; b |] (k.Split 2) "Split2"
                let struct (a, b, c) = k.Split3()
                Expect.equal [| a; b; c |] (k.Split 3) "Split3"
        ]

let independence =
    testList
        "independence"
        [
            let n = 100_000
            let bound = 5.0 / sqrt (float n) // five standard errors of a correlation of n independent pairs

            let expectUncorrelated (a: Key) (b: Key) what =
                let r = correlation (uniforms a n) (uniforms b n)
                Expect.isLessThan (abs r) bound $"%s{what}: correlation %g{r}"

            testCase "split streams are uncorrelated"
            <| fun () ->
                let k = Key.Of 0UL
                let struct (a, b) = k.Split2()
                expectUncorrelated a b "split pair"
                expectUncorrelated k a "parent and child"
                let ks = k.Split 5
                expectUncorrelated ks[3] ks[4] "neighbours in a split of five"

            testCase "fold-in streams are uncorrelated"
            <| fun () ->
                let k = Key.Of 1234UL
                expectUncorrelated (k.FoldIn 0) (k.FoldIn 1) "fold_in 0 and 1"
                expectUncorrelated (k.FoldIn 1) ((k.FoldIn 0).FoldIn 0) "fold_in 1 and fold_in 0 twice"

            testCase "neighbouring seeds give uncorrelated streams"
            <| fun () -> expectUncorrelated (Key.Of 1UL) (Key.Of 2UL) "seeds 1 and 2"

            testCase "successive values of a stream are uncorrelated (lag 1)"
            <| fun () ->
                let u = uniforms (Key.Of 5UL) (n + 1)
                let r = correlation u[.. n - 1] u[1..]
                Expect.isLessThan (abs r) bound $"lag-1 correlation %g{r}"

            testCase "many split and fold-in keys are all distinct"
            <| fun () ->
                let k = Key.Of 2024UL

                let keys =
                    Array.concat
                        [
                            k.Split 100_000
                            Array.init 100_000 (fun i -> k.FoldIn i)
                            (k.Split 1000) |> Array.collect (fun c -> c.Split 100)
                            [| k |]
                        ]

                Expect.equal (keys |> Array.distinct |> Array.length) keys.Length "no two keys are equal"
        ]

let distributions =
    testList
        "distributions"
        [
            let n = 1_000_000

            testCase "uniform doubles lie in [0, 1) with mean 1/2 and variance 1/12"
            <| fun () ->
                let u = uniforms (Key.Of 11UL) n
                Expect.all u (fun x -> x >= 0.0 && x < 1.0) "in [0, 1)"
                expectWithin5Se (mean u) 0.5 (sqrt (1.0 / 12.0 / float n)) "mean"
                // Var of the sample variance ≈ (mu4 - sigma^4) / n = (1/80 - 1/144) / n.
                expectWithin5Se (moment 2 u) (1.0 / 12.0) (sqrt ((1.0 / 80.0 - 1.0 / 144.0) / float n)) "variance"
                let bins = Array.zeroCreate 100

                for x in u do
                    bins[int (x * 100.0)] <- bins[int (x * 100.0)] + 1

                expectChiSquareFits bins "100 equal bins"

            testCase "uniform doubles respect [low, high), per-column bounds and stay below high"
            <| fun () ->
                let k = Key.Of 12UL
                let x = draw 10_000 (fun (s: float[]) -> k.Uniform(Span s, -3.0, 5.0))
                Expect.all x (fun v -> v >= -3.0 && v < 5.0) "in [-3, 5)"
                let u = uniforms k 10_000

                for i in 0 .. x.Length - 1 do
                    Expect.equal x[i] (-3.0 + 8.0 * u[i]) "an affine map of the unit draws"

                let lo, hi = [| -1.0; 10.0; 0.0 |], [| 1.0; 20.0; 1e-9 |]

                let y =
                    draw 30_000 (fun (s: float[]) -> k.Uniform(Span s, ReadOnlySpan lo, ReadOnlySpan hi))

                for i in 0 .. y.Length - 1 do
                    let j = i % 3
                    Expect.isTrue (y[i] >= lo[j] && y[i] < hi[j]) $"value %d{i} = %g{y[i]} in column %d{j}"
                // A width of one ulp: low + width * u rounds to high for u >= 1/2, which must not escape.
                let top = Math.BitIncrement 1.0
                let z = draw 1000 (fun (s: float[]) -> k.Uniform(Span s, 1.0, top))
                Expect.all z (fun v -> v = 1.0) "the only double in [1, 1 + ulp)"

            testCase "uniform floats lie in [0, 1) with mean 1/2"
            <| fun () ->
                let f = draw n (fun (s: float32[]) -> (Key.Of 13UL).Uniform(Span s))
                Expect.all f (fun x -> x >= 0.0f && x < 1.0f) "in [0, 1)"
                expectWithin5Se (f |> Array.averageBy float) 0.5 (sqrt (1.0 / 12.0 / float n)) "mean"

            testCase "normals have mean 0, variance 1, kurtosis 3 and the right tail mass"
            <| fun () ->
                let z = normals (Key.Of 14UL) n
                Expect.all z Double.IsFinite "finite"
                expectWithin5Se (mean z) 0.0 (sqrt (1.0 / float n)) "mean"
                expectWithin5Se (moment 2 z) 1.0 (sqrt (2.0 / float n)) "variance"
                expectWithin5Se (moment 4 z / (moment 2 z ** 2.0)) 3.0 (sqrt (24.0 / float n)) "kurtosis"
                expectWithin5Se (moment 3 z) 0.0 (sqrt (6.0 / float n)) "skewness"
                let p = 0.0455002638963584 // P(|Z| > 2)

                let tail =
                    float (z |> Array.filter (fun x -> abs x > 2.0) |> Array.length) / float n

                expectWithin5Se tail p (sqrt (p * (1.0 - p) / float n)) "P(|z| > 2)"

            // Kolmogorov–Smirnov over a million draws, and the tails the slow path makes: beyond r (the
            // ziggurat's tail), beyond 4 and 4.5, on four million draws.
            testCase "normals pass Kolmogorov–Smirnov against Φ and have the normal's tail mass"
            <| fun () ->
                let z = normals (Key.Of 16UL) n |> Array.sort
                let mutable d = 0.0

                for i in 0 .. n - 1 do
                    let f = normalCdf z[i]
                    d <- max d (max (float (i + 1) / float n - f) (f - float i / float n))

                // P(√n·D > 1.95) ≈ 0.001 for a correct generator.
                Expect.isLessThan (sqrt (float n) * d) 1.95 $"KS statistic D = %g{d}"

                let m = 4_000_000
                let big = normals (Key.Of 17UL) m

                for edge in [ Ziggurat.TailStart; 4.0; 4.5 ] do
                    let p = 2.0 * normalCdf -edge
                    let count = big |> Array.sumBy (fun x -> if abs x > edge then 1 else 0)

                    expectWithin5Se (float count / float m) p (sqrt (p * (1.0 - p) / float m)) $"P(|z| > %g{edge})"

                let beyond = big |> Array.filter (fun x -> x > Ziggurat.TailStart)
                let below = big |> Array.filter (fun x -> x < -Ziggurat.TailStart)
                Expect.isGreaterThan beyond.Length 400 "positive tail values"
                Expect.isGreaterThan below.Length 400 "negative tail values"
                // Within the tail, E[z − r | z > r] for the normal: φ(r)/(1 − Φ(r)) − r.
                let r = Ziggurat.TailStart
                let excess = exp (-r * r / 2.0) / sqrt (2.0 * Math.PI) / normalCdf -r - r

                let mean =
                    (Array.append beyond (Array.map (fun x -> -x) below) |> Array.average) - r

                Expect.isLessThan (abs (mean - excess)) 0.02 $"mean excess in the tail %g{mean} vs %g{excess}"

            testCase "normals with mean and scale are the standard draws moved and stretched"
            <| fun () ->
                let k = Key.Of 15UL
                let z = normals k 1001
                let y = draw 1001 (fun (s: float[]) -> k.Normal(Span s, 3.0, 0.5))

                for i in 0 .. z.Length - 1 do
                    Expect.equal y[i] (3.0 + 0.5 * z[i]) $"value %d{i}"

            testCase "integers are uniform over [low, high) (chi-square)"
            <| fun () ->
                let ints = draw 600_000 (fun (s: int[]) -> (Key.Of 16UL).Integers(Span s, -7, 53))
                Expect.all ints (fun i -> i >= -7 && i < 53) "in range"
                let counts = Array.zeroCreate 60

                for i in ints do
                    counts[i + 7] <- counts[i + 7] + 1

                expectChiSquareFits counts "60 values"

                let wide =
                    draw 100_000 (fun (s: int[]) -> (Key.Of 17UL).Integers(Span s, Int32.MinValue, Int32.MaxValue))

                Expect.isTrue (wide |> Array.exists (fun i -> i < -1_000_000_000)) "reaches far below zero"
                Expect.isTrue (wide |> Array.exists (fun i -> i > 1_000_000_000)) "reaches far above zero"

            testCase "NextInt over many folded keys is uniform"
            <| fun () ->
                let k = Key.Of 18UL
                let counts = Array.zeroCreate 7

                for i in 0..69_999 do
                    let v = (k.FoldIn i).NextInt 7
                    counts[v] <- counts[v] + 1

                expectChiSquareFits counts "NextInt 7"
                Expect.equal ((Key.Of 3UL).NextInt 1) 0 "a single choice"
                let u = (Key.Of 3UL).NextUniform()
                Expect.isTrue (u >= 0.0 && u < 1.0) "NextUniform in [0, 1)"

            property "every permutation is a permutation" 200
            <| fun (seed: uint64) (len: byte) ->
                let p = draw (int len) (fun (s: int[]) -> (Key.Of seed).Permutation(Span s))
                Array.sort (Array.copy p) = Array.init (int len) id

            testCase "permutations of three are uniform over the six orders"
            <| fun () ->
                let k = Key.Of 19UL
                let counts = Array.zeroCreate 6
                let p = Array.zeroCreate 3

                for i in 0..59_999 do
                    (k.FoldIn i).Permutation(Span p)
                    let code = p[0] * 2 + (if p[1] > p[2] then 1 else 0)
                    counts[code] <- counts[code] + 1

                expectChiSquareFits counts "orders of three"

            property "Choice gives distinct values in range, for every k from 0 to the population" 300
            <| fun (seed: uint64) (pop: byte) (frac: byte) ->
                let population = int pop
                let k = population * int frac / 255
                let c = draw k (fun (s: int[]) -> (Key.Of seed).Choice(population, Span s))

                c.Length = k
                && Array.forall (fun v -> v >= 0 && v < population) c
                && (Array.distinct c).Length = k

            testCase "Choice is a partial Fisher-Yates shuffle driven by word i, for small and large populations"
            <| fun () ->
                // Reference: swap position i with i + floor(word_i * (population - i) / 2^64).
                let reference (key: Key) population k =
                    let items = Array.init population id

                    Array.init k (fun i ->
                        let j = i + int (Math.BigMul(key.Bits(uint64 i), uint64 (population - i)) >>> 64)
                        let v = items[j]
                        items[j] <- items[i]
                        items[i] <- v
                        v)

                for population, k in [ 1, 1; 10, 3; 1024, 1024; 1025, 1000; 5000, 4999; 100_000, 300 ] do
                    let key = Key.Of(uint64 population)
                    let c = draw k (fun (s: int[]) -> key.Choice(population, Span s))
                    Expect.equal c (reference key population k) $"population %d{population}, k %d{k}"
                    Expect.equal (Array.distinct c).Length k "distinct"

            testCase "Choice edge cases: k = 0, k = population, population 0"
            <| fun () ->
                let k = Key.Of 20UL
                Expect.isEmpty (draw 0 (fun (s: int[]) -> k.Choice(0, Span s))) "nothing from nothing"
                Expect.isEmpty (draw 0 (fun (s: int[]) -> k.Choice(5, Span s))) "nothing from five"
                let all = draw 50 (fun (s: int[]) -> k.Choice(50, Span s))
                Expect.equal (Array.sort all) (Array.init 50 id) "all of them, each once"
                Expect.notEqual all (Array.init 50 id) "in a shuffled order"

            testCase "Choice's first and last picks are uniform over the population"
            <| fun () ->
                let k = Key.Of 21UL
                let first, last = Array.zeroCreate 20, Array.zeroCreate 20
                let c = Array.zeroCreate 5

                for i in 0..39_999 do
                    (k.FoldIn i).Choice(20, Span c)
                    first[c[0]] <- first[c[0]] + 1
                    last[c[4]] <- last[c[4]] + 1

                expectChiSquareFits first "first pick"
                expectChiSquareFits last "last pick"
        ]

let determinism =
    testList
        "determinism"
        [
            testCase "the same key gives the same draws"
            <| fun () ->
                let k = Key.Of 30UL
                Expect.equal (normals k 1000) (normals (Key.Of 30UL) 1000) "normals"
                Expect.equal (uniforms k 1000) (uniforms k 1000) "uniforms"

                Expect.equal
                    (draw 100 (fun (s: int[]) -> k.Integers(Span s, 0, 10)))
                    (draw 100 (fun (s: int[]) -> k.Integers(Span s, 0, 10)))
                    "integers"

                Expect.equal
                    (draw 100 (fun (s: int[]) -> k.Permutation(Span s)))
                    (draw 100 (fun (s: int[]) -> k.Permutation(Span s)))
                    "permutations"

                Expect.equal
                    (draw 10 (fun (s: int[]) -> k.Choice(100, Span s)))
                    (draw 10 (fun (s: int[]) -> k.Choice(100, Span s)))
                    "choices"

                Expect.equal (k.Split 10) (k.Split 10) "splits"
                Expect.notEqual (normals k 10) (normals (Key.Of 31UL) 10) "another key, other draws"

            // The vector ziggurat in Normal must be the scalar transform, bit for bit, including the values
            // whose word the fast path rejects: that is what makes the draws the same on every CPU.
            testCase "normals equal the scalar ziggurat bit for bit, rejected words included"
            <| fun () ->
                let k = Key.Of 32UL
                let n = 300_001
                let z = normals k n
                let bits (x: float) = BitConverter.DoubleToInt64Bits x

                for i in
                    [
                        0
                        1
                        2
                        7
                        8
                        15
                        16
                        255
                        256
                        1000
                        1001
                        65_536
                        65_537
                        299_999
                        300_000
                    ] do
                    Expect.equal (bits z[i]) (bits (k.NormalAt(uint32 i))) $"value %d{i}"

                // Every value past the fast path (about 1.5%), wherever it falls in a vector.
                let table = Ziggurat.Table()
                let mutable slow = 0

                for i in 0 .. n - 1 do
                    let w = k.Bits(uint64 i)
                    let x = float (w >>> 12) * table[int (w &&& 0xFFUL)]

                    if not (x < table[Ziggurat.Layers + int (w &&& 0xFFUL)]) then
                        slow <- slow + 1
                        Expect.equal (bits z[i]) (bits (k.NormalAt(uint32 i))) $"slow value %d{i}"

                Expect.isGreaterThan slow 1000 "the slow path ran"

            // 300,001 values run in parallel chunks; the shorter draws run on one thread.
            testCase "a shorter draw is a prefix of a longer one, also across the parallel path"
            <| fun () ->
                let k = Key.Of 32UL
                let longN, longU = normals k 300_001, uniforms k 300_001

                for len in [ 0; 1; 2; 5; 255; 256; 257; 1001; 16_385; 131_071 ] do
                    Expect.equal (normals k len) longN[.. len - 1] $"normal prefix of %d{len}"
                    Expect.equal (uniforms k len) longU[.. len - 1] $"uniform prefix of %d{len}"

                let longI = draw 5000 (fun (s: int[]) -> k.Integers(Span s, 0, 1000))
                Expect.equal (draw 333 (fun (s: int[]) -> k.Integers(Span s, 0, 1000))) longI[..332] "integer prefix"
                let longF = draw 5000 (fun (s: float32[]) -> k.Uniform(Span s))
                Expect.equal (draw 333 (fun (s: float32[]) -> k.Uniform(Span s))) longF[..332] "float prefix"

            testCase "value i of a draw depends only on the key and i"
            <| fun () ->
                let k = Key.Of 33UL
                let words = draw 300_000 (fun (s: uint64[]) -> k.Bits(Span s))
                let u = uniforms k 300_000

                for i in [ 0; 1; 7; 8; 255; 256; 16_383; 16_384; 131_072; 299_999 ] do
                    Expect.equal words[i] (k.Bits(uint64 i)) $"word %d{i}"
                    Expect.equal u[i] (Key.ToUnitDouble(k.Bits(uint64 i))) $"uniform %d{i}"

                Expect.equal (k.NextUniform()) u[0] "NextUniform is value 0"

            // The register forms (sixteen or eight values per group, by AVX-512 or AVX2) pad a short last
            // group: every length must still give the scalar formula's bits, and Gaussian mutation (which
            // adds the draw to the row in place) must be the row plus the drawn noise, bit for bit.
            testCase "short normal draws and in-place Gaussian mutation give the scalar formula's bits at every length"
            <| fun () ->
                let bits (x: float) = BitConverter.DoubleToInt64Bits x

                for len in 0..70 do
                    let k = (Key.Of 35UL).FoldIn len
                    let z = draw len (fun (s: float[]) -> k.Normal(Span s, 0.25, 3.0))

                    for i in 0 .. len - 1 do
                        let expected = 0.25 + 3.0 * k.NormalAt(uint32 i)
                        Expect.equal (bits z[i]) (bits expected) $"length %d{len}, value %d{i}"

                    if len > 0 then
                        let rows = 3
                        let start = Array.init (rows * len) (fun i -> float i * 0.37 - 5.0)
                        let mutated = Array.copy start
                        QdFunctional.Core.Emitters.Variation.Gaussian(mutated, len, 0.2, k)

                        for r in 0 .. rows - 1 do
                            let noise = draw len (fun (s: float[]) -> (k.FoldIn r).Normal(Span s, 0.0, 0.2))

                            for j in 0 .. len - 1 do
                                let expected = start[r * len + j] + noise[j]

                                Expect.equal
                                    (bits mutated[r * len + j])
                                    (bits expected)
                                    $"d %d{len}, row %d{r}, column %d{j}"

                        let a = Array.copy start
                        let b = Array.init (rows * len) (fun i -> float i * -0.11 + 1.0)
                        QdFunctional.Core.Emitters.Variation.IsoLine(a, b, len, 0.1, 0.3, k)

                        for r in 0 .. rows - 1 do
                            let struct (kIso, kLine) = (k.FoldIn r).Split2()
                            let noise = draw len (fun (s: float[]) -> kIso.Normal(Span s, 0.0, 0.1))
                            let line = draw 1 (fun (s: float[]) -> kLine.Normal(Span s, 0.0, 0.3))

                            for j in 0 .. len - 1 do
                                let x, y = start[r * len + j], b[r * len + j]
                                let expected = x + (noise[j] + line[0] * (y - x))

                                Expect.equal
                                    (bits a[r * len + j])
                                    (bits expected)
                                    $"iso-line d %d{len}, row %d{r}, column %d{j}"

            testCase
                "a normal value from the fast path is the word's layer width times its top 52 bits, signed by bit 8"
            <| fun () ->
                let k = Key.Of 34UL
                let z = normals k 20_001
                let table = Ziggurat.Table()
                let mutable fast = 0

                for i in 0 .. z.Length - 1 do
                    let w = k.Bits(uint64 i)
                    let layer = int (w &&& 0xFFUL)
                    let x = float (w >>> 12) * table[layer]

                    if x < table[Ziggurat.Layers + layer] then
                        fast <- fast + 1
                        Expect.equal z[i] (if w &&& 0x100UL <> 0UL then -x else x) $"value %d{i}"

                // The fast path's share is Σᵢ x_{i+1}/x_i over the 256 layers, / 256: about 98.5%.
                let share =
                    Seq.init Ziggurat.Layers (fun i -> table[Ziggurat.Layers + i] / (table[i] * 4503599627370496.0))
                    |> Seq.average

                Expect.isLessThan (abs (share - 0.98508)) 1e-5 $"fast share %g{share}"
                let m = float z.Length

                expectWithin5Se (float fast / m) share (sqrt (share * (1.0 - share) / m)) "fast path"
        ]

let errors =
    testList
        "bad arguments"
        [
            let k = Key.Of 40UL

            let throwsWith (f: unit -> unit) (fragment: string) what =
                Expect.throwsC f (fun e -> Expect.stringContains e.Message fragment what)

            testCase "splits and fold-ins"
            <| fun () ->
                throwsWith (fun () -> k.Split 0 |> ignore) "count" "zero keys"
                throwsWith (fun () -> k.FoldIn -1 |> ignore) "non-negative" "negative fold-in"

            testCase "uniform bounds"
            <| fun () ->
                let a = Array.zeroCreate<float> 6
                throwsWith (fun () -> k.Uniform(Span a, 1.0, 1.0)) "low < high" "empty interval"
                throwsWith (fun () -> k.Uniform(Span a, nan, 1.0)) "NaN" "NaN low"

                throwsWith
                    (fun () -> k.Uniform(Span a, -Double.MaxValue, Double.MaxValue))
                    "finite width"
                    "overflowing width"

                throwsWith
                    (fun () -> k.Uniform(Span a, ReadOnlySpan [| 0.0; 0.0 |], ReadOnlySpan [| 1.0 |]))
                    "bound lengths"
                    "lengths differ"

                throwsWith
                    (fun () ->
                        k.Uniform(Span a, ReadOnlySpan [| 0.0; 0.0; 0.0; 0.0 |], ReadOnlySpan [| 1.0; 1.0; 1.0; 1.0 |]))
                    "dividing"
                    "4 does not divide 6"

                throwsWith
                    (fun () -> k.Uniform(Span a, ReadOnlySpan [| 0.0; 2.0 |], ReadOnlySpan [| 1.0; 2.0 |]))
                    "low[1] < high[1]"
                    "second column empty"

            testCase "normal, integer and choice arguments"
            <| fun () ->
                let a = Array.zeroCreate<float> 4
                throwsWith (fun () -> k.Normal(Span a, 0.0, -1.0)) "scale" "negative scale"
                throwsWith (fun () -> k.Normal(Span a, infinity, 1.0)) "mean" "infinite mean"

                throwsWith
                    (fun () -> k.Integers(Span(Array.zeroCreate<int> 3), 5, 5))
                    "low < high"
                    "empty integer range"

                throwsWith (fun () -> k.NextInt 0 |> ignore) "positive" "NextInt 0"
                throwsWith (fun () -> k.Choice(3, Span(Array.zeroCreate<int> 4))) "at least 4" "more picks than items"
                throwsWith (fun () -> k.Choice(-1, Span(Array.zeroCreate<int> 0))) "population" "negative population"
        ]

[<Tests>]
let tests =
    testList "Random" [ knownAnswers; independence; distributions; determinism; errors ]
