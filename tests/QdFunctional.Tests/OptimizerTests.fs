module OptimizerTests

open System
open Expecto
open Properties
open QdFunctional.Core.Optimizers
open QdFunctional.Core.Random

let private ros (a: float[]) = ReadOnlySpan<float>(a)

/// Objectives to minimize (row of a row-major block).
let private sphere (x: float[]) = x |> Array.sumBy (fun v -> v * v)

let private ellipsoid (x: float[]) =
    let n = x.Length

    x
    |> Array.mapi (fun i v -> 10.0 ** (6.0 * float i / float (n - 1)) * v * v)
    |> Array.sum

let private rosenbrock (x: float[]) =
    Array.init (x.Length - 1) (fun i -> 100.0 * (x[i + 1] - x[i] * x[i]) ** 2.0 + (1.0 - x[i]) ** 2.0)
    |> Array.sum

let private rows n (block: float[]) = Array.chunkBySize n block

/// Ranking best first (smallest f), ties by row index.
let private rankBy (f: float[] -> float) n (block: float[]) =
    let values = rows n block |> Array.map f

    let ranking =
        Array.init values.Length id |> Array.sortBy (fun i -> struct (values[i], i))

    ranking, values

/// A plain minimization loop: ask, rank by f, tell with μ = λ/2; stops at the target or the budget.
let private minimize (es0: IEvolutionStrategy) f target budget =
    let n = es0.Dimension
    let mutable es = es0
    let mutable best = infinity
    let mutable it = 0

    while best >= target && es.Evaluations < int64 budget do
        let x = es.Ask((Key.Of 11UL).FoldIn it)
        let ranking, values = rankBy f n x
        best <- min best values[ranking[0]]
        es <- es.Tell(ros x, ranking, ranking.Length / 2)
        it <- it + 1

    best, es

let private snapshot (es: CmaEs) =
    es.Mean.ToArray(),
    es.Sigma,
    es.Covariance.ToArray(),
    es.PathSigma.ToArray(),
    es.PathC.ToArray(),
    es.Eigenvectors.ToArray(),
    es.Eigenvalues.ToArray(),
    (es.Generation, es.Evaluations, es.EigenEvaluations)

/// A 3-d CMA-ES whose C is far from I and whose B, D are fresh: two tells of a skewed batch.
let private skewed () =
    let es = CmaEs.Create(ros [| 1.0; -1.0; 0.5 |], 0.8, 12)
    let x = es.Ask(Key.Of 5UL)
    // Rank by a direction so that C stretches along it.
    let ranking, _ = rankBy (fun r -> -(r[0] + 2.0 * r[1] - r[2])) 3 x
    let next = es.Tell(ros x, ranking, 6)
    let next = es.Tell(ros (next.Ask(Key.Of 6UL)), ranking, 6)
    next.WithFreshEigen()

/// Sample mean and covariance of a row-major block.
let private moments n (block: float[]) =
    let data = rows n block
    let count = float data.Length
    let mean = Array.init n (fun j -> data |> Array.averageBy (fun r -> r[j]))

    let cov =
        Array2D.init n n (fun i j ->
            (data |> Array.sumBy (fun r -> (r[i] - mean[i]) * (r[j] - mean[j])))
            / (count - 1.0))

    mean, cov

/// Checks the sample moments of N draws against (m, Σ) within 5 standard errors:
/// se(mean_i) = √(Σ_ii/N), se(S_ij) ≈ √((Σ_ii Σ_jj + Σ_ij²)/N) for Gaussian data.
let private expectMoments n (samples: float[]) (m: float[]) (sigma: float[,]) =
    let count = float (samples.Length / n)
    let mean, cov = moments n samples

    for i in 0 .. n - 1 do
        Expect.isLessThan (abs (mean[i] - m[i])) (5.0 * sqrt (sigma[i, i] / count)) $"mean {i}"

        for j in 0 .. n - 1 do
            let se = sqrt ((sigma[i, i] * sigma[j, j] + sigma[i, j] ** 2.0) / count)
            Expect.isLessThan (abs (cov[i, j] - sigma[i, j])) (5.0 * se) $"covariance {i},{j}"

