// Benchmark of the MOME archive (a figure, not a test): the time to add a batch of 1,024
// solutions (m = 2 objectives, d = 100) to a 100-cell grid MOME archive whose fronts are all
// full (P = 50), and the time of the MOQD score (cached, and recomputed from every front).
// Run it after a build (./qd --help builds):
//     dotnet fsi scripts/bench/mome_bench.fsx [repetitions]
#r "nuget: QdFunctional"

open System
open System.Diagnostics
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Metrics
open QdFunctional.Core.Random

let reps = match fsi.CommandLineArgs with [| _; r |] -> int r | _ -> 20
let n, d, m = 1024, 100, 2

/// n solutions whose objectives lie on the quarter circle of radius 1 ± spread (all mutually
/// non-dominated when spread = 0), with measures uniform over the grid.
let batch (seed: uint64) spread =
    let struct (k1, k2) = (Key.Of seed).Split2()
    let struct (k3, k4) = k1.Split2()
    let theta: float[] = Array.zeroCreate n
    k3.Uniform(Span<float> theta, 0.0, Math.PI / 2.0)
    let radius = Array.create n 1.0
    if spread > 0.0 then k4.Uniform(Span<float> radius, 1.0 - spread, 1.0 + spread)
    let objectives = Array.init (n * m) (fun i -> let r = i / 2 in radius[r] * (if i % 2 = 0 then cos theta[r] else sin theta[r]))
    let measures: float[] = Array.zeroCreate (2 * n)
    k2.Uniform(Span<float> measures, 0.0, 1.0)
    let solutions: float[] = Array.zeroCreate (n * d)
    (Key.Of(seed + 1000UL)).Normal(Span<float> solutions, 0.0, 1.0)
    SolutionBatch(n, d, solutions), Evaluation(n, m, 2, objectives, measures)

let mutable archive =
    MomeArchive.Grid(d, m, [| 10; 10 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |], [| 0.0; 0.0 |], MomeOptions(ParetoFrontMaxLength = 50))
let mutable seed = 0UL
while archive.NumSolutions < 100 * 50 do
    let s, e = batch seed 0.0
    let struct (next, _) = archive.Add(s, e)
    archive <- next
    seed <- seed + 1UL
printfn "full archive: %d solutions in %d cells after %d batches" archive.NumSolutions archive.Stats.NumElites seed

/// Median and minimum wall time of `f` over `reps` runs, after 3 warm-up runs.
let time label (f: unit -> unit) =
    for _ in 1..3 do f ()
    let t = Array.init reps (fun _ -> let sw = Stopwatch.StartNew() in f (); sw.Elapsed.TotalMilliseconds)
    Array.sortInPlace t
    printfn "%-62s median %8.3f ms, min %8.3f ms (%d runs)" label t[reps / 2] t[0] reps

// The archive is immutable, so every repetition adds the same batch to the same full archive.
for spread, label in [ 0.0, "on the front: every cell overflows"; 0.05, "radius 1 ± 0.05: some dominate" ] do
    let s, e = batch 777UL spread
    let struct (_, report) = archive.Add(s, e)
    printfn "%s: %d of %d joined a front" label (report.CountAtLeast AddStatus.Improved) n
    time $"add 1,024 ({label})" (fun () -> archive.Add(s, e) |> ignore)
time "MOQD score, cached (MomeArchive.MoqdScore)" (fun () -> archive.MoqdScore |> ignore)
time "MOQD score recomputed from the 100 fronts" (fun () -> MomeMetrics.MoqdScoreOf(archive, archive.ReferencePoint) |> ignore)
time "MomeMetrics.Of (with the global hypervolume of 5,000)" (fun () -> MomeMetrics.Of archive |> ignore)
