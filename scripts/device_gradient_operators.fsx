// OMG-MEGA (and OG-MAP-Elites) with the whole iteration on an ILGPU device (ILGPU's CPU accelerator
// here; "cuda" on a GPU machine): gradient points, their Jacobians, the gradient branches, evaluation and
// grid insertion of both stages run as kernels; only three metrics come back per iteration. Driven by
// `qd run`'s iteration keys, the device archive equals `qd run`'s own loop (Run.step) bit for bit.
// Run it after a build (./qd --help builds):
//     dotnet fsi scripts/device_gradient_operators.fsx
#r "nuget: QdFunctional"
#r "nuget: QdFunctional.Devices"

open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Gpu

let iterations = 30

for algorithm in [ "omg-mega"; "og-map-elites" ] do
    // qd run's preset for the algorithm on LP-sphere, d = 100, grid 50 x 50, two emitters, no initial population.
    let config =
        { RunConfig.preset "lp-sphere" algorithm { RunConfig.defaults with Dim = 100 } with
            Task = "lp-sphere"
            Dim = 100
            Algorithm = algorithm
            Archive = "grid:50x50"
            Emitters = 2
            Batch = 64
            InitialPopulation = 0
        }

    use device =
        new DeviceMapElites(
            "ilgpu-cpu",
            config.Task,
            config.Dim,
            [| 50; 50 |],
            (if config.Algorithm = Algorithms.GradientOperators.omg then "omg" else "og"),
            config.Sigma,
            config.LineSigma,
            config.SigmaG,
            config.NormalizeGradients,
            config.Emitters,
            config.Batch
        )

    for i in 1..iterations do
        let m = device.Step(Run.iterationKeys (RunPlan.parse config) i)

        if i % 10 = 0 then
            printfn "%s on the device, iteration %2d: %4d elites, best %.3f" algorithm i m.Elites m.BestObjective

    // The same iterations through qd run's CPU loop.
    let plan = RunPlan.parse config
    let task = Run.task plan

    let cpu =
        [ 1..iterations ]
        |> List.fold (fun state _ -> Run.step plan task state) (Run.init plan task)

    let a, b = device.ToCellArchive().ToTable(), (cpu.Archive :?> CellArchive).ToTable()
    let same = a.Cells = b.Cells && a.Objectives = b.Objectives && a.Solutions = b.Solutions

    printfn
        "%s: device archive = qd run's archive, bit for bit: %b (%d elites, %d evaluations per iteration)"
        algorithm
        same
        a.Count
        device.EvaluationsPerStep

    if not same then
        failwith $"{algorithm}: the device and CPU archives differ"
