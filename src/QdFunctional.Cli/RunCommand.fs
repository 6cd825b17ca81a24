module QdFunctional.Cli.RunCommand

open System
open System.IO
open System.Threading
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments

/// Exit code of a run stopped by Ctrl-C after saving its checkpoint (128 + SIGINT).
let interrupted = 130

/// Exit code of a run that stopped because its QD score stagnated (RunConfig.Stagnation).
let stagnated = 3

/// Set in the environment, makes a run crash (FailFast, as a real fault would) right after that
/// iteration's checkpoint. For the watchdog's tests; the watchdog drops it when it restarts a run.
let crashVariable = "QD_TEST_CRASH_AT"

/// The config `qd run` builds from its arguments: defaults, then the algorithm's presets, then explicit values.
let configOf (args: ParseResults<RunArgs>) =
    let d = RunConfig.defaults
    let task = args.GetResult(RunArgs.Task, d.Task)
    // The robot tasks default to the CPG tutorial's Gaussian MAP-Elites.
    let robot = QdFunctional.Physics.PhysicsCatalog.Contains task

    let algorithm =
        args.GetResult(RunArgs.Algorithm, (if robot then "map-elites" else d.Algorithm))

    let dim = args.GetResult(RunArgs.Dim, RunConfig.defaultDim task)
    let p = RunConfig.preset task algorithm { d with Dim = dim }

    let seed = args.GetResult(RunArgs.Seed, int64 d.Seed)

    if seed < 0L then
        invalidArg "seed" $"seed must be 0 or more, got {seed}."

    { d with
        Task = task
        Dim = args.GetResult(RunArgs.Dim, p.Dim)
        Algorithm = algorithm
        Archive = args.GetResult(RunArgs.Archive, p.Archive)
        Iterations = args.GetResult(RunArgs.Iterations, p.Iterations)
        Batch = args.GetResult(RunArgs.Batch, p.Batch)
        Emitters = args.GetResult(RunArgs.Emitters, d.Emitters)
        Seed = uint64 seed
        Sigma = args.GetResult(RunArgs.Sigma, p.Sigma)
        LineSigma = args.GetResult(RunArgs.Line_Sigma, p.LineSigma)
        SigmaG = args.GetResult(RunArgs.Sigma_G, p.SigmaG)
        NormalizeGradients = p.NormalizeGradients
        Gradients = args.GetResult(RunArgs.Gradients, d.Gradients)
        Dtype = args.GetResult(RunArgs.Dtype, d.Dtype)
        Device = args.GetResult(RunArgs.Device, d.Device)
        Ranker = args.GetResult(RunArgs.Ranker, d.Ranker)
        Restart = args.GetResult(RunArgs.Restart, d.Restart)
        Strategy = args.GetResult(RunArgs.Strategy, d.Strategy)
        StepSize = args.GetResult(RunArgs.Step_Size, p.StepSize)
        InitialPopulation = args.GetResult(RunArgs.Init_Pop, p.InitialPopulation)
        CheckpointEvery = args.GetResult(RunArgs.Checkpoint_Every, p.CheckpointEvery)
        Stagnation = args.GetResult(RunArgs.Stagnation, d.Stagnation)
        Mome =
            let m = d.Mome

            {
                Emitter = args.GetResult(RunArgs.Mome_Emitter, m.Emitter)
                ParetoLength = args.GetResult(RunArgs.Pareto_Length, m.ParetoLength)
                CrossoverShare = args.GetResult(RunArgs.Crossover_Share, m.CrossoverShare)
                Eta = args.GetResult(RunArgs.Eta, m.Eta)
                MutationProportion = args.GetResult(RunArgs.Mutation_Proportion, m.MutationProportion)
                Objective = args.GetResult(RunArgs.Objective, m.Objective)
                Temperature = args.GetResult(RunArgs.Temperature, m.Temperature)
                DynamicTemperature = args.Contains RunArgs.Dynamic_Temperature || m.DynamicTemperature
                GradientNoise = args.GetResult(RunArgs.Gradient_Noise, m.GradientNoise)
            }
    }
    |> RunConfig.validate

