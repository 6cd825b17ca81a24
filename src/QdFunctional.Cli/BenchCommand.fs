module QdFunctional.Cli.BenchCommand

open System
open System.Diagnostics
open Argu
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Random
open QdFunctional.Core.Tasks
open QdFunctional.Cli.Arguments

/// The process's CPU time so far (all threads), in milliseconds.
let private cpuMs () =
    use p = Process.GetCurrentProcess()
    p.TotalProcessorTime.TotalMilliseconds

/// Repeats `action` for about `seconds` after a short warm-up; returns mean milliseconds per call.
let private time (seconds: float) (action: unit -> unit) =
    let warm = Stopwatch.StartNew()

    while warm.Elapsed.TotalSeconds < min 1.0 (seconds / 3.0) do
        action ()

    let clock = Stopwatch.StartNew()
    let mutable calls = 0

    while clock.Elapsed.TotalSeconds < seconds do
        action ()
        calls <- calls + 1

    clock.Elapsed.TotalMilliseconds / float calls

/// MAP-Elites on LP-sphere, d = 1000, 100×100 grid, at the paper's batch (36) and at 4096.
let mapElites seconds =
    printfn "MAP-Elites iterations (lp-sphere, d = 1000, grid 100x100; ask + evaluate + tell):"

    for algorithm in Recipe.names Algorithms.MapElites.recipe do
        for batch in [ 36; 4096 ] do
            let config =
                { RunConfig.preset "lp-sphere" algorithm RunConfig.defaults with
                    Algorithm = algorithm
                    Batch = batch
                    Iterations = Int32.MaxValue
                }

            let plan = RunPlan.parse config
            let task = Run.task plan
            let mutable state = Run.init plan task
            let ms = time seconds (fun () -> state <- Run.step plan task state)

            printfn
                "  %-16s batch %5d: %8.3f ms/iteration  %10.0f evaluations/s  (coverage after %d iterations: %.2f%%)"
                algorithm
                batch
                ms
                (float batch * 1000.0 / ms)
                state.Iteration
                (100.0 * state.Archive.Stats.Coverage)

