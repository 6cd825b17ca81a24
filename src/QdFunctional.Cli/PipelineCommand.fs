/// `qd pipeline`: the combined sweep of Adam and MOME runs, under a watchdog, with SIGUSR1 to
/// end the current step and SIGINT or SIGTERM to stop (both after the runs save their progress).
module QdFunctional.Cli.PipelineCommand

open System
open System.IO
open System.Runtime.InteropServices
open System.Threading.Tasks
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence

/// SIGUSR1 on Linux (not among .NET's named signals, so given by number).
let private sigusr1: PosixSignal = enum 10

/// The config `qd pipeline` builds from its arguments over the defaults.
let configOf (args: ParseResults<PipelineArgs>) =
    let d = Pipeline.defaults

    { d with
        Task = args.GetResult(PipelineArgs.Task, d.Task)
        Dim = args.GetResult(PipelineArgs.Dim, d.Dim)
        ObjectiveA = args.GetResult(PipelineArgs.Objective_A, d.ObjectiveA)
        ObjectiveB = args.GetResult(PipelineArgs.Objective_B, d.ObjectiveB)
        Steps = args.GetResult(PipelineArgs.Steps, d.Steps)
        SingleIterations = args.GetResult(PipelineArgs.Single_Iterations, d.SingleIterations)
        MomeIterations = args.GetResult(PipelineArgs.Mome_Iterations, d.MomeIterations)
        Population = args.GetResult(PipelineArgs.Population, d.Population)
        StepSize = args.GetResult(PipelineArgs.Step_Size, d.StepSize)
        MomeEmitter = args.GetResult(PipelineArgs.Mome_Emitter, d.MomeEmitter)
        Batch = args.GetResult(PipelineArgs.Batch, d.Batch)
        Archive = args.GetResult(PipelineArgs.Archive, d.Archive)
        Seed = uint64 (args.GetResult(PipelineArgs.Seed, int64 d.Seed))
        SeedCount = args.GetResult(PipelineArgs.Seed_Count, d.SeedCount)
        Stagnation = args.GetResult(PipelineArgs.Stagnation, d.Stagnation)
        MaxRestarts = args.GetResult(PipelineArgs.Max_Restarts, d.MaxRestarts)
        CheckpointEvery = args.GetResult(PipelineArgs.Checkpoint_Every, d.CheckpointEvery)
    }
    |> Pipeline.validate

/// Writes the global Pareto front of every run to front.parquet and prints its size and hypervolume.
let private summarize dir (state: PipelineState) (quiet: bool) =
    let front = Pipeline.globalFront dir state
    let c = state.Config

    let task =
        QdFunctional.Core.Tasks.TaskCatalog.Create(c.Task, c.Dim) :?> QdFunctional.Core.Tasks.IMultiObjectiveTask

    let m = task.ObjectiveCount
    let objectives = front |> Array.collect (fun (_, o, _) -> o)
    let table = Pipeline.table c front

    let path = Path.Combine(dir, "front.parquet")
    ArchiveParquet.Write(path, table)

    if not quiet then
        printfn
            "Done: %d steps (%d skipped), global Pareto front of %d solutions, hypervolume %.6g"
            c.Steps
            state.Skipped.Length
            front.Length
            (Hypervolume.Of(ReadOnlySpan objectives, m, ReadOnlySpan task.ReferencePoint))

    printfn "%s" path

