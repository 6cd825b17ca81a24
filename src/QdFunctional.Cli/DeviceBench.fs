/// `qd bench device --device ...`: MAP-Elites evaluations per second with the whole iteration on an
/// ILGPU device, next to the CPU path (Run.step) at the same batch, from the same command; Gaussian
/// variation at every batch, then OG-MAP-Elites and OMG-MEGA (gradient points with Jacobians, then
/// branches) at the smaller batches.
module QdFunctional.Cli.DeviceBench

open System
open System.Diagnostics
open QdFunctional
open QdFunctional.Core.Random
open QdFunctional.Gpu

/// The batches the issue asks for (total solutions per iteration).
let batches = [ 1024; 4096; 16384; 65536 ]

/// (task, dimension) cases: LP-sphere at d = 100 and 1000, the arm at 1000 joints.
let cases = [ "lp-sphere", 100; "lp-sphere", 1000; "arm", 1000 ]

/// Iterations of `step` (after `warm` untimed ones) until `seconds` have passed, at least one;
/// returns evaluations per second.
let private rate (seconds: float) (warm: int) (evaluations: int) (step: int -> unit) =
    for i in 0 .. warm - 1 do
        step i

    let clock = Stopwatch.StartNew()
    let mutable n = 0

    while n = 0 || clock.Elapsed.TotalSeconds < seconds do
        step (warm + n)
        n <- n + 1

    float evaluations * float n / clock.Elapsed.TotalSeconds

/// The batches (per stage) the gradient operators are timed at: their Jacobians (batch × 3 × d) live on
/// the device too, which the CPU accelerator holds in this machine's memory.
let gradientBatches = [ 1024; 4096 ]

/// The `qd run` configuration of `algorithm` (its preset) with one emitter of `batch`.
let private config algorithm task dim batch =
    { RunConfig.preset task algorithm { RunConfig.defaults with Dim = dim } with
        Task = task
        Dim = dim
        Algorithm = algorithm
        Batch = batch
        Emitters = 1
        Iterations = Int32.MaxValue
    }

/// Solutions evaluated per iteration: the batch, twice for the gradient operators (points, branches).
let private perIteration algorithm batch =
    if List.contains algorithm (Recipe.names Algorithms.GradientOperators.recipe) then
        2 * batch
    else
        batch

/// One CPU figure: `qd run`'s own loop (one emitter of `batch`, grid 100x100).
let private cpuRate seconds algorithm task dim batch =
    let plan = config algorithm task dim batch |> RunPlan.parse
    let t = Run.task plan
    let mutable state = Run.init plan t
    rate seconds 1 (perIteration algorithm batch) (fun _ -> state <- Run.step plan t state)

/// One device figure: the same configuration as whole iterations on the device.
let private deviceRate device seconds algorithm task dim batch =
    let c = config algorithm task dim batch

    let operator =
        (RunPlan.parse { c with Device = device }).OnDevice
        |> Option.map GpuOperators.operator
        |> Option.defaultWith (fun () -> invalidArg "algorithm" $"{algorithm} does not run on a device.")

    use me =
        new DeviceMapElites(
            device,
            task,
            dim,
            [| 100; 100 |],
            DeviceOperators.Name operator,
            c.Sigma,
            c.LineSigma,
            c.SigmaG,
            c.NormalizeGradients,
            1,
            batch
        )

    let keys = QdFunctional.Core.Scheduling.RunKeys(42UL)

    let r =
        rate seconds 1 me.EvaluationsPerStep (fun i -> me.Step(keys.Iteration(i + 1)) |> ignore)

    r, me.DeviceDescription

/// Prints the table; cuda without a GPU stops at once with DeviceUnavailableException.
let run (device: string) (seconds: float) =
    if device = "cpu" then
        invalidArg "device" "bench device compares a device with the CPU: use --device ilgpu-cpu or --device cuda."

    printfn "MAP-Elites on the device (%s) vs the CPU path, Gaussian variation, grid 100x100, one emitter:" device

    if device = "ilgpu-cpu" then
        printfn "  (ILGPU's CPU accelerator checks correctness; it is not a speed reference for a GPU.)"

    let row algorithm task dim batch =
        let dev, name = deviceRate device seconds algorithm task dim batch
        let cpu = cpuRate seconds algorithm task dim batch

        printfn
            "  %-9s d = %4d  batch %6d: device %12.0f evaluations/s   cpu %12.0f evaluations/s   (%s)"
            task
            dim
            batch
            dev
            cpu
            name

    for task, dim in cases do
        for batch in batches do
            row Algorithms.MapElites.gaussian task dim batch

    for algorithm in Recipe.names Algorithms.GradientOperators.recipe do
        printfn
            "%s (preset sigmas), gradient points with Jacobians then branches, both counted; batch per stage:"
            algorithm

        for task, dim in cases do
            for batch in gradientBatches do
                row algorithm task dim batch
