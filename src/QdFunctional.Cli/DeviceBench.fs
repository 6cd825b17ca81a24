/// `qd bench device --device ...`: MAP-Elites evaluations per second with the whole iteration on an
/// ILGPU device, next to the CPU path (Run.step) at the same batch, from the same command.
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

/// One CPU figure: `qd run`'s own loop (map-elites, one emitter of `batch`, grid 100x100).
let private cpuRate seconds task dim batch =
    let config =
        { RunConfig.preset task "map-elites" { RunConfig.defaults with Dim = dim } with
            Task = task
            Dim = dim
            Algorithm = "map-elites"
            Batch = batch
            Emitters = 1
            Iterations = Int32.MaxValue
        }

    let t = Run.task config
    let mutable state = Run.init config t
    rate seconds 1 batch (fun _ -> state <- Run.step config t state)

/// One device figure: the same configuration as whole iterations on the device.
let private deviceRate device seconds task dim batch =
    let sigma =
        (RunConfig.preset task "map-elites" { RunConfig.defaults with Dim = dim }).Sigma

    use me =
        new DeviceMapElites(device, task, dim, [| 100; 100 |], false, sigma, 0.0, 1, batch)

    let struct (_, loop) = (Key.Of 42UL).Split2()
    let r = rate seconds 1 batch (fun i -> me.Step(loop.FoldIn i) |> ignore)
    r, me.DeviceDescription

/// Prints the table; cuda without a GPU stops at once with DeviceUnavailableException.
let run (device: string) (seconds: float) =
    if device = "cpu" then
        invalidArg "device" "bench device compares a device with the CPU: use --device ilgpu-cpu or --device cuda."

    printfn "MAP-Elites on the device (%s) vs the CPU path, Gaussian variation, grid 100x100, one emitter:" device

    if device = "ilgpu-cpu" then
        printfn "  (ILGPU's CPU accelerator checks correctness; it is not a speed reference for a GPU.)"

    for task, dim in cases do
        for batch in batches do
            let dev, name = deviceRate device seconds task dim batch
            let cpu = cpuRate seconds task dim batch

            printfn
                "  %-9s d = %4d  batch %6d: device %12.0f evaluations/s   cpu %12.0f evaluations/s   (%s)"
                task
                dim
                batch
                dev
                cpu
                name
