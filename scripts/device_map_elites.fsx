// MAP-Elites with the whole iteration on an ILGPU device (here ILGPU's CPU accelerator; "cuda" on a
// GPU machine): parent sampling, Gaussian variation, evaluation and grid insertion run as kernels, and
// only three metrics come back per iteration. The same keys on the CPU path give the same archive,
// bit for bit. Run it after a build (./qd --help builds):
//     dotnet fsi scripts/device_map_elites.fsx
#r "nuget: QdFunctional"
#r "nuget: QdFunctional.Devices"

open QdFunctional
open QdFunctional.Gpu

let dim, batch, iterations = 100, 512, 40
let root = Key.ofSeed 42UL

// On the device: one emitter of `batch` Gaussian children (sigma 0.5) over a 100 x 100 grid.
let device =
    new DeviceMapElites("ilgpu-cpu", "lp-sphere", dim, [| 100; 100 |], false, 0.5, 0.0, 1, batch)

for i in 0 .. iterations - 1 do
    let m = device.Step(QdFunctional.Core.Scheduling.IterationKeys(root |> Key.foldIn i))

    if (i + 1) % 10 = 0 then
        printfn "device iteration %3d: %5d elites, objective sum %.1f, best %.2f" (i + 1) m.Elites m.ObjectiveSum m.BestObjective

let onDevice = device.ToCellArchive()
device.Dispose()

// The same run on the CPU, from the same keys.
let task = Task.lpSphere dim
let emitter = Emitter.gaussian 0.5 batch (Array.zeroCreate dim)

let step scheduler iteration =
    let scheduler, solutions = scheduler |> Scheduler.ask (root |> Key.foldIn iteration)
    scheduler |> Scheduler.tell (task |> Task.evaluate solutions) |> fst

let onCpu =
    [ 0 .. iterations - 1 ]
    |> List.fold step (Scheduler.create (Archive.grid dim [ 100; 100 ] (Task.measureBounds task)) [ emitter ])
    |> Scheduler.archive

let a, b = onDevice.ToTable(), onCpu.ToTable()
let same = a.Cells = b.Cells && a.Objectives = b.Objectives && a.Solutions = b.Solutions
printfn "device archive = CPU archive, bit for bit: %b (%d elites)" same a.Count

if not same then
    failwith "the device and CPU archives differ"