/// Runs to the end or to Ctrl-C (or SIGTERM), showing progress; prints where the files are.
let executeOn (evaluator: ClusterRun.Evaluator) (dir: string) (mode: Progress.Mode) (progress: RunProgress) =
    use cancel = new CancellationTokenSource()

    let onCancel =
        ConsoleCancelEventHandler(fun _ e ->
            e.Cancel <- true
            cancel.Cancel())

    Console.CancelKeyPress.AddHandler onCancel

    // SIGTERM saves and stops too: it is what a scheduler or `kill` sends, and unlike SIGINT a shell
    // never starts a background job (`nohup qd run … &`) with it ignored.
    use _term =
        System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            fun ctx ->
                ctx.Cancel <- true
                cancel.Cancel()
        )

    try
        let total = progress.Config.Iterations

        let crashAt =
            match Int32.TryParse(Environment.GetEnvironmentVariable crashVariable) with
            | true, i -> i
            | _ -> -1

        let final =
            Progress.show mode total (fun observe ->
                let observe (row: QdFunctional.Core.Metrics.MetricsRow) =
                    observe row

                    if row.Iteration = crashAt + 1 then
                        Environment.FailFast $"{crashVariable}: crashing after iteration {crashAt} as asked"

                RunDirectory.executeOn evaluator.MakeTask dir cancel.Token observe progress)

        let s = final.State.Archive.Stats

        if final.Stagnated then
            eprintfn
                "Stagnated: no QD-score gain for %d iterations; stopped at iteration %d (results and checkpoint saved)."
                progress.Config.Stagnation
                final.State.Iteration

            stagnated
        elif final.State.Iteration < total then
            eprintfn
                "Stopped at iteration %d of %d; checkpoint saved. Continue with: qd resume %s"
                final.State.Iteration
                total
                dir

            interrupted
        else
            match final.State.Archive with
            | :? QdFunctional.Core.Archives.MomeArchive as mome when mode <> Progress.Silent ->
                let m = QdFunctional.Core.Metrics.MomeMetrics.Of mome

                printfn
                    "Done: %d iterations, %d evaluations, coverage %.2f%%, MOQD score %.6g, global hypervolume %.6g, max sum of scores %.4g, %d solutions"
                    final.State.Iteration
                    final.State.Evaluations
                    (100.0 * m.Coverage)
                    m.MoqdScore
                    m.GlobalHypervolume
                    m.MaxSumOfScores
                    m.NumSolutions
            | _ when mode <> Progress.Silent ->
                printfn
                    "Done: %d iterations, %d evaluations, coverage %.2f%%, QD score %.1f, normalized %.3f, best %.3f"
                    final.State.Iteration
                    final.State.Evaluations
                    (100.0 * s.Coverage)
                    s.QdScore
                    s.NormQdScore
                    s.ObjMax
            | _ -> ()

            for path in
                [
                    RunDirectory.archivePath dir
                    RunDirectory.metricsPath dir
                    RunDirectory.configPath dir
                ] do
                printfn "%s" path

            0
    finally
        Console.CancelKeyPress.RemoveHandler onCancel

/// Runs in this process (see `executeOn`).
let execute (dir: string) (mode: Progress.Mode) (progress: RunProgress) =
    executeOn ClusterRun.local dir mode progress

/// Opens the config's device before any work starts (a missing GPU is one line, exit code 2): the
/// engine's backend when the engine computes there; the device loop opens its own accelerator.
let private openDevice (config: RunConfig) =
    if config.Device <> "cpu" then
        if RunConfig.iteratesOnDevice config then
            QdFunctional.Gpu.Devices.Check config.Device
        else
            DeviceChoice.useForEngine config.Device

/// A cluster evaluates on its workers' CPUs; a device run evaluates on its device.
let private refuseClusterOnDevice (config: RunConfig) (cluster: string option) =
    if cluster.IsSome && RunConfig.iteratesOnDevice config then
        invalidArg
            "cluster"
            $"--cluster and --device {config.Device}: a device run evaluates on its device, not on workers."

/// `qd run`.
let run (args: ParseResults<RunArgs>) =
    let config = configOf args
    refuseClusterOnDevice config (args.TryGetResult RunArgs.Cluster)
    openDevice config

    let dir =
        args.GetResult(RunArgs.Out, Path.Combine("data", "runs", $"{config.Algorithm}-{config.Task}-s{config.Seed}"))

    let mode = Progress.detect (args.Contains RunArgs.Quiet)

    // A robot task without MuJoCo stops here, with one line, before anything is printed or written.
    if QdFunctional.Physics.PhysicsCatalog.Contains config.Task then
        QdFunctional.Physics.Native.MuJoCoLibrary.Shared |> ignore

    if mode <> Progress.Silent then
        printfn
            "%s on %s (d = %d), archive %s, %d iterations × %d × %d solutions, seed %d%s → %s"
            config.Algorithm
            config.Task
            config.Dim
            config.Archive
            config.Iterations
            config.Emitters
            config.Batch
            config.Seed
            (if config.Device = "cpu" then
                 ""
             else
                 $", device {config.Device}")
            dir

    let evaluator = ClusterRun.ofRun args

    try
        RunDirectory.startOn evaluator.MakeTask dir config
        |> executeOn evaluator dir mode
    finally
        evaluator.Close()

/// `qd resume`.
let resume (args: ParseResults<ResumeArgs>) =
    let dir = args.GetResult ResumeArgs.Run_Dir
    let progress = RunDirectory.resume dir (args.TryGetResult ResumeArgs.Iterations)
    refuseClusterOnDevice progress.Config (args.TryGetResult ResumeArgs.Cluster)
    openDevice progress.Config

    let evaluator = ClusterRun.ofResume args

    let mode = Progress.detect (args.Contains ResumeArgs.Quiet)

    if mode <> Progress.Silent then
        printfn "Resuming %s at iteration %d of %d" dir progress.State.Iteration progress.Config.Iterations

    try
        executeOn evaluator dir mode progress
    finally
        evaluator.Close()