/// The cases of `../shared/anchors/side_by_side.sh`, for QdFunctional alone: the same `qd run`
/// arguments, iterations only (no metrics rows, no files), for about `seconds` or the case's
/// iteration count, whichever ends first. Prints ms per iteration, evaluations per second,
/// nanoseconds per solution element (ms per iteration over batch × dimension), the process's CPU
/// milliseconds per iteration (all threads: the figure to compare on a shared machine), the garbage
/// collections per 1,000 iterations by generation and the bytes allocated per iteration.
let speed seconds =
    printfn "Hot path (the side_by_side.sh cases; iterations only, after 2%% of them or 0.3 s of warm-up):"

    let cases =
        [
            "MAP-Elites lp-sphere d1000 b36", "--task lp-sphere --dim 1000 --algorithm map-elites --iterations 10000"
            "ME-line lp-sphere d1000 b36", "--task lp-sphere --dim 1000 --algorithm map-elites-line --iterations 10000"
            "MAP-Elites lp-sphere d100 8x512",
            "--task lp-sphere --dim 100 --algorithm map-elites --emitters 8 --batch 512 --iterations 200"
            "CMA-ME lp-sphere d1000", "--task lp-sphere --dim 1000 --algorithm cma-me --iterations 1000"
            "CMA-MEGA lp-sphere d1000", "--task lp-sphere --dim 1000 --algorithm cma-mega --iterations 10000"
            "arm d10 64x64 b128",
            "--task arm --dim 10 --archive grid:64x64 --algorithm map-elites-line --sigma 0.15 --line-sigma 0.01 --batch 128 --iterations 7812"
        ]

    // The draws alone, 36,000 values per call as at d = 1000, batch 36.
    let values = Array.zeroCreate<float> 36000
    let words = Array.zeroCreate<uint64> 36000
    let k = Key.Of 5UL
    // CPU time, not the wall clock: on a shared machine the wall clock also counts other processes' turns.
    let ns (f: unit -> unit) =
        for _ in 1..200 do
            f ()

        let calls = max 1000 (int (seconds * 3000.0))
        let before = cpuMs ()

        for _ in 1..calls do
            f ()

        (cpuMs () - before) * 1e6 / float calls / 36000.0

    let normal = ns (fun () -> k.Normal(Span values))
    let uniform = ns (fun () -> k.Uniform(Span values))
    let bits = ns (fun () -> k.Bits(Span words))

    printfn
        "  Key.Normal %.2f ns/value, Key.Uniform %.2f ns/value, Key.Bits %.2f ns/word (36,000 per call)"
        normal
        uniform
        bits

    // Where a d = 1000, batch 36 MAP-Elites iteration goes: each part alone, CPU µs per call.
    let d, n = 1000, 36
    let lp = LinearProjection(LinearProjection.Function.Sphere, d)
    let block = Array.zeroCreate (n * d)
    k.Normal(Span block, 0.0, 1.0)
    let batch = SolutionBatch(n, d, block)
    let evaluation = lp.Evaluate batch

    let grid =
        let mutable g = CellArchive.Grid(d, [| 100; 100 |], lp.MeasureLow, lp.MeasureHigh)

        for r in 0u .. 49u do
            let v = Array.zeroCreate (n * d)
            (k.FoldIn r).Normal(Span v, 0.0, 1.0 + 0.1 * float r)
            let s = SolutionBatch(n, d, v)
            let struct (next, _) = g.Add(s, lp.Evaluate s)
            g <- next

        g

    let us (f: unit -> unit) = ns f * 36000.0 / 1000.0

    let draws = us (fun () -> Variation.Gaussian(block, d, 0.0, k))

    let evaluate = us (fun () -> lp.Evaluate batch |> ignore)

    let parents = us (fun () -> Variation.Solutions(grid.Sample(k, n), d) |> ignore)

    let add = us (fun () -> grid.Add(batch, evaluation) |> ignore)

    printfn
        "  d1000 b36 parts (CPU us per iteration): normals added to 36 x 1000 rows %.1f, LP-sphere evaluation %.1f, 36 parents sampled and copied %.1f, archive add %.1f"
        draws
        evaluate
        parents
        add

    let parser = ArgumentParser.Create<RunArgs>()

    for name, line in cases do
        let args = parser.ParseCommandLine(line.Split ' ', ignoreMissing = true)
        let config = RunCommand.configOf args
        let plan = RunPlan.parse config
        let task = Run.task plan
        let mutable state = Run.init plan task
        let warm = Stopwatch.StartNew()

        while state.Iteration < config.Iterations / 50
              || (warm.Elapsed.TotalSeconds < 0.3 && state.Iteration < config.Iterations / 4) do
            state <- Run.step plan task state

        let gcs () =
            [| GC.CollectionCount 0; GC.CollectionCount 1; GC.CollectionCount 2 |]

        let before = gcs ()
        let allocated = GC.GetTotalAllocatedBytes true
        let evaluations = state.Evaluations
        let first = state.Iteration
        let cpu = cpuMs ()
        let clock = Stopwatch.StartNew()

        while state.Iteration < config.Iterations && clock.Elapsed.TotalSeconds < seconds do
            state <- Run.step plan task state

        let ms = clock.Elapsed.TotalMilliseconds
        let cpu = cpuMs () - cpu
        let iterations = float (state.Iteration - first)
        let bytes = float (GC.GetTotalAllocatedBytes true - allocated) / iterations

        let per1000 =
            Array.map2 (fun a b -> 1000.0 * float (a - b) / iterations) (gcs ()) before

        let evalsPerIteration = float (state.Evaluations - evaluations) / iterations

        printfn
            "  %-31s %8.4f ms/iteration (CPU %8.4f) %10.0f evaluations/s %7.3f ns/element  GCs per 1000 it: %.1f/%.1f/%.1f  %8.0f B/iteration  (%d iterations)"
            name
            (ms / iterations)
            (cpu / iterations)
            (evalsPerIteration * iterations * 1000.0 / ms)
            (ms * 1e6 / iterations / (evalsPerIteration * float config.Dim))
            per1000[0]
            per1000[1]
            per1000[2]
            bytes
            (int iterations)

/// Archive insertion alone, and its independence of the archive's size.
let archive seconds =
    printfn "Archive insertion (CellArchive.Add of one evaluated batch):"
    let task = LinearProjection(LinearProjection.Function.Sphere, 1000)

    for batch in [ 36; 4096 ] do
        let values = Array.zeroCreate (batch * 1000)
        (Key.Of 7UL).Normal(Span<float> values, 0.0, 3.0)
        let solutions = SolutionBatch(batch, 1000, values)
        let evaluation = task.Evaluate solutions

        let mutable a =
            CellArchive.Grid(1000, [| 100; 100 |], task.MeasureLow, task.MeasureHigh)

        let struct (filled, _) = a.Add(solutions, evaluation)
        let ms = time seconds (fun () -> a.Add(solutions, evaluation) |> ignore)

        printfn
            "  d = 1000, batch %5d into an empty 100x100 grid: %8.3f ms/add (%d elites added)"
            batch
            ms
            filled.Stats.NumElites
    // Same batch into a nearly empty and into a full archive of 1,000,000 cells: an add that
    // copied the archive would cost 10^6 operations, one that shares storage costs the batch.
    let d, batch = 10, 36
    let lp = LinearProjection(LinearProjection.Function.Sphere, d)

    let evalOf (key: Key) n scale =
        let v = Array.zeroCreate (n * d)
        key.Normal(Span<float> v, 0.0, scale)
        let s = SolutionBatch(n, d, v)
        s, lp.Evaluate s

    let probe, probeEval = evalOf (Key.Of 1UL) batch 3.0

    for res in [ 100; 1000 ] do
        let empty = CellArchive.Grid(d, [| res; res |], lp.MeasureLow, lp.MeasureHigh)
        let mutable full = empty
        let mutable round = 0u

        while full.Stats.Coverage < 0.5 && round < 400u do
            let s, e = evalOf ((Key.Of 2UL).FoldIn round) 20000 (1.0 + 0.05 * float round)
            let struct (next, _) = full.Add(s, e)
            full <- next
            round <- round + 1u

        let msEmpty = time (seconds / 2.0) (fun () -> empty.Add(probe, probeEval) |> ignore)
        let msFull = time (seconds / 2.0) (fun () -> full.Add(probe, probeEval) |> ignore)

        printfn
            "  d = %d, batch %d, grid %dx%d: %.4f ms/add when empty, %.4f ms/add with %d elites"
            d
            batch
            res
            res
            msEmpty
            msFull
            full.Stats.NumElites