let private cmaTests =
    [
        test "CMA-ES: sphere in 10-d to 1e-8 within 2,000 n evaluations" {
            let best, es =
                minimize (CmaEs.Create(ros (Array.create 10 3.0), 1.0)) sphere 1e-8 20_000

            Expect.isLessThan best 1e-8 $"best {best} after {es.Evaluations}"
        }
        test "CMA-ES: ellipsoid (condition 1e6) in 10-d to 1e-8 within 3,000 n evaluations" {
            let best, es =
                minimize (CmaEs.Create(ros (Array.create 10 3.0), 1.0)) ellipsoid 1e-8 30_000

            Expect.isLessThan best 1e-8 $"best {best} after {es.Evaluations}"
            let cma = es :?> CmaEs
            Expect.isGreaterThan cma.ConditionNumber 1e4 "C learnt the ellipsoid's scaling"
        }
        test "CMA-ES: Rosenbrock in 10-d to 1e-6 within 50,000 evaluations" {
            let best, es =
                minimize (CmaEs.Create(ros (Array.zeroCreate 10), 0.5)) rosenbrock 1e-6 50_000

            Expect.isLessThan best 1e-6 $"best {best} after {es.Evaluations}"
        }
        test "CMA-ES: defaults follow the tutorial" {
            let es = CmaEs.Create(ros (Array.zeroCreate 10), 1.0)
            Expect.equal es.BatchSize (4 + int (floor (3.0 * log 10.0))) "λ = 4 + ⌊3 ln n⌋"
            let p = CmaParameters.For(10, 5)
            let w = p.Weights.ToArray()
            Expect.floatClose Accuracy.high (Array.sum w) 1.0 "weights sum to 1"
            Expect.isTrue (Array.pairwise w |> Array.forall (fun (a, b) -> a > b && b > 0.0)) "decreasing, positive"
            Expect.floatClose Accuracy.high p.MuEff (1.0 / (w |> Array.sumBy (fun v -> v * v))) "μ_eff"
            Expect.floatClose Accuracy.high p.C1 (2.0 / (11.3 ** 2.0 + p.MuEff)) "c₁"
        }
        test "CMA-ES: ask is deterministic under a key; other keys differ; a shorter ask is a prefix" {
            let es = skewed ()
            Expect.sequenceEqual (es.Ask(Key.Of 9UL)) (es.Ask(Key.Of 9UL)) "same key, same block"
            Expect.notEqual (es.Ask(Key.Of 9UL)) (es.Ask(Key.Of 10UL)) "other key, other block"
            Expect.sequenceEqual (es.Ask(Key.Of 9UL, 5)) (es.Ask(Key.Of 9UL, 10)[..14]) "row i depends only on (key, i)"
            Expect.equal (es.Ask(Key.Of 9UL).Length) (es.BatchSize * 3) "λ × n"
        }
        test "CMA-ES: samples have mean m and covariance σ²C" {
            let es = skewed ()
            let c = es.Covariance.ToArray()
            Expect.isGreaterThan (abs c[1]) 0.01 "C has off-diagonal terms"
            let s2 = es.Sigma * es.Sigma

            expectMoments
                3
                (es.Ask(Key.Of 77UL, 40_000))
                (es.Mean.ToArray())
                (Array2D.init 3 3 (fun i j -> s2 * c[3 * i + j]))
        }
        test "CMA-ES: C stays exactly symmetric" {
            let _, es = minimize (CmaEs.Create(ros (Array.create 7 1.0), 1.0)) ellipsoid 0.0 700
            let c = (es :?> CmaEs).Covariance.ToArray()

            for i in 0..6 do
                for j in 0..6 do
                    Expect.equal c[7 * i + j] c[7 * j + i] $"C[{i},{j}]"
        }
        // A tell keeps C's update pending and replays the pending updates when C is next needed (the
        // next decomposition, a checkpoint, this property). Reading C after every tell replays one update
        // at a time, as an eager update would; never reading it lets updates pile up between lazy
        // decompositions (and, with the decompositions put off, be folded in when they outweigh C).
        // Both must be the same states, bit for bit.
        for factor in [ 2.0; 1e6 ] do
            test $"CMA-ES: C's deferred updates give the eager states bit for bit (lazy gap factor %g{factor})" {
                let options = EvolutionStrategyOptions(LazyGapFactor = factor)

                let start () =
                    CmaEs.Create(ros (Array.init 40 (fun i -> float (i % 5) - 2.0)), 0.6, 12, options)

                let mutable eager, deferred = start (), start ()
                let mutable pendings = 0

                for g in 0..59 do
                    let key = (Key.Of 21UL).FoldIn g
                    let x = eager.Ask key
                    Expect.sequenceEqual (deferred.Ask key) x $"generation %d{g}: same samples"
                    let ranking, _ = rankBy ellipsoid 40 x
                    eager <- eager.Tell(ros x, ranking, 6)
                    eager.Covariance.ToArray() |> ignore
                    let before = deferred.EigenEvaluations
                    deferred <- deferred.Tell(ros x, ranking, 6)

                    if deferred.EigenEvaluations = before then
                        pendings <- pendings + 1

                Expect.isGreaterThan pendings 10 "tells between decompositions"
                Expect.equal (snapshot deferred) (snapshot eager) "same state"
            }
        test "CMA-ES: tell is pure" {
            let es = CmaEs.Create(ros (Array.init 6 float), 0.7, 10)
            let before = snapshot es
            let x = es.Ask(Key.Of 3UL)
            let ranking, _ = rankBy sphere 6 x
            let a = es.Tell(ros x, ranking, 5)
            let b = es.Tell(ros x, ranking, 5)
            Expect.equal (snapshot es) before "the original state is unchanged"
            Expect.equal (snapshot a) (snapshot b) "the same tell gives the same state"
            Expect.notEqual (snapshot a) before "the tell did something"
        }
        property
            "CMA-ES: permuting solutions together with their ranking gives the same state"
            30
            (fun (seed: uint64) ->
                let es = CmaEs.Create(ros [| 0.3; -0.2; 1.0; 2.0 |], 0.5, 8)
                let x = es.Ask(Key.Of seed)
                let ranking, _ = rankBy sphere 4 x
                let perm = Array.zeroCreate 8
                (Key.Of(seed + 1UL)).Permutation(Span<int>(perm))
                // Row j of the permuted block is old row perm[j]; old row i now sits at inv[i].
                let inv = Array.zeroCreate 8
                perm |> Array.iteri (fun j i -> inv[i] <- j)
                let permuted = Array.init 32 (fun k -> x[4 * perm[k / 4] + k % 4])
                let mu = 1 + int (seed % 8UL)

                snapshot (es.Tell(ros x, ranking, mu)) =
                    snapshot (es.Tell(ros permuted, ranking |> Array.map (fun i -> inv[i]), mu)))
        test "CMA-ES: a lazy state with B, D forced fresh samples exactly as an eager one" {
            let lazyEs =
                CmaEs.Create(ros (Array.create 20 1.0), 0.5, 10, EvolutionStrategyOptions(LazyGapFactor = 10.0))

            let eager =
                CmaEs.Create(ros (Array.create 20 1.0), 0.5, 10, EvolutionStrategyOptions(LazyGapFactor = 0.0))

            let x = lazyEs.Ask(Key.Of 1UL)
            let ranking, _ = rankBy ellipsoid 20 x
            let l = lazyEs.Tell(ros x, ranking, 5)
            let e = eager.Tell(ros x, ranking, 5)
            Expect.equal l.EigenEvaluations 0L "the lazy state kept B = I"
            Expect.equal e.EigenEvaluations 10L "the eager state refreshed"
            Expect.sequenceEqual (l.Covariance.ToArray()) (e.Covariance.ToArray()) "same C"
            Expect.notEqual (l.Ask(Key.Of 2UL)) (e.Ask(Key.Of 2UL)) "stale B, D sample differently"

            Expect.sequenceEqual
                (l.WithFreshEigen().Ask(Key.Of 2UL))
                (e.Ask(Key.Of 2UL))
                "forced fresh: identical samples"
        }
        test "CMA-ES: B and D are refreshed exactly when the lazy gap is exceeded" {
            let mutable es = CmaEs.Create(ros (Array.create 100 1.0), 0.5, 12)
            Expect.isGreaterThan es.LazyGap 12.0 "at n = 100 the tutorial's gap spans several tells"
            let mutable skipped, refreshed = 0, 0

            for it in 0..19 do
                let before = es.EigenEvaluations
                let x = es.Ask((Key.Of 8UL).FoldIn it)
                let ranking, _ = rankBy ellipsoid 100 x
                es <- es.Tell(ros x, ranking, 6)

                if float (es.Evaluations - before) > es.LazyGap then
                    Expect.equal es.EigenEvaluations es.Evaluations "refreshed once the gap is exceeded"
                    refreshed <- refreshed + 1
                else
                    Expect.equal es.EigenEvaluations before "kept while within the gap"
                    skipped <- skipped + 1

            Expect.isGreaterThan skipped 0 "some tells skipped the decomposition"
            Expect.isGreaterThan refreshed 0 "some tells refreshed it"
        }
        test "CMA-ES: a tell with no parents only moves the counters" {
            let es = CmaEs.Create(ros [| 1.0; 2.0 |], 0.5, 6)
            let x = es.Ask(Key.Of 1UL)
            let next = es.Tell(ros x, [| 0..5 |], 0)

            Expect.equal
                (next.Mean.ToArray(), next.Sigma, next.Covariance.ToArray())
                (es.Mean.ToArray(), es.Sigma, es.Covariance.ToArray())
                "distribution unchanged"

            Expect.equal (next.Generation, next.Evaluations) (1, 6L) "counters moved"
        }
        test "CMA-ES: the eigendecomposition reproduces C" {
            let es = skewed ()
            let b = es.Eigenvectors.ToArray()
            let d = es.Eigenvalues.ToArray()
            let c = es.Covariance.ToArray()

            for i in 0..2 do
                for j in 0..2 do
                    let bdb = Seq.sum (seq { for k in 0..2 -> b[3 * i + k] * d[k] * b[3 * j + k] })
                    Expect.floatClose Accuracy.high bdb c[3 * i + j] $"(B D² Bᵀ)[{i},{j}]"
        }
        test "Symmetric eigendecomposition: B D Bᵀ = C, B orthogonal, eigenvalues as MathNet's" {
            let check n (c: float[]) =
                let struct (b, d) = SymmetricEigen.Decompose(n, ros c)
                let struct (_, dRef) = QdFunctional.Bench.MathNetEigen.Decompose(n, ros c)
                let scale = c |> Array.map abs |> Array.max |> max 1.0

                for i in 0 .. n - 1 do
                    Expect.isLessThan (abs (d[i] - dRef[i])) (1e-12 * scale) $"n={n}: eigenvalue {i}"

                    if i > 0 then
                        Expect.isLessThanOrEqual d[i - 1] d[i] "ascending"

                    for j in 0 .. n - 1 do
                        let bdb =
                            Seq.sum (seq { for k in 0 .. n - 1 -> b[n * i + k] * d[k] * b[n * j + k] })

                        let btb = Seq.sum (seq { for k in 0 .. n - 1 -> b[n * k + i] * b[n * k + j] })
                        Expect.isLessThan (abs (bdb - c[n * i + j])) (1e-12 * scale) $"n={n}: (B D Bᵀ)[{i},{j}]"
                        Expect.isLessThan (abs (btb - (if i = j then 1.0 else 0.0))) 1e-12 $"n={n}: (BᵀB)[{i},{j}]"

            let spd n seed =
                let a = Array.zeroCreate (n * n)
                (Key.Of seed).Normal(Span<float>(a))

                Array.init (n * n) (fun ij ->
                    Seq.sum (seq { for k in 0 .. n - 1 -> a[n * (ij / n) + k] * a[n * (ij % n) + k] })
                    / float n)

            check 1 [| 4.0 |]
            check 2 [| 2.0; 1.0; 1.0; 2.0 |]
            check 40 (spd 40 1UL)
            check 30 (Array.init 900 (fun ij -> if ij / 30 = ij % 30 then float (1 + (ij / 30) % 3) else 0.0)) // repeated eigenvalues

            check
                25
                (spd 25 2UL
                 |> Array.mapi (fun ij v -> v + (if ij / 25 = ij % 25 then 1e-3 else 0.0)))

            let lowRank =
                let v = Array.init 20 (fun i -> float i - 9.5) in Array.init 400 (fun ij -> v[ij / 20] * v[ij % 20])

            check 20 lowRank
        }
        test "CMA-ES: every sample lies within the bounds, resampled or clipped" {
            for maxResamples in [ 0; 100 ] do
                let options =
                    EvolutionStrategyOptions(
                        Lower = Array.create 5 -0.5,
                        Upper = Array.create 5 0.25,
                        MaxResamples = maxResamples
                    )

                let es = CmaEs.Create(ros (Array.zeroCreate 5), 1.0, 50, options)
                let x = es.Ask(Key.Of 4UL)
                Expect.all x (fun v -> v >= -0.5 && v <= 0.25) $"in bounds (max resamples {maxResamples})"
                Expect.sequenceEqual x (es.Ask(Key.Of 4UL)) "deterministic under the key"

            let loose =
                CmaEs.Create(ros (Array.zeroCreate 2), 0.1, 50, EvolutionStrategyOptions.Bounded(2, -1.0, 1.0))

            Expect.sequenceEqual
                (loose.Ask(Key.Of 4UL))
                (CmaEs.Create(ros (Array.zeroCreate 2), 0.1, 50).Ask(Key.Of 4UL))
                "in-bounds rows are untouched"
        }
        test "CMA-ES: check stop" {
            let es = CmaEs.Create(ros (Array.zeroCreate 3), 1.0)
            Expect.equal (es.CheckStop(ros [| 1.0; 2.0 |])) StopReason.None "healthy"
            Expect.equal (es.CheckStop(ros [| 1.0; 1.0 |])) StopReason.FlatFitness "flat"

            Expect.equal
                (CmaEs.Create(ros (Array.zeroCreate 3), 1e-12).CheckStop(ros [| 1.0; 2.0 |]))
                StopReason.TooSmall
                "collapsed"
        }
        test "CMA-ES: reset returns to the initial distribution around a new point" {
            let _, es = minimize (CmaEs.Create(ros (Array.create 4 1.0), 0.3)) sphere 0.0 200
            let r = (es :?> CmaEs).Reset(ros [| 5.0; 5.0; 5.0; 5.0 |])

            Expect.equal
                (r.Mean.ToArray(), r.Sigma, r.Generation, r.Evaluations)
                ([| 5.0; 5.0; 5.0; 5.0 |], 0.3, 0, 0L)
                "fresh"
        }
        test "CMA-ES: errors name the problem" {
            throwsWith<ArgumentException> [ "x0" ] (fun () -> CmaEs.Create(ros [||], 1.0) |> ignore)
            throwsWith<ArgumentException> [ "x0[1]"; "NaN" ] (fun () -> CmaEs.Create(ros [| 0.0; nan |], 1.0) |> ignore)
            throwsWith<ArgumentOutOfRangeException> [ "sigma0" ] (fun () -> CmaEs.Create(ros [| 0.0 |], 0.0) |> ignore)
            throwsWith<ArgumentOutOfRangeException> [ "sigma0" ] (fun () -> CmaEs.Create(ros [| 0.0 |], -1.0) |> ignore)

            throwsWith<ArgumentException> [ "bounds"; "dimension 3" ] (fun () ->
                CmaEs.Create(ros (Array.zeroCreate 3), 1.0, 6, EvolutionStrategyOptions.Bounded(2, 0.0, 1.0))
                |> ignore)

            let es = CmaEs.Create(ros (Array.zeroCreate 3), 1.0, 4)
            let x = es.Ask(Key.Of 1UL)

            throwsWith<ArgumentException> [ "whole rows" ] (fun () ->
                es.Tell(ros x[..10], [| 0; 1; 2; 3 |], 2) |> ignore)

            throwsWith<ArgumentException> [ "3 indices for 4" ] (fun () -> es.Tell(ros x, [| 0; 1; 2 |], 2) |> ignore)
            throwsWith<ArgumentException> [ "twice" ] (fun () -> es.Tell(ros x, [| 0; 1; 1; 3 |], 2) |> ignore)
            throwsWith<ArgumentException> [ "outside" ] (fun () -> es.Tell(ros x, [| 0; 1; 4; 3 |], 2) |> ignore)

            throwsWith<ArgumentOutOfRangeException> [ "numParents" ] (fun () ->
                es.Tell(ros x, [| 0; 1; 2; 3 |], 5) |> ignore)

            throwsWith<ArgumentException> [ "dimension 3" ] (fun () -> es.Reset(ros [| 1.0 |]) |> ignore)
        }
    ]

