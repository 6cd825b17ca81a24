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

/// What an explicit `qd run` option sets, field by field; None for options that are not part of
/// the run's configuration (where it runs, where it writes, how it prints).
let private setter (arg: RunArgs) : (RunConfig -> RunConfig) option =
    let mome (f: MomeSettings -> MomeSettings) =
        Some(fun (c: RunConfig) -> { c with Mome = f (RunConfig.mome c) })

    let density (f: DensitySettings -> DensitySettings) =
        Some(fun (c: RunConfig) ->
            let current =
                if c.Density.BufferSize = 0 && c.Density.Bandwidth = 0.0 then
                    {
                        BufferSize = Algorithms.Dds.bufferSize
                        Bandwidth = 25.6
                    }
                else
                    c.Density

            { c with Density = f current })

    match arg with
    | RunArgs.Task t -> Some(fun c -> { c with Task = t })
    | RunArgs.Dim d -> Some(fun c -> { c with Dim = d })
    | RunArgs.Algorithm a -> Some(fun c -> { c with Algorithm = a })
    | RunArgs.Archive a -> Some(fun c -> { c with Archive = a })
    | RunArgs.Iterations n -> Some(fun c -> { c with Iterations = n })
    | RunArgs.Batch n -> Some(fun c -> { c with Batch = n })
    | RunArgs.Emitters n -> Some(fun c -> { c with Emitters = n })
    | RunArgs.Seed s ->
        if s < 0L then
            invalidArg "seed" $"seed must be 0 or more, got {s}."

        Some(fun c -> { c with Seed = uint64 s })
    | RunArgs.Sigma x -> Some(fun c -> { c with Sigma = x })
    | RunArgs.Line_Sigma x -> Some(fun c -> { c with LineSigma = x })
    | RunArgs.Sigma_G x -> Some(fun c -> { c with SigmaG = x })
    | RunArgs.Gradients g -> Some(fun c -> { c with Gradients = g })
    | RunArgs.Dtype d -> Some(fun c -> { c with Dtype = d })
    | RunArgs.Device d -> Some(fun c -> { c with Device = d })
    | RunArgs.Ranker r -> Some(fun c -> { c with Ranker = r })
    | RunArgs.Restart r -> Some(fun c -> { c with Restart = r })
    | RunArgs.Strategy s -> Some(fun c -> { c with Strategy = s })
    | RunArgs.Step_Size x -> Some(fun c -> { c with StepSize = x })
    | RunArgs.Learning_Rate x -> Some(fun c -> { c with ArchiveLearningRate = x })
    | RunArgs.Threshold_Min x -> Some(fun c -> { c with ThresholdMin = x })
    | RunArgs.Init_Pop n -> Some(fun c -> { c with InitialPopulation = n })
    | RunArgs.Checkpoint_Every n -> Some(fun c -> { c with CheckpointEvery = n })
    | RunArgs.Stagnation n -> Some(fun c -> { c with Stagnation = n })
    | RunArgs.Noise spec -> Some(fun c -> { c with Noise = spec })
    | RunArgs.Samples n -> Some(fun c -> { c with Samples = n })
    | RunArgs.Aggregate a -> Some(fun c -> { c with Aggregate = a })
    | RunArgs.Mome_Emitter e -> mome (fun m -> { m with Emitter = e })
    | RunArgs.Pareto_Length n -> mome (fun m -> { m with ParetoLength = n })
    | RunArgs.Objective n -> mome (fun m -> { m with Objective = n })
    | RunArgs.Temperature x -> mome (fun m -> { m with Temperature = x })
    | RunArgs.Dynamic_Temperature -> mome (fun m -> { m with DynamicTemperature = true })
    | RunArgs.Crossover_Share x -> mome (fun m -> { m with CrossoverShare = x })
    | RunArgs.Eta x -> mome (fun m -> { m with Eta = x })
    | RunArgs.Mutation_Proportion x -> mome (fun m -> { m with MutationProportion = x })
    | RunArgs.Gradient_Noise x -> mome (fun m -> { m with GradientNoise = x })
    | RunArgs.Bandwidth x -> density (fun d -> { d with Bandwidth = x })
    | RunArgs.Buffer_Size n -> density (fun d -> { d with BufferSize = n })
    | RunArgs.Cluster _
    | RunArgs.Chunk_Size _
    | RunArgs.Chunk_Timeout _
    | RunArgs.Cluster_Wait _
    | RunArgs.Cluster_Cert _
    | RunArgs.Out _
    | RunArgs.Overwrite
    | RunArgs.Quiet -> None

