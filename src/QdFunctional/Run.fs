namespace QdFunctional

open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Metrics
open QdFunctional.Core.Scheduling
open QdFunctional.Core.Tasks

/// A run as a fold over iterations: `state -> state`, each iteration `Scheduler.step` (Core's Iteration.Step) with
/// the keys of RunKeys (initial population from the start half of the root key, iteration i
/// from the loop half).
[<RequireQualifiedAccess>]
module Run =
    /// The run's task.
    let task (plan: RunPlan) : ITask =
        let engine =
            match plan.Gradients with
            | Engine dtype -> Some dtype
            | _ -> None

        let task = Extensions.createTask plan.Config.Task plan.Config.Dim engine
        // `--noise` and `--samples`: the evaluation as QDax's noisy tasks and sampling make it.
        let task =
            if plan.Noise.IsNone then
                task
            else
                NoisyTask.Create(task, plan.Noise)

        if plan.Samples > 1 then
            SampledTask.Create(task, plan.Samples, plan.Aggregate)
        else
            task

    /// The run's keys by purpose.
    let keys (plan: RunPlan) =
        RunKeys(plan.Config.Seed, plan.Config.RestartSalt)

    /// The keys iteration `i` draws from (after a watchdog restart, salted by its number).
    let iterationKeys (plan: RunPlan) (i: int) = (keys plan).Iteration i

    /// What each iteration needs beyond the scheduler: the gradient estimator of a black-box
    /// task, and whether the archive is told the objectives.
    let stepOptions (plan: RunPlan) =
        {
            EstimateGradients =
                match plan.Gradients with
                | Estimated(pairs, sigma) -> Some(pairs, sigma)
                | _ -> None
            TellObjectives = plan.Recipe.TellsObjectives plan.Algorithm
        }

    let private tessellation (plan: RunPlan) (task: ITask) : ITessellation =
        match plan.Archive with
        | Grid dims -> Cells.grid (List.ofArray dims) (Task.measureBounds task)
        | Cvt cells -> Cells.cvt cells (Task.measureBounds task) (keys plan |> KeyPlan.centroids)
        | Categorical spec -> ArchiveSpecs.categoricalTessellation spec.Axes task.MeasureLow task.MeasureHigh
        | Proximity _
        | Sliding _
        | Dns _ -> invalidArg "archive" $"a {plan.Config.Archive} archive has no fixed cells."

    /// Empty cell archives for the plan: the search archive (with CMA-MAE's learning rate and
    /// minimum threshold) and, when the learning rate is below 1, a plain result archive beside
    /// it. A multi-objective task gets a MOME archive (fronts of at most P solutions, the task's
    /// reference point).
    let emptyArchives (plan: RunPlan) (task: ITask) : IArchive * IArchive option =
        let config = plan.Config
        let cells = tessellation plan task
        // Objectives below zero (robot tasks) count from the task's floor, so QD scores stay positive.
        let struct (offset, _) = task.ObjectiveRange

        match task with
        | :? IMultiObjectiveTask as mo ->
            Archive.mome task.SolutionDim (List.ofArray mo.ReferencePoint) config.Mome.ParetoLength cells :> IArchive,
            None
        | _ when config.ArchiveLearningRate < 1.0 ->
            let pair =
                Archive.annealingWith
                    (ArchiveOptions(
                        LearningRate = config.ArchiveLearningRate,
                        ThresholdMin = config.ThresholdMin,
                        QdOffset = offset
                    ))
                    task.SolutionDim
                    cells

            pair.Search, Some(pair.Result :> IArchive)
        | _ when offset = 0.0 -> Archive.ofCells task.SolutionDim cells, None
        | _ -> Archive.ofCellsWith (ArchiveOptions(QdOffset = offset)) task.SolutionDim cells, None

    /// The archives without fixed cells: a sliding-boundaries archive (its cells move) or Dominated
    /// Novelty Search's population, with the task's floor as QD offset; no result archive beside them.
    let private movingArchive (plan: RunPlan) (task: ITask) : IArchive =
        let struct (offset, _) = task.ObjectiveRange

        match plan.Archive with
        | Sliding spec ->
            let options =
                SlidingBoundariesOptions(
                    RemapFrequency = spec.RemapFrequency,
                    BufferCapacity = spec.BufferCapacity,
                    QdOffset = offset
                )

            SlidingBoundariesArchive.Create(
                task.SolutionDim,
                spec.Resolution,
                task.MeasureLow,
                task.MeasureHigh,
                options
            )
            :> IArchive
        | Dns spec ->
            let options =
                DnsOptions(Capacity = spec.Capacity, Neighbours = spec.Neighbours, QdOffset = offset)

            DominatedNoveltyArchive.Create(
                task.SolutionDim,
                task.MeasureDim,
                options,
                task.MeasureLow,
                task.MeasureHigh
            )
        | _ -> invalidArg "archive" $"'{plan.Config.Archive}' is a cell archive."

    /// The empty search archive and optional result archive as the scheduler takes them: the
    /// recipe's own (novelty search's proximity archive), a sliding-boundaries archive or a DNS
    /// population, else the cell archives above.
    let searchArchives (plan: RunPlan) (task: ITask) : IArchive * IArchive option =
        match plan.Recipe.Archives, plan.Archive with
        | Some make, _ -> make plan task
        | None, (Sliding _ | Dns _) -> movingArchive plan task, None
        | None, _ -> emptyArchives plan task

    /// An empty (search) archive for the plan's archive over the task's measure bounds.
    let emptyArchive (plan: RunPlan) (task: ITask) : IArchive = fst (searchArchives plan task)

    /// Solution bounds of a bounded task (a robot's genome box), for emitters to clip into.
    let bounds (task: ITask) : EmitterBounds option = Recipe.bounds task

    /// The plan's emitters, all starting from x0 = 0 (the paper's set-up), or from the centre
    /// of a bounded task's box.
    let emitters (plan: RunPlan) (task: ITask) : IEmitter list =
        let x0 =
            match bounds task with
            | Some b -> Array.map2 (fun l h -> 0.5 * (l + h)) b.Lower b.Upper
            | None -> Array.zeroCreate task.SolutionDim

        match plan.Recipe.Pool, plan.RankerPool with
        | Some pool, _ -> pool plan task x0
        | None, [] -> [ for _ in 1 .. plan.Config.Emitters -> plan.Recipe.Emitter plan task x0 ]
        | None, rankers ->
            [
                for kind, count in rankers do
                    for _ in 1..count -> plan.Recipe.Emitter { plan with Ranker = kind } task x0
            ]

    /// The initial population: `InitialPopulation` solutions from N(0, I) (uniform within the box of
    /// a bounded task).
    let initialPopulation (plan: RunPlan) (task: ITask) =
        let n = plan.Config.InitialPopulation
        let key = keys plan |> KeyPlan.initialPopulation

        match Task.solutionBounds task with
        | Some box -> Solutions.uniform key n box
        | None -> Solutions.normal key n task.SolutionDim

    /// What the archive is told of an evaluation (no objective for novelty search).
    let private told (plan: RunPlan) (evaluation: Evaluation) =
        if plan.Recipe.TellsObjectives plan.Algorithm then
            evaluation
        else
            evaluation.WithoutObjectives()

    /// The state after the initial population (iteration 0): the seeds file's solutions, then
    /// the initial population, each evaluated and added.
    let init (plan: RunPlan) (task: ITask) : RunState =
        let config = plan.Config
        // A random task's first evaluations draw their noise from a purpose of their own.
        let evaluated = task.Seeded (keys plan).InitialEvaluation
        // Emitters first: an algorithm the task cannot serve is refused before any evaluation.
        let emitters = emitters plan task
        let archive, result = searchArchives plan task
        let seeded = Algorithms.Adam.seeds config task

        let add (a: IArchive) =
            let a =
                if seeded.Count > 0 then
                    let struct (added, _) = a.Add(seeded, told plan (evaluated.Evaluate seeded)) in added
                else
                    a

            if config.InitialPopulation > 0 then
                let pop = initialPopulation plan task
                let struct (added, _) = a.Add(pop, told plan (evaluated.Evaluate pop)) in
                added
            else
                a

        let result = result |> Option.map (fun r -> add r) |> Option.toObj

        {
            Scheduler = Scheduler.Create(add archive, emitters, result)
            Iteration = 0
            Evaluations = int64 (config.InitialPopulation + seeded.Count)
        }

    /// One iteration (Core's Iteration.Step with this iteration's keys).
    let step (plan: RunPlan) (task: ITask) (state: RunState) : RunState =
        RunState.stepWith (stepOptions plan) task (keys plan) state

    /// The metrics row of a state (from the archive's incremental statistics, no rescan).
    /// For MOME the QD score is the MOQD score (sum of the fronts' hypervolumes), the normalized
    /// score that sum over the cell count, ObjMax the maximum sum of objectives, and ObjMean the
    /// mean front hypervolume. The figures that rescan the archive (MOME's global hypervolume,
    /// novelty search's mean novelty) are NaN here: see `archiveFigures`.
    let metrics (elapsedSeconds: float) (state: RunState) =
        let s = state.Archive.Stats

        let objMax =
            match state.Archive with
            | :? MomeArchive as mome -> mome.MaxSumOfScores
            | _ -> s.ObjMax

        MetricsRow(
            state.Iteration,
            state.Evaluations,
            s.NumElites,
            s.Coverage,
            s.QdScore,
            (match state.Archive with
             | :? MomeArchive as mome -> mome.MoqdScore / float mome.CellCount
             | _ -> s.NormQdScore),
            objMax,
            s.ObjMean,
            elapsedSeconds
        )

    /// The CQD score (Kent et al. 2022) of a run's elites, with pyribs' set-up: 5 × 1,000 target points
    /// drawn uniformly in the task's measure box from a key of the run's seed (`Key.Of seed` folded with
    /// "cqd"), 5 penalties evenly over [0, 1], objectives normalized over the task's objective range and
    /// distances over the box's diagonal. None for several objectives or an empty objective range.
    let cqd (plan: RunPlan) (task: ITask) (table: EliteTable) =
        let struct (low, high) = task.ObjectiveRange

        if table.ObjectiveCount > 1 || not (high > low) then
            None
        else
            let key = QdFunctional.Core.Random.Key.Of(plan.Config.Seed).FoldIn(0x637164u)
            Some(CqdScore.Sampled(table, key, task.MeasureLow, task.MeasureHigh, low, high))

    /// The row with the figures that rescan the state's archive (ArchiveFigures): MOME's global
    /// hypervolume, novelty search's mean novelty; unchanged for other archives.
    let archiveFigures (state: RunState) (row: MetricsRow) = ArchiveFigures.With(row, state.Archive)

    /// Runs iterations until `state.Iteration = Iterations`, calling `observe` after each.
    let fold (plan: RunPlan) (task: ITask) (observe: RunState -> unit) (state: RunState) =
        let mutable s = state

        while s.Iteration < plan.Config.Iterations do
            s <- step plan task s
            observe s

        s