let private separableTests =
    [
        test "Separable CMA-ES: sphere in 100-d to 1e-8" {
            let best, es =
                minimize (SeparableCmaEs.Create(ros (Array.create 100 3.0), 1.0)) sphere 1e-8 200_000

            Expect.isLessThan best 1e-8 $"best {best} after {es.Evaluations}"
        }
        test "Separable CMA-ES: separable ellipsoid (condition 1e6) in 100-d to 1e-8" {
            let best, es =
                minimize (SeparableCmaEs.Create(ros (Array.create 100 3.0), 1.0)) ellipsoid 1e-8 400_000

            Expect.isLessThan best 1e-8 $"best {best} after {es.Evaluations}"
            Expect.isGreaterThan (es :?> SeparableCmaEs).ConditionNumber 1e4 "c learnt the scaling"
        }
        test "Separable CMA-ES: samples have mean m and variances σ²c; deterministic under a key" {
            let es = SeparableCmaEs.Create(ros [| 1.0; 2.0; 3.0 |], 0.5, 12)
            let x = es.Ask(Key.Of 5UL)
            let ranking, _ = rankBy (fun r -> r[0] * 3.0 - r[2]) 3 x
            let es = es.Tell(ros x, ranking, 6)
            let c = es.Variances.ToArray()
            let s2 = es.Sigma * es.Sigma

            expectMoments
                3
                (es.Ask(Key.Of 8UL, 40_000))
                (es.Mean.ToArray())
                (Array2D.init 3 3 (fun i j -> if i = j then s2 * c[i] else 0.0))

            Expect.sequenceEqual (es.Ask(Key.Of 9UL)) (es.Ask(Key.Of 9UL)) "same key, same block"
            Expect.notEqual (es.Ask(Key.Of 9UL)) (es.Ask(Key.Of 10UL)) "other keys differ"
        }
        test "Separable CMA-ES: bounds, purity and errors" {
            let es =
                SeparableCmaEs.Create(ros (Array.zeroCreate 4), 2.0, 30, EvolutionStrategyOptions.Bounded(4, -1.0, 1.0))

            let x = es.Ask(Key.Of 2UL)
            Expect.all x (fun v -> v >= -1.0 && v <= 1.0) "in bounds"
            let ranking, _ = rankBy sphere 4 x
            let before = es.Mean.ToArray(), es.Sigma, es.Variances.ToArray()
            let a = es.Tell(ros x, ranking, 15)
            Expect.equal (es.Mean.ToArray(), es.Sigma, es.Variances.ToArray()) before "unchanged"
            let b = es.Tell(ros x, ranking, 15)

            Expect.equal
                (a.Mean.ToArray(), a.Sigma, a.Variances.ToArray())
                (b.Mean.ToArray(), b.Sigma, b.Variances.ToArray())
                "repeatable"

            throwsWith<ArgumentException> [ "twice" ] (fun () -> es.Tell(ros x, Array.create 30 0, 2) |> ignore)

            throwsWith<ArgumentOutOfRangeException> [ "sigma0" ] (fun () ->
                SeparableCmaEs.Create(ros [| 1.0 |], nan) |> ignore)
        }
        test "Both strategies serve through IEvolutionStrategy" {
            let make full : IEvolutionStrategy =
                if full then
                    CmaEs.Create(ros (Array.create 5 2.0), 1.0)
                else
                    SeparableCmaEs.Create(ros (Array.create 5 2.0), 1.0)

            for full in [ true; false ] do
                let best, es = minimize (make full) sphere 1e-6 10_000
                Expect.isLessThan best 1e-6 $"full = {full}"
                let r = es.Reset(ros (Array.zeroCreate 5))
                Expect.equal (r.Sigma, r.Evaluations) (1.0, 0L) "reset"
        }
    ]