/// The config `qd run` builds from its arguments: the defaults, then the algorithm's preset for
/// the task (one place: Recipes.preset), then every explicit option in order, so no preset field
/// can be lost and no explicit one ignored. Checked whole by RunPlan (every error at once).
let configOf (args: ParseResults<RunArgs>) =
    let d = RunConfig.defaults
    let task = args.GetResult(RunArgs.Task, d.Task)
    let facts = Tasks.facts task
    let algorithm = args.GetResult(RunArgs.Algorithm, Recipes.defaultAlgorithm facts)
    let dim = args.GetResult(RunArgs.Dim, facts.DefaultDim)

    let preset =
        Recipes.preset
            task
            algorithm
            { d with
                Task = task
                Algorithm = algorithm
                Dim = dim
            }

    args.GetAllResults()
    |> List.choose setter
    |> List.fold (fun config set -> set config) preset
    |> RunConfig.validate

/// Runs to the end or to Ctrl-C (or SIGTERM), showing progress; prints where the files are.
let execute (dir: string) (mode: Progress.Mode) (progress: RunProgress) =
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

        // The crash must find that iteration's checkpoint on disk.
        if crashAt >= 0 then
            RunDirectory.checkpointsInBackground <- false

        let final =
            let summary =
                match progress.Plan.Archive with
                | Proximity _ -> Progress.entries
                | _ -> Progress.cells

            Progress.show mode total summary (fun observe ->
                let observe (row: QdFunctional.Core.Metrics.MetricsRow) =
                    observe row

                    if row.Iteration = crashAt + 1 then
                        Environment.FailFast $"{crashVariable}: crashing after iteration {crashAt} as asked"

                RunDirectory.execute dir cancel.Token observe progress)

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
            | :? QdFunctional.Core.Archives.ProximityArchive as archive when mode <> Progress.Silent ->
                // Novelty search has no cells to cover: what matters is how many entries it keeps, how
                // far apart they are, and on the maze how near the goal it came.
                let goal =
                    if progress.Config.Task = "maze" then
                        archive.Elites
                        |> Seq.map (fun e -> MazeStudy.distanceToGoal (e.Measures.ToArray()))
                        |> Seq.min
                        |> sprintf ", nearest to the goal %.3f"
                    else
                        ""

                printfn
                    "Done: %d iterations, %d evaluations, %d entries, mean novelty %.4g%s"
                    final.State.Iteration
                    final.State.Evaluations
                    archive.Count
                    (if archive.Count = 0 then 0.0 else archive.MeanNovelty())
                    goal
            | _ when mode <> Progress.Silent ->
                // The CQD score needs no cells, so runs over different archive kinds compare on it.
                let cqd =
                    match Run.cqd final.Plan final.Task (final.State.Archive.ToTable()) with
                    | Some r -> sprintf ", CQD score %.4g" r.Mean
                    | None -> ""

                printfn
                    "Done: %d iterations, %d evaluations, coverage %.2f%%, QD score %.1f, normalized %.3f, best %.3f%s"
                    final.State.Iteration
                    final.State.Evaluations
                    (100.0 * s.Coverage)
                    s.QdScore
                    s.NormQdScore
                    s.ObjMax
                    cqd
            | _ -> ()

            // A noisy run's elites are partly luck: re-evaluate them and say how much of the score stays.
            let reevaluated =
                match final.State.Archive with
                | :? QdFunctional.Core.Archives.CellArchive when
                    Reevaluate.isNoisy final.Plan final.Task && not final.Plan.Task.Robot
                    ->
                    let summary =
                        Reevaluate.ofState
                            dir
                            (Reevaluate.keyOf final.Plan.Config)
                            Reevaluate.defaultSamples
                            final.Plan.Aggregate
                            final.Task
                            final.State

                    if mode <> Progress.Silent then
                        printfn "%s" (Reevaluate.describe summary)

                    [ System.IO.Path.Combine(dir, Reevaluate.fileName) ]
                | _ -> []

            for path in
                [
                    RunDirectory.archivePath dir
                    RunDirectory.metricsPath dir
                    RunDirectory.configPath dir
                ]
                @ reevaluated do
                printfn "%s" path

            0
    finally
        Console.CancelKeyPress.RemoveHandler onCancel

