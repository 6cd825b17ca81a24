namespace QdFunctional

open System
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
            TaskCatalog.CreateInEngine(config.Task, config.Dim, QdFunctional.Diff.Dtypes.Parse config.Dtype)
        else
            TaskCatalog.Create(config.Task, config.Dim)

    let private keys (config: RunConfig) =
        let struct (init, loop) = (Key.Of config.Seed).Split2()
        init, loop

    /// The key iteration `i` draws from (after a watchdog restart, salted by its number).
    let iterationKey (config: RunConfig) (i: int) =
        let key = (snd (keys config)).FoldIn i

        if config.RestartSalt = 0 then
            key
        else
            key.FoldIn(config.RestartSalt)

    /// The solutions of the config's seeds file (n × d), or none.
    let seeds (config: RunConfig) (task: ITask) =
        if isNull config.Seeds then
            SolutionBatch(0, task.SolutionDim, [||])
        else
            let table = QdFunctional.Core.Persistence.ArchiveParquet.Read config.Seeds

            if table.SolutionDim <> task.SolutionDim then
                invalidArg
                    "seeds"
                    $"seeds in {config.Seeds} have dimension {table.SolutionDim}; the task has {task.SolutionDim}."

            SolutionBatch(table.Cells.Length, task.SolutionDim, table.Solutions)

    /// The objective weights of an "adam" run (all on objective 0 unless given).
    let weights (config: RunConfig) (task: ITask) =
        if isNull config.Weights then
            Array.init task.ObjectiveCount (fun j -> if j = 0 then 1.0 else 0.0)
        elif config.Weights.Length <> task.ObjectiveCount then
            invalidArg
                "weights"
                $"{config.Weights.Length} objective weights given; task '{task.Name}' has {task.ObjectiveCount} objectives."
        else
            config.Weights

    let private tessellation (config: RunConfig) (task: ITask) : ITessellation =
        match config.Archive with
        | RunConfig.GridSpec dims -> GridTessellation(dims, task.MeasureLow, task.MeasureHigh)
        | RunConfig.CvtSpec cells ->
            let kCentroids = (fst (keys config)).FoldIn 1
            CvtTessellation.FromKMeans(cells, task.MeasureLow, task.MeasureHigh, kCentroids)

    /// Empty archives for the config: the search archive (with CMA-MAE's learning rate and minimum
    /// threshold) and, when the learning rate is below 1, a plain result archive beside it. A
    /// multi-objective task gets a MOME archive (fronts of at most P solutions, the task's
    /// reference point).
    let emptyArchives (config: RunConfig) (task: ITask) : IArchive * IArchive option =
        let cells = tessellation config task
        // Objectives below zero (robot tasks) count from the task's floor, so QD scores stay positive.
        let struct (offset, _) = task.ObjectiveRange

        let plain () =
            if offset = 0.0 then
                CellArchive.Create(task.SolutionDim, cells)
            else
                CellArchive.Create(task.SolutionDim, cells, ArchiveOptions(QdOffset = offset))

        match task with
        | :? IMultiObjectiveTask as mo ->
            let options =
                MomeOptions(ParetoFrontMaxLength = (RunConfig.mome config).ParetoLength)

            MomeArchive.Create(task.SolutionDim, task.ObjectiveCount, cells, mo.ReferencePoint, options) :> IArchive,
            None
        | _ when config.ArchiveLearningRate < 1.0 ->
            let options =
                ArchiveOptions(
                    LearningRate = config.ArchiveLearningRate,
                    ThresholdMin = config.ThresholdMin,
                    QdOffset = offset
                )

            CellArchive.Create(task.SolutionDim, cells, options), Some(plain () :> IArchive)
        | _ -> plain (), None

    /// The empty search archive and optional result archive as the scheduler takes them: a proximity
    /// archive for novelty search (local competition for NSLC), else the archives above.
    let searchArchives (config: RunConfig) (task: ITask) : IArchive * IArchive option =
        match ProximitySpec.tryParse config.Archive with
        | Some spec ->
            let options = ProximitySpec.options spec (config.Algorithm = "nslc")
            ProximityArchive.Create(task.SolutionDim, task.MeasureLow, task.MeasureHigh, options), None
        | None -> emptyArchives config task

    /// What the scheduler is told: novelty search drops the objective (diversity only, the Tell
    /// without objective); every other algorithm tells the evaluation as it is.
    let toTell (config: RunConfig) (evaluation: Evaluation) =
        if config.Algorithm = "novelty-search" then
            evaluation.WithoutObjectives()
        else
            evaluation

    /// An empty (search) archive for the config's archive spec over the task's measure bounds.
    let emptyArchive (config: RunConfig) (task: ITask) : IArchive = fst (emptyArchives config task)

    /// MOME's emitter for the config (see MomeSettings.Emitter); hybrids split the batch by the
    /// stated shares (hybrid and hybrid-gradient half and half).
    let momeEmitter (config: RunConfig) (task: IMultiObjectiveTask) : IEmitter =
        let s = RunConfig.mome config
        let d = task.SolutionDim

        if s.Objective >= task.ObjectiveCount then
            invalidArg
                "objective"
                $"objective {s.Objective} asked for; task '{task.Name}' has {task.ObjectiveCount} (0-based)."

        let bounds = EmitterBounds(task.SolutionLower, task.SolutionUpper)

        let mixing (selection: ParentSelection) n =
            MixingEmitter(
                d,
                n,
                bounds,
                selection,
                s.CrossoverShare,
                config.Sigma,
                config.LineSigma,
                s.Eta,
                s.MutationProportion
            )
            :> IEmitter

        let standard n = mixing ParentSelection.Uniform n

        let biased n =
            mixing (SoftmaxParents(s.Objective, s.Temperature, s.DynamicTemperature)) n

        let gradient n =
            MomeGradientEmitter(d, n, s.Objective, config.SigmaG, s.GradientNoise, config.NormalizeGradients, bounds)
            :> IEmitter

        let hybrid batch (parts: (float * (int -> IEmitter)) list) =
            HybridEmitter.FromShares(batch, [| for share, make in parts -> struct (share, Func<int, IEmitter> make) |])
            :> IEmitter

        match s.Emitter with
        | "standard" -> standard config.Batch
        | "biased" -> biased config.Batch
        | "gradient" -> gradient config.Batch
        | "hybrid" -> hybrid config.Batch [ 0.5, standard; 0.5, biased ]
        | "hybrid-gradient" -> hybrid config.Batch [ 0.5, standard; 0.5, gradient ]
        | "mega-hybrid" ->
            hybrid config.Batch [ 0.2, gradient; 0.8, (fun n -> hybrid n [ 0.2, biased; 0.8, standard ]) ]
        | other -> invalidArg "mome-emitter" $"Unknown MOME emitter '{other}'."

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
                | "map-elites"
                | "novelty-search"
                | "nslc" ->
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
                | "adam" ->
                    // Seeds first, then uniform draws in the task's box (N(0, I) without one).
                    let seeded = seeds config task
                    let n = config.Batch
                    let d = task.SolutionDim
                    let start: float[] = Array.zeroCreate (n * d)
                    let taken = min n seeded.Count
                    seeded.Values.Slice(0, taken * d).CopyTo(Span<float>(start))
                    let rest = Span<float>(start, taken * d, (n - taken) * d)
                    let kStart = (fst (keys config)).FoldIn 2

                    let bounds =
                        match task with
                        | :? IMultiObjectiveTask as mo ->
                            kStart.Uniform(
                                rest,
                                ReadOnlySpan<float>(mo.SolutionLower),
                                ReadOnlySpan<float>(mo.SolutionUpper)
                            )
                            |> ignore

                            EmitterBounds(mo.SolutionLower, mo.SolutionUpper)
                        | _ ->
                            kStart.Normal(rest)
                            null

                    AdamPopulationEmitter(SolutionBatch(n, d, start), weights config task, config.StepSize, bounds)
                | "mome" ->
                    match task with
                    | :? IMultiObjectiveTask as mo -> momeEmitter config mo
                    | _ -> invalidArg "algorithm" $"mome needs a multi-objective task; '{task.Name}' has one objective."
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
        let archive, result = searchArchives config task
        let seeded = seeds config task

        let add (a: IArchive) =
            let a =
                if seeded.Count > 0 then
                    let struct (added, _) = a.Add(seeded, toTell config (task.Evaluate seeded)) in added
                else
                    a

            if config.InitialPopulation > 0 then
                let pop = initialPopulation config task
                let struct (added, _) = a.Add(pop, toTell config (task.Evaluate pop)) in
                added
            else
                a

        let result = result |> Option.map (fun r -> add r) |> Option.toObj

        {
            Scheduler = Scheduler.Create(add archive, emitters config task, result)
            Iteration = 0
            Evaluations = int64 (config.InitialPopulation + seeded.Count)
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

        // Gradient descent on a population learns from its own points' Jacobians.
        let withJacobians =
            scheduler.Emitters |> Seq.exists (fun e -> e :? IJacobianEmitter)

        let evaluation, branchEvaluations =
            if not withJacobians then
                task.Evaluate solutions, solutions.Count
            elif config.Gradients = "es" then
                let estimator = GradientEstimator(config.EsPairs, config.EsSigma)
                estimator.Estimate(task, solutions, branchKey.FoldIn 1), solutions.Count * estimator.EvaluationsPerPoint
            else
                task.Evaluate(solutions, true), solutions.Count

        let struct (scheduler, _) = scheduler.Tell(toTell config evaluation)

        {
            Scheduler = scheduler
            Iteration = i
            Evaluations = state.Evaluations + int64 (gradientEvaluations + branchEvaluations)
        }

    /// The metrics row of a state (from the archive's incremental statistics).
    /// For MOME the QD score is the MOQD score (sum of the fronts' hypervolumes), the normalized
    /// score that sum over the cell count, ObjMax the maximum sum of objectives, and ObjMean the
    /// mean front hypervolume.
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

    /// Runs iterations until `state.Iteration = config.Iterations`, calling `observe` after each.
    let fold (config: RunConfig) (task: ITask) (observe: RunState -> unit) (state: RunState) =
        let mutable s = state

        while s.Iteration < config.Iterations do
            s <- step config task s
            observe s

        s
