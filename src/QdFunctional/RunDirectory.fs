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
        /// True when the run stopped early because its QD score stagnated (see RunConfig.Stagnation).
        Stagnated: bool
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
    /// points past the metrics on disk). One format for every archive: cells, MOME fronts, or
    /// novelty search's proximity archive, with CMA-MAE's result archive beside it.
    let checkpoint dir (progress: RunProgress) (elapsed: float) =
        Results.saveMetrics (metricsPath dir) (List.rev progress.Metrics)
        Snapshots.write dir progress.State.Iteration progress.State.Evaluations progress.State.Archive // qd serve: heatmaps.jsonl
        let scheduler = progress.State.Scheduler

        ArchiveCheckpoint.Write(
            checkpointPath dir,
            CheckpointState(
                progress.State.Iteration,
                progress.State.Evaluations,
                elapsed,
                scheduler.Archive,
                scheduler.ResultArchive,
                Seq.toArray scheduler.Emitters
            )
        )

    /// Writes the final results (archive, metrics, checkpoint).
    let finish dir (progress: RunProgress) (elapsed: float) =
        checkpoint dir progress elapsed
        Results.saveArchive (archivePath dir) progress.State.Archive

    /// The config with its seeds file found from the run directory (config.json keeps it relative).
    let private resolve dir (config: RunConfig) =
        if isNull config.Seeds || Path.IsPathRooted config.Seeds then
            config
        else
            { config with
                Seeds = Path.Combine(dir, config.Seeds)
            }

    /// A new run whose evaluations `makeTask` provides (a cluster's, say): validates the config,
    /// writes `config.json`, evaluates the initial population.
    let startOn (makeTask: RunConfig -> QdFunctional.Core.Tasks.ITask) dir (config: RunConfig) =
        let config = RunConfig.validate config
        // The task first: a robot task without MuJoCo fails before anything is written.
        let task = makeTask config
        Directory.CreateDirectory dir |> ignore
        JsonFile.Write(configPath dir, config)
        let config = resolve dir config
        let state = Run.init config task

        {
            Config = config
            State = state
            Metrics = [ Run.metrics 0.0 state ]
            ElapsedBefore = 0.0
            Stagnated = false
        }

    /// A new run evaluated in this process (see `startOn`).
    let start dir (config: RunConfig) = startOn Run.task dir config

    /// The metrics rows on record up to `iteration` (a checkpoint's), newest first.
    let private metricsUpTo dir (iteration: int) =
        if File.Exists(metricsPath dir) then
            Results.loadMetrics (metricsPath dir)
            |> Array.filter (fun m -> m.Iteration <= iteration)
            |> Array.toList
            |> List.rev
        else
            []

    /// Reads a run's config and last checkpoint; `iterations` (if given) extends or shortens the run.
    /// A run directory with a config and no checkpoint yet (prepared by a pipeline, or killed
    /// before its first checkpoint) starts from the beginning.
    let resume dir (iterations: int option) =
        if not (File.Exists(configPath dir)) then
            raise (FileNotFoundException($"{dir} is not a run directory: it has no config.json.", configPath dir))

        let config = JsonFile.Read<RunConfig>(configPath dir) |> RunConfig.validate

        let config =
            match iterations with
            | Some n -> { config with Iterations = n }
            | None -> config

        if not (File.Exists(checkpointPath dir)) then
            start dir config
        else
            JsonFile.Write(configPath dir, config)
            let config = resolve dir config
            let task = Run.task config
            let empty, emptyResult = Run.searchArchives config task

            let saved =
                ArchiveCheckpoint.Read(
                    checkpointPath dir,
                    empty,
                    Option.toObj emptyResult,
                    List.toArray (Run.emitters config task)
                )

            {
                Config = config
                State =
                    {
                        Scheduler = Scheduler.Create(saved.Archive, saved.Emitters, saved.ResultArchive)
                        Iteration = saved.Iteration
                        Evaluations = saved.Evaluations
                    }
                Metrics = metricsUpTo dir saved.Iteration
                ElapsedBefore = saved.ElapsedSeconds
                Stagnated = false
            }

    /// How a run advances: on the CPU (`Run.step`), or on its device (DeviceRun).
    type private Stepper =
        {
            Step: RunState -> RunState
            Metrics: float -> RunState -> MetricsRow
            /// The state with its archive up to date (a device brings the archive back only then).
            Current: RunState -> RunState
            Close: unit -> unit
        }

    let private stepperFor (config: RunConfig) task (state: RunState) =
        if RunConfig.iteratesOnDevice config then
            let d = new DeviceRun(config, state)

            {
                Step = d.Step
                Metrics = d.Metrics
                Current = d.Current
                Close = (d :> IDisposable).Dispose
            }
        else
            {
                Step = Run.step config task
                Metrics = Run.metrics
                Current = id
                Close = ignore
            }

    /// Runs to the config's iteration count, checkpointing every `CheckpointEvery` iterations and
    /// when `cancel` fires (then it stops early). `observe` sees each iteration's metrics.
    /// `makeTask` gives the evaluations (`Run.task` in this process); when it cannot evaluate any
    /// more (EvaluationUnavailableException: a cluster with no worker left), the run stops early
    /// with its checkpoint, as on cancel.
    let executeOn
        (makeTask: RunConfig -> QdFunctional.Core.Tasks.ITask)
        dir
        (cancel: CancellationToken)
        (observe: MetricsRow -> unit)
        (progress: RunProgress)
        =
        let observe = LiveMetrics.tee dir observe // qd serve: metrics.live.csv
        let config = progress.Config
        let task = makeTask config
        let mutable unavailable = false
        let clock = Stopwatch.StartNew()

        let elapsed () =
            progress.ElapsedBefore + clock.Elapsed.TotalSeconds

        let mutable p = progress
        let stepper = stepperFor config task p.State

        use _ =
            { new IDisposable with
                member _.Dispose() = stepper.Close()
            }
        // Robot tasks also log the CPG tutorial's metrics, saved just before each checkpoint.
        let robot = RobotLog.start dir config.Task p.State

        let saveRobot () =
            robot |> Option.iter (fun r -> r.Save())

        // The best QD score so far and when it was reached, from the metrics on record.
        let mutable best, bestAt = Double.NegativeInfinity, 0

        for m in List.rev p.Metrics do
            if m.QdScore > best then
                best <- m.QdScore
                bestAt <- m.Iteration

        bestAt <- max bestAt config.RestartedAt

        let stagnated () =
            config.Stagnation > 0 && p.State.Iteration - bestAt >= config.Stagnation

        while p.State.Iteration < config.Iterations
              && not cancel.IsCancellationRequested
              && not unavailable
              && not (stagnated ()) do
            match
                (try
                    Some(stepper.Step p.State)
                 with :? QdFunctional.Core.Tasks.EvaluationUnavailableException ->
                     unavailable <- true
                     None)
            with
            | None -> ()
            | Some state ->
                let row = stepper.Metrics (elapsed ()) state
                robot |> Option.iter (fun r -> r.Add state)

                p <-
                    { p with
                        State = state
                        Metrics = row :: p.Metrics
                    }

                observe row

                if row.QdScore > best then
                    best <- row.QdScore
                    bestAt <- row.Iteration

                if config.CheckpointEvery > 0 && state.Iteration % config.CheckpointEvery = 0 then
                    saveRobot ()

                    checkpoint
                        dir
                        { p with
                            State = stepper.Current p.State
                        }
                        (elapsed ())

        saveRobot ()

        p <-
            { p with
                State = stepper.Current p.State
            }

        if p.State.Iteration >= config.Iterations then
            finish dir p (elapsed ())
            p
        elif stagnated () && not cancel.IsCancellationRequested then
            // Results so far are written too: a pipeline may end the run here.
            finish dir p (elapsed ())
            { p with Stagnated = true }
        else
            // Stopped early: the results so far are written with the checkpoint.
            finish dir p (elapsed ())
            p

    /// Runs in this process (see `executeOn`).
    let execute dir (cancel: CancellationToken) (observe: MetricsRow -> unit) (progress: RunProgress) =
        executeOn Run.task dir cancel observe progress
