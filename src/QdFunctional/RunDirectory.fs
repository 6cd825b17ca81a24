namespace QdFunctional

open System
open System.Diagnostics
open System.IO
open System.Threading
open QdFunctional.Core.Archives
open QdFunctional.Core.Checkpoints
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence
open QdFunctional.Core.Scheduling

/// A run in progress or finished: its config, state, metrics so far and wall time before this process.
type RunProgress =
    {
        Config: RunConfig
        State: RunState
        Metrics: MetricsRow list
        /// Seconds spent by earlier processes (a resumed run keeps counting).
        ElapsedBefore: float
    }

/// The files of a run under `data/runs/NAME/`: `config.json`, `archive.parquet`,
/// `metrics.parquet` and `checkpoint.bin`, each written atomically. A run killed at any
/// moment resumes from its last checkpoint and ends with the same archive as an
/// uninterrupted run.
[<RequireQualifiedAccess>]
module RunDirectory =
    let configPath dir = Path.Combine(dir, "config.json")
    let archivePath dir = Path.Combine(dir, "archive.parquet")
    let metricsPath dir = Path.Combine(dir, "metrics.parquet")
    let checkpointPath dir = Path.Combine(dir, "checkpoint.bin")

    /// Writes the checkpoint and the metrics that go with it (metrics first: a checkpoint never
    /// points past the metrics on disk).
    let checkpoint dir (progress: RunProgress) (elapsed: float) =
        Results.saveMetrics (metricsPath dir) (List.rev progress.Metrics)
        let scheduler = progress.State.Scheduler

        let result =
            match scheduler.ResultArchive with
            | null -> null
            | r -> r :?> CellArchive

        ArchiveCheckpoint.Write(
            checkpointPath dir,
            CheckpointState(
                progress.State.Iteration,
                progress.State.Evaluations,
                elapsed,
                scheduler.Archive :?> CellArchive,
                result,
                Seq.toArray scheduler.Emitters
            )
        )

    /// Writes the final results (archive, metrics, checkpoint).
    let finish dir (progress: RunProgress) (elapsed: float) =
        checkpoint dir progress elapsed
        Results.saveArchive (archivePath dir) progress.State.Archive

    /// A new run: validates the config, writes `config.json`, evaluates the initial population.
    let start dir (config: RunConfig) =
        let config = RunConfig.validate config
        // The task first: a robot task without MuJoCo fails before anything is written.
        let task = Run.task config
        Directory.CreateDirectory dir |> ignore
        JsonFile.Write(configPath dir, config)
        let state = Run.init config task

        {
            Config = config
            State = state
            Metrics = [ Run.metrics 0.0 state ]
            ElapsedBefore = 0.0
        }

    /// Reads a run's config and last checkpoint; `iterations` (if given) extends or shortens the run.
    let resume dir (iterations: int option) =
        if not (File.Exists(configPath dir)) then
            raise (FileNotFoundException($"{dir} is not a run directory: it has no config.json.", configPath dir))

        let config = JsonFile.Read<RunConfig>(configPath dir) |> RunConfig.validate

        let config =
            match iterations with
            | Some n -> { config with Iterations = n }
            | None -> config

        let task = Run.task config
        let empty, emptyResult = Run.emptyArchives config task

        let saved =
            ArchiveCheckpoint.Read(
                checkpointPath dir,
                empty,
                Option.toObj emptyResult,
                List.toArray (Run.emitters config task)
            )

        let metrics =
            if File.Exists(metricsPath dir) then
                Results.loadMetrics (metricsPath dir)
                |> Array.filter (fun m -> m.Iteration <= saved.Iteration)
                |> Array.toList
                |> List.rev
            else
                []

        JsonFile.Write(configPath dir, config)
        let scheduler = Scheduler.Create(saved.Archive, saved.Emitters, saved.ResultArchive)

        {
            Config = config
            State =
                {
                    Scheduler = scheduler
                    Iteration = saved.Iteration
                    Evaluations = saved.Evaluations
                }
            Metrics = metrics
            ElapsedBefore = saved.ElapsedSeconds
        }

    /// Runs to the config's iteration count, checkpointing every `CheckpointEvery` iterations and
    /// when `cancel` fires (then it stops early). `observe` sees each iteration's metrics.
    let execute dir (cancel: CancellationToken) (observe: MetricsRow -> unit) (progress: RunProgress) =
        let config = progress.Config
        let task = Run.task config
        let clock = Stopwatch.StartNew()

        let elapsed () =
            progress.ElapsedBefore + clock.Elapsed.TotalSeconds

        let mutable p = progress
        // Robot tasks also log the CPG tutorial's metrics, saved just before each checkpoint.
        let robot = RobotLog.start dir task p.State

        let saveRobot () =
            robot |> Option.iter (fun r -> r.Save())

        while p.State.Iteration < config.Iterations && not cancel.IsCancellationRequested do
            let state = Run.step config task p.State
            let row = Run.metrics (elapsed ()) state
            robot |> Option.iter (fun r -> r.Add state)

            p <-
                { p with
                    State = state
                    Metrics = row :: p.Metrics
                }

            observe row

            if config.CheckpointEvery > 0 && state.Iteration % config.CheckpointEvery = 0 then
                saveRobot ()
                checkpoint dir p (elapsed ())

        saveRobot ()

        if p.State.Iteration >= config.Iterations then
            finish dir p (elapsed ())
        else
            checkpoint dir p (elapsed ())

        p
