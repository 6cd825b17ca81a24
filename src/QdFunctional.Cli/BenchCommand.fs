module QdFunctional.Cli.BenchCommand

open System
open System.Diagnostics
open Argu
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Random
open QdFunctional.Core.Tasks
open QdFunctional.Cli.Arguments

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
    | "centroids" -> QdFunctional.Core.Archives.Cvt.CentroidBenchmark.Run Console.Out
    | "optimizers" -> QdFunctional.Core.Optimizers.OptimizerBenchmark.Run Console.Out
    | "novelty" -> QdFunctional.Core.Archives.Proximity.ProximityBenchmark.Run(Console.Out)
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
    | "engine" -> QdFunctional.Diff.Benchmarks.EngineBenchmark.Run(Console.Out, seconds / 3.0)
    | "cluster" -> ClusterCommand.bench seconds
    | "physics" -> QdFunctional.Physics.PhysicsBenchmark.Run(Console.Out, seconds)
    | "device" -> DeviceBench.run (defaultArg device "ilgpu-cpu") seconds
    | "all" ->
        mapElites seconds
        archive seconds
        QdFunctional.Core.Archives.Cvt.CentroidBenchmark.Run Console.Out
        QdFunctional.Diff.Benchmarks.EngineBenchmark.Run(Console.Out, seconds / 3.0)
        QdFunctional.Core.Optimizers.OptimizerBenchmark.Run Console.Out
        QdFunctional.Core.Archives.Proximity.ProximityBenchmark.Run(Console.Out)

        if QdFunctional.Physics.Native.MuJoCoLibrary.IsAvailable() then
            QdFunctional.Physics.PhysicsBenchmark.Run(Console.Out, seconds)
    | other ->
        invalidArg
            "suite"
            $"Unknown benchmark '{other}'; known: map-elites, archive, engine, centroids, optimizers, novelty, maze, physics, device, dqd, cluster, all."

    0
