namespace QdFunctional

open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Emitters.Rankers
open QdFunctional.Core.Metrics
open QdFunctional.Core.Optimizers
open QdFunctional.Core.Random
open QdFunctional.Core.Scheduling
open QdFunctional.Core.Tasks

/// The state of a run between iterations: everything that varies. The rest is the config.
type RunState =
    {
        Scheduler: Scheduler
        /// Iterations completed (0 after the initial population).
        Iteration: int
        /// Solutions evaluated so far.
        Evaluations: int64
    }

    /// The archive whose elites are the run's result (CMA-MAE's result archive, else the archive).
    member s.Archive = s.Scheduler.Results

/// A run as a fold over iterations: `state -> state`, with every random draw derived from the
/// root key (initial population from one half of it, iteration i from `FoldIn i` of the other).
[<RequireQualifiedAccess>]
module Run =
    /// The run's task.
    let task (config: RunConfig) : ITask =
        if QdFunctional.Physics.PhysicsCatalog.Contains config.Task then
            QdFunctional.Physics.PhysicsCatalog.Create config.Task
        elif config.Gradients = "engine" then
            TaskCatalog.CreateInEngine(config.Task, config.Dim)
        else
            TaskCatalog.Create(config.Task, config.Dim)

    let private keys (config: RunConfig) =
        let struct (init, loop) = (Key.Of config.Seed).Split2()
        init, loop

    /// The key iteration `i` draws from.
    let iterationKey (config: RunConfig) (i: int) = (snd (keys config)).FoldIn i

    let private tessellation (config: RunConfig) (task: ITask) : ITessellation =
        match config.Archive with
        | RunConfig.GridSpec dims -> GridTessellation(dims, task.MeasureLow, task.MeasureHigh)
        | RunConfig.CvtSpec cells ->
            let kCentroids = (fst (keys config)).FoldIn 1
            CvtTessellation.FromKMeans(cells, task.MeasureLow, task.MeasureHigh, kCentroids)

    /// Empty archives for the config: the search archive (with CMA-MAE's learning rate and minimum
    /// threshold) and, when the learning rate is below 1, a plain result archive beside it.
    let emptyArchives (config: RunConfig) (task: ITask) : CellArchive * CellArchive option =
        let cells = tessellation config task
        // Objectives below zero (robot tasks) count from the task's floor, so QD scores stay positive.
        let struct (offset, _) = task.ObjectiveRange

        let plain () =
            if offset = 0.0 then
                CellArchive.Create(task.SolutionDim, cells)
            else
                CellArchive.Create(task.SolutionDim, cells, ArchiveOptions(QdOffset = offset))

        if config.ArchiveLearningRate < 1.0 then
            let options =
                ArchiveOptions(
                    LearningRate = config.ArchiveLearningRate,
                    ThresholdMin = config.ThresholdMin,
                    QdOffset = offset
                )

            CellArchive.Create(task.SolutionDim, cells, options), Some(plain ())
        else
            plain (), None

    /// An empty (search) archive for the config's archive spec over the task's measure bounds.
    let emptyArchive (config: RunConfig) (task: ITask) : CellArchive = fst (emptyArchives config task)

    let private ranker (config: RunConfig) : IRanker =
        match config.Ranker with
        | "rd" -> RandomDirectionRanker()
        | "obj" -> ObjectiveRanker()
        | _ -> TwoStageImprovementRanker()

    let private restart (config: RunConfig) : RestartRule =
        match config.Restart with
        | "no-improvement" -> RestartRule.NoImprovement()
        | "basic" -> RestartRule.Basic()
        | n -> RestartRule.Every(int n)

    /// pyribs' CMA-ES refreshes its eigendecomposition lazily with gap factor 0.5 (pycma's);
    /// CMA-ME uses the same, which keeps dimension 1000 affordable.
    let private strategy (config: RunConfig) (x0: float[]) : IEvolutionStrategy =
        if config.Strategy = "sep-cma-es" then
            SeparableCmaEs.Create(x0, config.Sigma, config.Batch)
        else
            CmaEs.Create(x0, config.Sigma, config.Batch, EvolutionStrategyOptions(LazyGapFactor = 0.5))

    /// Solution bounds of a bounded task (a robot's genome box), for emitters to clip into.
    let bounds (task: ITask) : EmitterBounds option =
        match task with
        | :? IBoundedTask as b -> Some(EmitterBounds(b.SolutionLower, b.SolutionUpper))
        | _ -> None

    /// The config's emitters, all starting from x0 = 0 (the paper's set-up), or from the centre
    /// of a bounded task's box.
    let emitters (config: RunConfig) (task: ITask) : IEmitter list =
        let box = bounds task

        let x0 =
            match box with
            | Some b -> Array.map2 (fun l h -> 0.5 * (l + h)) b.Lower b.Upper
            | None -> Array.zeroCreate task.SolutionDim

        let needsGradients () =
            if not task.HasGradients && config.Gradients <> "es" then
                invalidArg
                    "algorithm"
                    $"{config.Algorithm} needs gradients; task '{task.Name}' gives values only (use --gradients es)."

        [
            for _ in 1 .. config.Emitters ->
                match config.Algorithm with
                | "map-elites" ->
                    GaussianEmitter(
                        task.SolutionDim,
                        config.Sigma,
                        config.Batch,
                        EmitterStart.FromPoint x0,
                        Option.toObj box
                    )
                    :> IEmitter
                | "map-elites-line" ->
                    IsoLineEmitter(
                        task.SolutionDim,
                        config.Sigma,
                        config.LineSigma,
                        config.Batch,
                        EmitterStart.FromPoint x0,
                        Option.toObj box
                    )
                | "cma-me" -> EvolutionStrategyEmitter(strategy config x0, ranker config, restart config)
                | "cma-mae" -> EvolutionStrategyEmitter(strategy config x0, ranker config, restart config, false)
                | "cma-mega"
                | "cma-mega-adam"
                | "cma-maega" ->
                    needsGradients ()

                    let optimizer: IGradientOptimizer =
                        if config.Algorithm = "cma-mega-adam" then
                            Adam(config.StepSize)
                        else
                            GradientAscent(config.StepSize)

                    GradientArborescenceEmitter(
                        x0,
                        task.MeasureDim,
                        config.SigmaG,
                        config.Batch,
                        optimizer,
                        config.NormalizeGradients,
                        false,
                        restart config,
                        ranker config
                    )
                | "og-map-elites"
                | "omg-mega" ->
                    needsGradients ()

                    GradientOperatorEmitter(
                        task.SolutionDim,
                        config.Sigma,
                        config.SigmaG,
                        (config.Algorithm = "omg-mega"),
                        config.NormalizeGradients,
                        config.Batch,
                        x0
                    )
                | other -> invalidArg "algorithm" $"Unknown algorithm '{other}'."
        ]

    /// The initial population: `InitialPopulation` solutions from N(0, I) (uniform within the box of
    /// a bounded task), drawn from the first half of the root key.
    let initialPopulation (config: RunConfig) (task: ITask) =
        let n = config.InitialPopulation
        let key = (fst (keys config)).FoldIn(0)

        match bounds task with
        | Some b -> SolutionBatch(n, task.SolutionDim, b.SampleUniform(key, n))
        | None ->
            let values: float[] = Array.zeroCreate (n * task.SolutionDim)
            key.Normal(System.Span<float>(values))
            SolutionBatch(n, task.SolutionDim, values)

    /// The state after the initial population (iteration 0).
    let init (config: RunConfig) (task: ITask) : RunState =
        let archive, result = emptyArchives config task

        let add (a: IArchive) =
            if config.InitialPopulation > 0 then
                let pop = initialPopulation config task
                let struct (added, _) = a.Add(pop, task.Evaluate pop) in
                added
            else
                a

        let result = result |> Option.map (fun r -> add r) |> Option.toObj

        {
            Scheduler = Scheduler.Create(add archive, emitters config task, result)
            Iteration = 0
            Evaluations = int64 config.InitialPopulation
        }

    /// One iteration: ask, evaluate, tell; gradient emitters first get their gradient stage
    /// (ask for points, evaluate them with Jacobians, tell), drawn from the first half of the
    /// iteration's key, the branches from the second.
    let step (config: RunConfig) (task: ITask) (state: RunState) : RunState =
        let i = state.Iteration + 1
        let key = iterationKey config i

        let scheduler, gradientEvaluations, branchKey =
            if state.Scheduler.NeedsGradients then
                let struct (kGradients, kBranches) = key.Split2()
                let struct (kPoints, kProbes) = kGradients.Split2()
                let struct (scheduler, points) = state.Scheduler.AskGradients kPoints

                let evaluation, cost =
                    if config.Gradients = "es" then
                        let estimator = GradientEstimator(config.EsPairs, config.EsSigma)
                        estimator.Estimate(task, points, kProbes), points.Count * estimator.EvaluationsPerPoint
                    else
                        task.Evaluate(points, true), points.Count

                let struct (scheduler, _) = scheduler.TellGradients evaluation
                scheduler, cost, kBranches
            else
                state.Scheduler, 0, key

        let struct (scheduler, solutions) = scheduler.Ask branchKey
        let struct (scheduler, _) = scheduler.Tell(task.Evaluate solutions)

        {
            Scheduler = scheduler
            Iteration = i
            Evaluations = state.Evaluations + int64 (gradientEvaluations + solutions.Count)
        }

    /// The metrics row of a state (from the archive's incremental statistics).
    let metrics (elapsedSeconds: float) (state: RunState) =
        let s = state.Archive.Stats

        MetricsRow(
            state.Iteration,
            state.Evaluations,
            s.NumElites,
            s.Coverage,
            s.QdScore,
            s.NormQdScore,
            s.ObjMax,
            s.ObjMean,
            elapsedSeconds
        )

    /// Runs iterations until `state.Iteration = config.Iterations`, calling `observe` after each.
    let fold (config: RunConfig) (task: ITask) (observe: RunState -> unit) (state: RunState) =
        let mutable s = state

        while s.Iteration < config.Iterations do
            s <- step config task s
            observe s

        s