/// f(θ) = −Σ aᵢ(θᵢ − cᵢ)², maximum 0 at c; ∇f = −2a(θ − c).
let private a = [| 1.0; 0.5; 2.0 |]
let private c = [| 1.0; -2.0; 0.5 |]

let private concave (t: float[]) =
    -(Array.map3 (fun a t c -> a * (t - c) ** 2.0) a t c |> Array.sum)

let private gradient (t: float[]) =
    Array.map3 (fun a t c -> -2.0 * a * (t - c)) a t c

let private ascend (opt0: IGradientOptimizer) steps =
    let mutable opt = opt0
    let mutable theta = [| 3.0; 3.0; 3.0 |]
    let values = ResizeArray [ concave theta ]

    for _ in 1..steps do
        let struct (o, t) = opt.Step(ros theta, ros (gradient theta))
        opt <- o
        theta <- t
        values.Add(concave theta)

    values

let private gradientTests =
    [
        test "Gradient ascent and Adam increase a concave quadratic to its maximum" {
            for opt in [ GradientAscent(0.1) :> IGradientOptimizer; Adam(0.05) ] do
                let values = ascend opt 400
                Expect.isGreaterThan values[1] values[0] "the first step goes up"
                Expect.isGreaterThan values[values.Count - 1] -1e-4 $"{opt.GetType().Name} ends near the maximum"
        }
        test "Gradient ascent: θ + ηg" {
            let struct (_, t) =
                GradientAscent(0.25).Step(ros [| 1.0; 2.0 |], ros [| 4.0; -8.0 |])

            Expect.equal t [| 2.0; 0.0 |] "one step"
        }
        test "Adam: the first two steps follow the formula" {
            let lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
            let g1, g2 = [| 0.5; -1.0 |], [| 0.25; 3.0 |]
            let theta0 = [| 1.0; -2.0 |]
            let struct (o1, t1) = Adam(lr).Step(ros theta0, ros g1)
            let struct (o2, t2) = o1.Step(ros t1, ros g2)
            let m1 = g1 |> Array.map (fun g -> (1.0 - b1) * g)
            let v1 = g1 |> Array.map (fun g -> (1.0 - b2) * g * g)

            let alpha t =
                lr * sqrt (1.0 - b2 ** t) / (1.0 - b1 ** t)

            let expect1 =
                Array.init 2 (fun j -> theta0[j] + alpha 1.0 * m1[j] / (sqrt v1[j] + eps))

            let m2 = Array.init 2 (fun j -> b1 * m1[j] + (1.0 - b1) * g2[j])
            let v2 = Array.init 2 (fun j -> b2 * v1[j] + (1.0 - b2) * g2[j] * g2[j])

            let expect2 =
                Array.init 2 (fun j -> expect1[j] + alpha 2.0 * m2[j] / (sqrt v2[j] + eps))

            for j in 0..1 do
                Expect.floatClose Accuracy.veryHigh t1[j] expect1[j] $"step 1, θ[{j}]"
                Expect.floatClose Accuracy.veryHigh t2[j] expect2[j] $"step 2, θ[{j}]"
            // The first step moves each coordinate by about η in the gradient's direction.
            Expect.floatClose { absolute = 1e-6; relative = 0.0 } (t1[0] - theta0[0]) lr "≈ +η"
            Expect.floatClose { absolute = 1e-6; relative = 0.0 } (t1[1] - theta0[1]) -lr "≈ −η"
            Expect.equal (o2.StepCount, o1.StepCount) (2, 1) "step counts; o1 unchanged"
            Expect.equal ((o2.Reset() :?> Adam).StepCount) 0 "reset clears"
        }
        test "Gradient optimizers: errors name the problem" {
            throwsWith<ArgumentOutOfRangeException> [ "learningRate" ] (fun () -> GradientAscent(0.0) |> ignore)
            throwsWith<ArgumentOutOfRangeException> [ "beta1" ] (fun () -> Adam(0.1, beta1 = 1.0) |> ignore)

            throwsWith<ArgumentException> [ "gradient has 1 values for 2" ] (fun () ->
                Adam(0.1).Step(ros [| 1.0; 2.0 |], ros [| 1.0 |]) |> ignore)

            let struct (o, _) = Adam(0.1).Step(ros [| 1.0; 2.0 |], ros [| 1.0; 1.0 |])

            throwsWith<ArgumentException> [ "moments have 2" ] (fun () ->
                o.Step(ros [| 1.0 |], ros [| 1.0 |]) |> ignore)

            throwsWith<ArgumentException> [ "finite" ] (fun () ->
                GradientAscent(0.1).Step(ros [| nan |], ros [| 1.0 |]) |> ignore)
        }
    ]

[<Tests>]
let tests = testList "Optimizers" (cmaTests @ separableTests @ gradientTests)