/// Runs the pipeline's remaining steps; returns the exit code (0 done, 130 stopped, 1 a run failed).
let execute dir (quiet: bool) (initial: PipelineState) =
    let c = initial.Config
    let control = Watchdog.Control()
    let gate = obj ()
    let mutable state = initial

    let update f =
        lock gate (fun () ->
            state <- f state
            Pipeline.save dir state)

    let log (line: string) =
        lock gate (fun () ->
            if not quiet then
                printfn "%s" line

            File.AppendAllText(Path.Combine(dir, "pipeline.log"), line + Environment.NewLine))

    use _skip =
        PosixSignalRegistration.Create(
            sigusr1,
            fun ctx ->
                ctx.Cancel <- true
                log "SIGUSR1: ending the current step (runs save their progress)"
                control.Skip()
        )

    let stopOn (signal: PosixSignal) =
        PosixSignalRegistration.Create(
            signal,
            fun ctx ->
                ctx.Cancel <- true
                log $"{signal}: stopping after the runs save their progress"
                control.Stop()
        )

    // SIGTERM as well as SIGINT: a pipeline started in the background (`nohup qd pipeline … &`)
    // inherits SIGINT ignored, and then only SIGTERM reaches it.
    use _stop = stopOn PosixSignal.SIGINT
    use _term = stopOn PosixSignal.SIGTERM

    let runOne (run: string) =
        let runDir = Path.Combine(dir, run)

        if not (File.Exists(RunDirectory.configPath runDir)) then
            Pipeline.prepare dir c run |> ignore

        let spend n =
            update (fun s ->
                { s with
                    Restarts =
                        { Run = run; Restarts = n }
                        :: (s.Restarts |> List.filter (fun r -> r.Run <> run))
                })

        let outcome =
            Watchdog.watch control c.MaxRestarts log spend runDir (Pipeline.restartsOf state run)

        match outcome with
        | Watchdog.Finished ->
            update (fun s ->
                { s with
                    Finished = s.Finished @ [ run ]
                })

            log $"{run}: done"
        | Watchdog.Interrupted -> log $"{run}: stopped, progress saved"
        | Watchdog.Failed message -> log message

        outcome

    let failed =
        List.exists (function
            | Watchdog.Failed _ -> true
            | _ -> false)

    let mutable code = 0

    for step, todo in Pipeline.remaining state do
        if code = 0 && not control.Stopping then
            control.NextStep()
            let a, b = Pipeline.stepWeights c step

            log
                $"step {step + 1}/{c.Steps}: weights {a:F2} on objective {c.ObjectiveA}, {b:F2} on objective {c.ObjectiveB}"

            let singles, mome = Pipeline.runsOf step

            let outcomes =
                todo
                |> List.filter (fun r -> List.contains r singles)
                |> List.map (fun r -> Task.Run(fun () -> runOne r))
                |> List.map _.Result

            if failed outcomes then
                code <- 1
            elif not control.Halted && List.contains mome todo then
                if failed [ runOne mome ] then
                    code <- 1

            if control.Skipping && not control.Stopping then
                update (fun s ->
                    { s with
                        Skipped = s.Skipped @ [ step ]
                    })

                log $"step {step + 1} skipped"

    if control.Stopping then
        eprintfn "Pipeline stopped; continue with: qd resume %s" dir
        130
    elif code <> 0 then
        eprintfn "Pipeline stopped: a run failed after its restarts (see %s)" (Path.Combine(dir, "pipeline.log"))
        code
    else
        summarize dir state quiet
        0

/// `qd pipeline`.
let pipeline (args: ParseResults<PipelineArgs>) =
    let config = configOf args

    let dir =
        args.GetResult(PipelineArgs.Out, Path.Combine("data", "pipelines", $"{config.Task}-s{config.Seed}"))

    if Pipeline.isPipeline dir then
        invalidArg "out" $"{dir} already holds a pipeline; continue it with: qd resume {dir}"

    let quiet = args.Contains PipelineArgs.Quiet

    if not quiet then
        printfn
            "Pipeline on %s (d = %d): %d steps from objective %d to %d, each 2 Adam runs × %d iterations then MOME (%s) × %d → %s"
            config.Task
            config.Dim
            config.Steps
            config.ObjectiveA
            config.ObjectiveB
            config.SingleIterations
            config.MomeEmitter
            config.MomeIterations
            dir

    Pipeline.start dir config |> execute dir quiet

/// `qd resume` on a pipeline directory.
let resume dir (quiet: bool) =
    let state = Pipeline.load dir

    if not quiet then
        printfn "Resuming pipeline %s: %d runs done, %d steps skipped" dir state.Finished.Length state.Skipped.Length

    execute dir quiet state
