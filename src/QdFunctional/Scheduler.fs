namespace QdFunctional

open QdFunctional.Core.Scheduling
open QdFunctional.Core.Tasks

/// One archive (and CMA-MAE's result archive) with its emitters, driven by ask/tell; see the `Scheduler` module.
type Scheduler = QdFunctional.Core.Scheduling.Scheduler

/// What one `Scheduler.stepWith` needs beyond the task and its keys.
type StepOptions =
    {
        /// For a task that gives values only: estimate the Jacobians the gradient algorithms need
        /// from `pairs` mirrored probes of spread `sigma` per point (evolution strategies; `qd run
        /// --gradients es`). None: the task's own Jacobians.
        EstimateGradients: (int * float) option
        /// False for novelty search, whose archive is told the measures alone.
        TellObjectives: bool
    }

/// The steps the CLI's algorithms take.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module StepOptions =
    /// The task's own Jacobians (when an emitter needs them); objectives told.
    let defaults =
        {
            EstimateGradients = None
            TellObjectives = true
        }

    /// Jacobians estimated from values alone by `pairs` mirrored probes of spread `sigma` (`qd run`'s
    /// defaults: 50 pairs, σ 0.02).
    let estimating (pairs: int) (sigma: float) =
        { defaults with
            EstimateGradients = Some(pairs, sigma)
        }

    /// Novelty search: the archive is told no objective.
    let noveltySearch = { defaults with TellObjectives = false }

/// The ask/tell loop over one archive and its emitters, as pure functions; `step` is a whole
/// iteration, the gradient stage included, as `qd run` takes it.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Scheduler =
    /// A scheduler over an archive and emitters (their solutions appear in a batch in this order).
    let create (archive: IArchive) (emitters: IEmitter list) = Scheduler.Create(archive, emitters)

    /// A scheduler over a search archive and a separate result archive, which every batch is also
    /// added to and which `results` returns.
    let createWithResult (result: IArchive) (archive: IArchive) (emitters: IEmitter list) =
        Scheduler.Create(archive, emitters, result)

    /// CMA-MAE's scheduler: the emitters search the annealing archive; the plain one is the result.
    let createAnnealing (archives: AnnealingArchives) (emitters: IEmitter list) =
        createWithResult archives.Result archives.Search emitters

    /// Adds an evaluated batch to the archive (and the result archive) without asking any emitter:
    /// an initial population or seeds, as `qd run` adds them before the first iteration.
    let insert (solutions: SolutionBatch) (evaluation: Evaluation) (scheduler: Scheduler) =
        if not (isNull scheduler.Pending) then
            invalidOp "Scheduler.insert: a batch is pending; tell it first."

        let add (archive: IArchive) =
            let struct (next, _) = archive.Add(solutions, evaluation) in next

        scheduler.WithArchives(
            add scheduler.Archive,
            scheduler.ResultArchive |> Option.ofObj |> Option.map add |> Option.toObj
        )

    /// Asks every emitter for solutions; returns the next scheduler and the batch.
    let ask (key: Key) (scheduler: Scheduler) =
        let struct (next, solutions) = scheduler.Ask key
        next, solutions

    /// Tells the evaluation of the last asked batch; returns the next scheduler and the add report.
    let tell (evaluation: Evaluation) (scheduler: Scheduler) =
        let struct (next, report) = scheduler.Tell evaluation
        next, report

    /// True when some emitter has a gradient stage this iteration (the DQD family, MOME's gradient emitter).
    let needsGradients (scheduler: Scheduler) = scheduler.NeedsGradients

    /// The gradient stage's ask: the points whose Jacobians the gradient emitters need. Evaluate
    /// them with Jacobians, `tellGradients`, then `ask` for the branches.
    let askGradients (key: Key) (scheduler: Scheduler) =
        let struct (next, points) = scheduler.AskGradients key
        next, points

    /// The gradient stage's tell: adds the points to the archive and hands each gradient emitter its Jacobians.
    let tellGradients (evaluation: Evaluation) (scheduler: Scheduler) =
        let struct (next, report) = scheduler.TellGradients evaluation
        next, report

    let private check (task: ITask) (scheduler: Scheduler) =
        let archive = scheduler.Archive

        if task.SolutionDim <> archive.SolutionDim then
            invalidArg
                "task"
                $"Scheduler.step: task '{task.Name}' takes solutions of dimension {task.SolutionDim}; the archive holds dimension {archive.SolutionDim}."

        if task.MeasureDim <> archive.MeasureDim then
            invalidArg
                "task"
                $"Scheduler.step: task '{task.Name}' gives {task.MeasureDim} measures; the archive's cells span {archive.MeasureDim}."

    /// One whole iteration (Core's Iteration.Step): the gradient stage when an emitter has one
    /// (ask for points, evaluate them with Jacobians, tell), then ask, evaluate, tell, each from its
    /// own purpose of `keys` (`KeyPlan.iteration i`). Returns the next scheduler and the evaluations
    /// it cost (estimated Jacobians cost 1 + 2 × pairs per point).
    let stepCounted (options: StepOptions) (task: ITask) (keys: IterationKeys) (scheduler: Scheduler) =
        check task scheduler

        let estimator =
            match options.EstimateGradients with
            | Some(pairs, sigma) -> GradientEstimator(pairs, sigma)
            | None -> null

        let struct (next, evaluations) =
            Iteration.Step(scheduler, task, keys, IterationOptions(estimator, options.TellObjectives))

        next, evaluations

    /// One whole iteration with options (see `stepCounted`).
    let stepWith (options: StepOptions) (task: ITask) (keys: IterationKeys) (scheduler: Scheduler) =
        stepCounted options task keys scheduler |> fst

    /// One whole iteration of `task` with the iteration's keys: `state -> keys -> state`, so a run
    /// is a fold over `KeyPlan.iteration 1 .. n`.
    let step (task: ITask) (keys: IterationKeys) (scheduler: Scheduler) =
        stepWith StepOptions.defaults task keys scheduler

    /// The archive the emitters search with.
    let archive (scheduler: Scheduler) = scheduler.Archive

    /// The archive whose elites are the result: CMA-MAE's result archive, else the archive.
    let results (scheduler: Scheduler) = scheduler.Results

    /// The emitters, in batch order.
    let emitters (scheduler: Scheduler) = List.ofSeq scheduler.Emitters
