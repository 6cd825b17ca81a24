namespace QdFunctional

open System
open System.Diagnostics
open System.IO
open System.Threading
open QdFunctional.Core.Archives
open QdFunctional.Core.Checkpoints
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence
open QdFunctional.Core.Random
open QdFunctional.Core.Scheduling
open QdFunctional.Core.Tasks

/// A run in progress or finished: its plan, task, state, metrics so far, wall time before this
/// process, and the lock that keeps other processes out of its directory until it ends.
type RunProgress =
    {
        Plan: RunPlan
        /// The task, made once (a robot task opens MuJoCo; a cluster's sends batches to workers).
        Task: QdFunctional.Core.Tasks.ITask
        Lock: RunLock
        State: RunState
        Metrics: MetricsRow list
        /// Seconds spent by earlier processes (a resumed run keeps counting).
        ElapsedBefore: float
        /// True when the run stopped early because its QD score stagnated (see RunConfig.Stagnation).
        Stagnated: bool
    }

    /// The run's configuration (the file form).
    member p.Config = p.Plan.Config

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

    /// A checkpoint whose metrics (newest row first) go through `saveMetrics`, before anything else.
    let private checkpointWith (saveMetrics: MetricsRow list -> unit) dir (progress: RunProgress) (elapsed: float) =
        saveMetrics progress.Metrics
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

    /// Writes the checkpoint and the metrics that go with it (metrics first, the whole file: a
    /// checkpoint never points past the metrics on disk). One format for every archive: cells, MOME
    /// fronts, or novelty search's proximity archive, with CMA-MAE's result archive beside it.
    let checkpoint dir (progress: RunProgress) (elapsed: float) =
        checkpointWith (fun rows -> Results.saveMetrics (metricsPath dir) (List.rev rows)) dir progress elapsed

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

    /// The files that make a directory a run (a run.lock alone does not).
    let private runFiles dir =
        [ configPath dir; checkpointPath dir; archivePath dir; metricsPath dir ]

    /// True when `dir` holds a run (or the beginning of one).
    let holdsRun dir = runFiles dir |> List.exists File.Exists

    /// Empties a run directory whole (pictures and reports included), all but its lock.
    let private clear dir =
        for entry in Directory.EnumerateFileSystemEntries dir |> Seq.toList do
            if Path.GetFileName entry <> RunLock.FileName then
                if Directory.Exists entry then
                    Directory.Delete(entry, true)
                else
                    File.Delete entry

    /// Runs `f` with the directory's lock taken, releasing it if `f` fails.
    let private locked dir (f: RunLock -> RunProgress) =
        let lockPath = Path.Combine(dir, RunLock.FileName)
        let hadDirectory, hadLock = Directory.Exists dir, File.Exists lockPath
        let lock = RunLock.Acquire dir

        try
            f lock
        with _ ->
            (lock :> IDisposable).Dispose()

            // A refused start leaves the directory as it found it: no lock file of its own, and no
            // directory it created only to lock.
            try
                if not hadLock then
                    File.Delete lockPath

                if not hadDirectory && Seq.isEmpty (Directory.EnumerateFileSystemEntries dir) then
                    Directory.Delete dir
            with :? IOException ->
                ()

            reraise ()

    /// Starts a run (see `startWith`); `custom` gives the facts of a script's own task.
    let private startFor
        (custom: TaskFacts option)
        (makeTask: RunPlan -> ITask)
        (overwrite: bool)
        dir
        (config: RunConfig)
        =
        let plan = RunPlan.parseFor custom config

        let refuseExisting () =
            if holdsRun dir && not overwrite then
                raise (
                    IOException(
                        $"{dir} already holds a run: continue it with `qd resume {dir}`, choose another --out, or pass --overwrite to replace it."
                    )
                )

        refuseExisting ()

        // The task first: a robot task without MuJoCo fails before anything is written.
        let task = makeTask plan

        let plan =
            { plan with
                Config =
                    { plan.Config with
                        TaskIdentity = TaskFacts.IdentityOf task
                        Stream = Key.StreamVersion
                    }
            }

        locked dir (fun lock ->
            // Again under the lock: another process may have started a run here since the check above.
            refuseExisting ()
            // The initial population before any file: a run refused on the way (an algorithm that
            // needs gradients the task lacks, a seeds file of another dimension) leaves the directory as it was.
            let resolved =
                { plan with
                    Config = resolve dir plan.Config
                }

            let state = Run.init resolved task

            if overwrite then
                clear dir

            JsonFile.Write(configPath dir, plan.Config)
            let plan = resolved

            {
                Plan = plan
                Task = task
                Lock = lock
                State = state
                Metrics = [ Run.metrics 0.0 state |> Run.archiveFigures state ]
                ElapsedBefore = 0.0
                Stagnated = false
            })

    /// A new run whose evaluations `makeTask` provides (a cluster's, say). The config is parsed,
    /// its task made and its initial population evaluated before anything is written; a directory
    /// that already holds a run is refused unless `overwrite`, which then empties it; `config.json`
    /// (with the task's identity) is written last. The run holds the directory's lock until it ends.
    let startWith makeTask overwrite dir config =
        startFor None makeTask overwrite dir config

    /// A new run of a script's own task (any ITask: a plain function, an engine function) through
    /// the same run directory as `qd run`: `config.Task` is set to the task's name, and the
    /// task's identity is recorded so that `resumeTask` refuses another task.
    let startTask (task: ITask) (overwrite: bool) dir (config: RunConfig) =
        startFor
            (Some(TaskFacts.Of task))
            (fun _ -> task)
            overwrite
            dir
            { config with
                Task = task.Name
                Dim = task.SolutionDim
            }

    /// A new run whose evaluations `makeTask` provides, in a directory that holds no run yet.
    let startOn makeTask dir config = startWith makeTask false dir config

    /// A new run evaluated in this process (see `startWith`).
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

    /// Reads a run's config and last checkpoint; `iterations` (if given) extends or shortens the run;
    /// a task whose identity differs from the recorded one is refused.
    /// A run directory with a config and no checkpoint yet (prepared by a pipeline, or killed
    /// before its first checkpoint) starts from the beginning. Nothing is written until the
    /// checkpoint has been read back whole: a resume that fails leaves the directory as it was.
    let private resumeFor (custom: TaskFacts option) (makeTask: RunPlan -> ITask) dir (iterations: int option) =
        if not (File.Exists(configPath dir)) then
            raise (FileNotFoundException($"{dir} is not a run directory: it has no config.json.", configPath dir))

        let saved = JsonFile.Read<RunConfig>(configPath dir)
        // A checkpoint drawn by another stream cannot be continued; a run not begun yet starts on this one.
        let stream = if saved.Stream = 0 then 1 else saved.Stream

        if stream <> Key.StreamVersion && File.Exists(checkpointPath dir) then
            raise (StreamVersionException(checkpointPath dir, stream))

        let plan =
            RunPlan.parseFor
                custom
                (match iterations with
                 | Some n -> { saved with Iterations = n }
                 | None -> saved)

        let task = makeTask plan
        let identity = TaskFacts.IdentityOf task

        if not (isNull saved.TaskIdentity) && saved.TaskIdentity <> identity then
            invalidArg
                "task"
                $"{dir} was made by another task ({saved.TaskIdentity}); this one is {identity}: resuming would mix two problems in one archive."

        let plan =
            { plan with
                Config =
                    { plan.Config with
                        TaskIdentity = identity
                        Stream = Key.StreamVersion
                    }
            }

        locked dir (fun lock ->
            let resolved =
                { plan with
                    Config = resolve dir plan.Config
                }

            if not (File.Exists(checkpointPath dir)) then
                JsonFile.Write(configPath dir, plan.Config)
                let state = Run.init resolved task

                {
                    Plan = resolved
                    Task = task
                    Lock = lock
                    State = state
                    Metrics = [ Run.metrics 0.0 state |> Run.archiveFigures state ]
                    ElapsedBefore = 0.0
                    Stagnated = false
                }
            else
                let empty, emptyResult = Run.searchArchives resolved task

                let checkpoint =
                    ArchiveCheckpoint.Read(
                        checkpointPath dir,
                        empty,
                        Option.toObj emptyResult,
                        List.toArray (Run.emitters resolved task)
                    )

                if plan.Config <> saved then
                    JsonFile.Write(configPath dir, plan.Config)

                {
                    Plan = resolved
                    Task = task
                    Lock = lock
                    State =
                        {
                            Scheduler =
                                Scheduler.Create(checkpoint.Archive, checkpoint.Emitters, checkpoint.ResultArchive)
                            Iteration = checkpoint.Iteration
                            Evaluations = checkpoint.Evaluations
                        }
                    Metrics = metricsUpTo dir checkpoint.Iteration
                    ElapsedBefore = checkpoint.ElapsedSeconds
                    Stagnated = false
                })

    /// Reads a run's config and last checkpoint (see `resumeFor`); the task comes from `makeTask`.
    let resumeOn makeTask dir iterations = resumeFor None makeTask dir iterations

    /// Resumes a run of a script's own task (see `startTask`); another task is refused in one line.
    let resumeTask (task: ITask) dir (iterations: int option) =
        resumeFor (Some(TaskFacts.Of task)) (fun _ -> task) dir iterations

    /// Resumes a run evaluated in this process (see `resumeFor`).
    let resume dir (iterations: int option) = resumeOn Run.task dir iterations

    /// How a run advances: on the CPU (`Run.step`), or on the registered device's loop.
    type private Stepper =
        {
            Step: RunState -> RunState
            Metrics: float -> RunState -> MetricsRow
            /// The state with its archive up to date (a device brings the archive back only then).
            Current: RunState -> RunState
            Close: unit -> unit
        }

    let private stepperFor (plan: RunPlan) task (state: RunState) =
        match plan.OnDevice, Extensions.device () with
        | Some _, Some device ->
            let d = device.Start plan state

            {
                Step = d.Step
                Metrics = d.Metrics
                Current = d.Current
                Close = d.Dispose
            }
        | Some _, None ->
            invalidOp
                "this plan runs on a device, but no device is registered (the QdFunctional.Devices package's `Devices.register ()`)."
        | None, _ ->
            {
                Step = Run.step plan task
                Metrics = Run.metrics
                Current = id
                Close = ignore
            }

    /// True (the default): `execute` writes each checkpoint on a pool thread from the (immutable) state
    /// while the loop goes on, one checkpoint at a time (the loop waits when the next comes due before
    /// the last is on disk: every due checkpoint is written, at its iteration), and waits for the last
    /// before it returns. False:
    /// in the loop, before the next iteration (the watchdog's crash test needs the checkpoint on disk when
    /// the next iteration is observed).
    let mutable checkpointsInBackground = true

    /// The archive-wide figures take at most one part in this many of a run's time (see `execute`).
    let figureShare = 20.0

    /// Runs to the config's iteration count, checkpointing every `CheckpointEvery` iterations and
    /// when `cancel` fires (then it stops early). `observe` sees each iteration's metrics. The
    /// figures that rescan the archive (ArchiveFigures: MOME's global hypervolume, novelty search's
    /// mean novelty; each costs about an iteration or more) are computed for the rows the live log
    /// keeps (four a second), held back so they take at most 1/`figureShare` of the time, and always
    /// for each checkpoint's row and the last row; other rows carry NaN (null in metrics.parquet). When
    /// the task cannot evaluate any more (EvaluationUnavailableException: a cluster with no worker
    /// left), the run stops early with its checkpoint, as on cancel. The directory's lock is
    /// released when this returns, however it returns.
    let execute dir (cancel: CancellationToken) (observe: MetricsRow -> unit) (progress: RunProgress) =
        use _ = progress.Lock
        let liveDue = LiveMetrics.clock () // qd serve: metrics.live.csv
        let config = progress.Config
        let task = progress.Task
        let mutable unavailable = false
        let clock = Stopwatch.StartNew()

        let elapsed () =
            progress.ElapsedBefore + clock.Elapsed.TotalSeconds

        let mutable p = progress
        let stepper = stepperFor progress.Plan task p.State

        use _ =
            { new IDisposable with
                member _.Dispose() = stepper.Close()
            }
        // Extensions' own logs (a robot task's CPG metrics), saved just before each checkpoint.
        let logs = Extensions.logs dir config.Task p.State

        let saveLogs () =
            for log in logs do
                log.Save()

        // The best QD score so far and when it was reached, from the metrics on record.
        let mutable best, bestAt = Double.NegativeInfinity, 0

        for m in List.rev p.Metrics do
            if m.QdScore > best then
                best <- m.QdScore
                bestAt <- m.Iteration

        bestAt <- max bestAt config.RestartedAt

        let figures = ArchiveFigures.Apply p.State.Archive
        // The run's clock before which a row the live log keeps goes without the figures.
        let mutable figuresFrom = Double.NegativeInfinity

        let withFigures (state: RunState) (row: MetricsRow) =
            let c = Stopwatch.StartNew()
            let row = Run.archiveFigures state row
            figuresFrom <- row.ElapsedSeconds + figureShare * c.Elapsed.TotalSeconds
            row

        let stagnated () =
            config.Stagnation > 0 && p.State.Iteration - bestAt >= config.Stagnation

        // The checkpoint being written, if any. Files are written as before (metrics first, each
        // atomically), so a run killed at any moment still resumes from the last whole checkpoint; the
        // loop waits only when the next checkpoint is due before the last one is on disk.
        let mutable writing = System.Threading.Tasks.Task.CompletedTask

        let awaitWriting () =
            let w = writing
            writing <- System.Threading.Tasks.Task.CompletedTask
            w.GetAwaiter().GetResult()

        // However the loop ends (an exception included), no checkpoint is still being written once the lock goes.
        use _ =
            { new IDisposable with
                member _.Dispose() =
                    try
                        writing.Wait()
                    with _ ->
                        ()
            }

        // The last iteration whose row this loop put in metrics.parquet. Its first checkpoint writes the
        // file whole (a resumed run's file may hold rows past its checkpoint); later ones append their
        // new rows as a row group, so a checkpoint's cost does not grow with the rows' encoding.
        let mutable lastOnDisk = -1

        let saveMetrics (rows: MetricsRow list) =
            match rows with
            | [] -> ()
            | newest :: _ ->
                let fresh =
                    rows
                    |> List.takeWhile (fun m -> m.Iteration > lastOnDisk)
                    |> List.rev
                    |> List.toArray

                if lastOnDisk < 0 || not (MetricsParquet.TryAppend(metricsPath dir, fresh)) then
                    Results.saveMetrics (metricsPath dir) (List.rev rows)

                lastOnDisk <- newest.Iteration

        let save (progress: RunProgress) (at: float) =
            awaitWriting ()

            if checkpointsInBackground then
                writing <- System.Threading.Tasks.Task.Run(fun () -> checkpointWith saveMetrics dir progress at)
            else
                checkpointWith saveMetrics dir progress at

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
                let logged = liveDue row.ElapsedSeconds

                let checkpointDue =
                    config.CheckpointEvery > 0 && state.Iteration % config.CheckpointEvery = 0

                let row =
                    if
                        figures
                        && (checkpointDue
                            || state.Iteration >= config.Iterations
                            || logged && row.ElapsedSeconds >= figuresFrom)
                    then
                        withFigures state row
                    else
                        row

                for log in logs do
                    log.Add state

                p <-
                    { p with
                        State = state
                        Metrics = row :: p.Metrics
                    }

                observe row

                if logged then
                    LiveMetrics.append dir row

                if row.QdScore > best then
                    best <- row.QdScore
                    bestAt <- row.Iteration

                if checkpointDue then
                    saveLogs ()

                    save
                        { p with
                            State = stepper.Current p.State
                        }
                        (elapsed ())

        awaitWriting ()
        saveLogs ()

        p <-
            { p with
                State = stepper.Current p.State
            }

        // Stopped early (cancelled, stagnated, no worker left): the last row gets the figures too.
        match p.Metrics with
        | last :: earlier when figures && ArchiveFigures.Missing last && last.Iteration = p.State.Iteration ->
            p <-
                { p with
                    Metrics = withFigures p.State last :: earlier
                }
        | _ -> ()

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