/// `qd bench`.
let bench (args: ParseResults<BenchArgs>) =
    let seconds = args.GetResult(BenchArgs.Seconds, 3.0)
    let device = args.TryGetResult BenchArgs.Device

    let suite =
        args.GetResult(BenchArgs.Suite, (if device.IsSome then "device" else "all"))

    device |> Option.iter DeviceChoice.useForEngine
    printfn "QdFunctional %s, .NET %d, %d cores" RunConfig.version Environment.Version.Major Environment.ProcessorCount

    match suite with
    // The MAP-Elites suite is named after the algorithm.
    | s when s = Algorithms.MapElites.gaussian -> mapElites seconds
    | "archive" -> archive seconds
    | "speed" -> speed seconds
    | "centroids" -> QdFunctional.Bench.CentroidBenchmark.Run Console.Out
    | "optimizers" -> QdFunctional.Bench.OptimizerBenchmark.Run Console.Out
    | "novelty" -> QdFunctional.Bench.ProximityBenchmark.Run(Console.Out)
    | "maze" ->
        MazeStudy.report Console.Out (args.GetResult(BenchArgs.Seeds, 3)) (args.GetResult(BenchArgs.Iterations, 1000))
    | "dqd" ->
        DqdTable.run
            (args.GetResult(BenchArgs.Seeds, 3))
            (args.GetResult(BenchArgs.Iterations, 10000))
            1000
            (args.GetResult(BenchArgs.Tasks, DqdTable.tasks))
            (args.GetResult(BenchArgs.Algorithms, DqdTable.algorithms))
            (args.GetResult(BenchArgs.Out, "docs"))
        |> ignore
    | "pyribs-table" ->
        PyribsTable.run
            (args.GetResult(BenchArgs.Seeds, 3))
            (args.GetResult(BenchArgs.Iterations, 10000))
            (args.GetResult(BenchArgs.Algorithms, []))
            (args.GetResult(BenchArgs.Out, "docs"))
        |> ignore
    | "frontier-table" ->
        FrontierTable.run
            (args.GetResult(BenchArgs.Seeds, 3))
            (args.GetResult(BenchArgs.Iterations, 10000))
            (args.GetResult(BenchArgs.Algorithms, FrontierTable.algorithms))
            (args.GetResult(BenchArgs.Out, "docs"))
        |> ignore
    | "engine" -> QdFunctional.Bench.EngineBenchmark.Run(Console.Out, seconds / 3.0)
    | "cluster" -> ClusterCommand.bench seconds
    | "physics" -> QdFunctional.Bench.PhysicsBenchmark.Run(Console.Out, seconds)
    | "device" -> DeviceBench.run (defaultArg device "ilgpu-cpu") seconds
    | "all" ->
        speed seconds
        mapElites seconds
        archive seconds
        QdFunctional.Bench.CentroidBenchmark.Run Console.Out
        QdFunctional.Bench.EngineBenchmark.Run(Console.Out, seconds / 3.0)
        QdFunctional.Bench.OptimizerBenchmark.Run Console.Out
        QdFunctional.Bench.ProximityBenchmark.Run(Console.Out)

        if QdFunctional.Physics.Native.MuJoCoLibrary.IsAvailable() then
            QdFunctional.Bench.PhysicsBenchmark.Run(Console.Out, seconds)
    | other ->
        invalidArg
            "suite"
            $"Unknown benchmark '{other}'; known: map-elites, speed, archive, engine, centroids, optimizers, novelty, maze, physics, device, dqd, pyribs-table, frontier-table, cluster, all."

    0