/// Opens the config's device before any work starts (a missing GPU is one line, exit code 2): the
/// engine's backend when the engine computes there; the device loop opens its own accelerator.
let private openDevice (plan: RunPlan) =
    if plan.Device <> Cpu then
        if plan.OnDevice.IsSome then
            QdFunctional.Gpu.Devices.Check plan.Config.Device
        else
            DeviceChoice.useForEngine plan.Config.Device

/// A cluster evaluates on its workers' CPUs; a device run evaluates on its device.
let private refuseClusterOnDevice (plan: RunPlan) (cluster: string option) =
    if cluster.IsSome && plan.OnDevice.IsSome then
        invalidArg
            "cluster"
            $"--cluster and --device {plan.Config.Device}: a device run evaluates on its device, not on workers."

/// `qd run`.
let run (args: ParseResults<RunArgs>) =
    let config = configOf args
    let plan = RunPlan.parse config
    refuseClusterOnDevice plan (args.TryGetResult RunArgs.Cluster)
    openDevice plan

    let dir =
        args.GetResult(RunArgs.Out, Path.Combine("data", "runs", $"{config.Algorithm}-{config.Task}-s{config.Seed}"))

    let mode = Progress.detect (args.Contains RunArgs.Quiet)

    // A robot task without MuJoCo stops here, with one line, before anything is printed or written.
    if plan.Task.Robot then
        QdFunctional.Physics.Native.MuJoCoLibrary.Shared |> ignore

    // A directory that holds a run is refused before anything is printed, connected or written.
    let overwrite = args.Contains RunArgs.Overwrite

    if RunDirectory.holdsRun dir && not overwrite then
        raise (
            IO.IOException(
                $"{dir} already holds a run: continue it with `qd resume {dir}`, choose another --out, or pass --overwrite to replace it."
            )
        )

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
        RunDirectory.startWith evaluator.MakeTask overwrite dir config
        |> execute dir mode
    finally
        evaluator.Close()

/// `qd resume`.
let resume (args: ParseResults<ResumeArgs>) =
    let dir = args.GetResult ResumeArgs.Run_Dir

    if not (IO.File.Exists(RunDirectory.configPath dir)) then
        raise (
            IO.FileNotFoundException(
                (if IO.Directory.Exists dir then
                     $"{dir} is not a run directory: it has no config.json."
                 else
                     $"{dir} does not exist."),
                RunDirectory.configPath dir
            )
        )

    let saved =
        QdFunctional.Core.Persistence.JsonFile.Read<RunConfig>(RunDirectory.configPath dir)

    let plan =
        RunPlan.parse (
            match args.TryGetResult ResumeArgs.Iterations with
            | Some n -> { saved with Iterations = n }
            | None -> saved
        )

    refuseClusterOnDevice plan (args.TryGetResult ResumeArgs.Cluster)
    openDevice plan

    let evaluator = ClusterRun.ofResume args

    let mode = Progress.detect (args.Contains ResumeArgs.Quiet)

    try
        let progress =
            RunDirectory.resumeOn evaluator.MakeTask dir (args.TryGetResult ResumeArgs.Iterations)

        if mode <> Progress.Silent then
            printfn "Resuming %s at iteration %d of %d" dir progress.State.Iteration progress.Config.Iterations

        execute dir mode progress
    finally
        evaluator.Close()
