namespace QdFunctional

open QdFunctional.Core.Archives
open QdFunctional.Core.Emitters
open QdFunctional.Core.Tasks

/// The archive a run searches with, parsed once from `--archive`.
type ArchiveSpec =
    /// A grid of the given number of cells along each measure.
    | Grid of resolution: int[]
    /// A centroidal Voronoi tessellation of this many cells (k-means over uniform samples).
    | Cvt of cells: int
    /// Novelty search's proximity archive.
    | Proximity of ProximitySpec
    /// A grid whose boundaries follow the solutions (Fontaine et al. 2019).
    | Sliding of SlidingSpec
    /// Dominated Novelty Search's fixed-capacity population (Bahlous-Boldi et al. 2025).
    | Dns of DnsSpec
    /// A grid of categorical and continuous measures (pyribs' CategoricalArchive).
    | Categorical of CategoricalSpec

/// Where a run's Jacobians come from.
type GradientSource =
    /// The task's hand-derived formulas.
    | Analytic
    /// Reverse mode of the differentiable engine, in the given precision.
    | Engine of QdFunctional.Diff.Dtype
    /// Estimated from values alone with mirrored probe pairs (evolution strategies).
    | Estimated of pairs: int * sigma: float

/// Where a run computes.
type DeviceKind =
    | Cpu
    /// ILGPU's CPU accelerator (runs the device code on the CPU).
    | IlgpuCpu
    /// An NVIDIA GPU.
    | Cuda

/// The variation operator a device's MAP-Elites loop runs (the QdFunctional.Devices package runs them).
type DeviceOperator =
    /// Gaussian mutation of one parent (MAP-Elites).
    | Gaussian
    /// Iso+LineDD over two parents.
    | IsoLine
    /// OG-MAP-Elites: one step along the objective gradient.
    | Og
    /// OMG-MEGA: a random combination of the objective and measure gradients.
    | Omg

/// One algorithm's name and the line `qd run --help` says of it.
type AlgorithmInfo = { Name: string; Summary: string }

/// A run's configuration parsed once: every string choice of the config file as a typed value,
/// the task's facts, and the recipe of the algorithm's family. Nothing downstream reads the
/// config's strings again.
type RunPlan =
    {
        /// The file form (`config.json`), validated, with fields older files lack filled in.
        Config: RunConfig
        Recipe: Recipe
        Task: TaskFacts
        Archive: ArchiveSpec
        Gradients: GradientSource
        Device: DeviceKind
        /// The ranker of every evolution-strategy emitter, or the first of a pool's.
        Ranker: RankerKind
        /// A mixed pool (`--ranker 2rd:7,2imp:8`): each ranker with its number of emitters, in order;
        /// empty when one ranker serves every emitter.
        RankerPool: (RankerKind * int) list
        Restart: RestartSpec
        Strategy: StrategyKind
        MomeEmitter: MomeEmitterKind
        /// Noise added to each evaluation (none unless `--noise`).
        Noise: NoiseSpec
        /// Evaluations per solution (1 unless `--samples`) and how they are combined.
        Samples: int
        Aggregate: SampleAggregate
        /// The device operator when whole iterations run on the device, else None.
        OnDevice: DeviceOperator option
    }

    /// The algorithm's name (`qd run --algorithm`).
    member p.Algorithm = p.Config.Algorithm

/// One family of algorithms (MAP-Elites, CMA-ME/MAE, the DQD family, MOME, novelty search, Adam):
/// its names, the literature's settings per task, how it makes emitters and archives, what it
/// tells the archive and what it runs on a device. Adding an algorithm is its emitter plus a
/// recipe (or a name in an existing one).
and Recipe =
    {
        /// The family, as the help table groups it.
        Family: string
        Algorithms: AlgorithmInfo list
        /// The literature's settings for an algorithm of the family on a task; `Dim` is set first.
        Preset: TaskFacts -> string -> RunConfig -> RunConfig
        /// One emitter of the plan, starting from x0.
        Emitter: RunPlan -> ITask -> float[] -> IEmitter
        /// The search archive and optional result archive, when the family does not use the cell
        /// archives every other family shares (novelty search's proximity archive).
        Archives: (RunPlan -> ITask -> IArchive * IArchive option) option
        /// True when the family takes tasks with several objectives (every other family refuses them).
        SeveralObjectives: bool
        /// False when the algorithm searches by diversity alone (the archive is told no objective).
        TellsObjectives: string -> bool
        /// The device operator that runs each algorithm's whole iterations on a device, if any.
        DeviceOperators: (string * DeviceOperator) list
        /// True when the device loop needs the tasks' analytic Jacobians (the device has no engine).
        DeviceNeedsAnalyticGradients: bool
        /// The family's own checks of a plan (errors, each a sentence).
        Check: RunPlan -> string list
        /// The run's emitters from x0 when the family builds them itself (Multi-Emitter MAP-Elites'
        /// one bandit over a pool); None: `Emitters` copies of `Emitter`, or the ranker pool's.
        Pool: (RunPlan -> ITask -> float[] -> IEmitter list) option
    }

/// Helpers every recipe uses.
[<RequireQualifiedAccess>]
module Recipe =
    /// A recipe's algorithm names.
    let names (r: Recipe) = r.Algorithms |> List.map _.Name

    /// The device operator of the plan's algorithm, when the recipe has one and the plan's
    /// gradients suit the device.
    let deviceOperator (plan: RunPlan) =
        match plan.Gradients with
        | Engine _
        | Estimated _ when plan.Recipe.DeviceNeedsAnalyticGradients -> None
        | _ ->
            plan.Recipe.DeviceOperators
            |> List.tryFind (fun (n, _) -> n = plan.Algorithm)
            |> Option.map snd

    /// Tells the objectives for every algorithm of the family.
    let always (_: string) = true

    /// No family-specific checks.
    let noChecks (_: RunPlan) : string list = []

    /// The cells a grid or CVT archive spec names over the task's measure box, for the families that
    /// build their own archive around them (DDS's density archive, DMS's discount archive).
    let gridOrCvt (algorithm: string) (plan: RunPlan) (task: ITask) : ITessellation =
        let bounds = List.zip (List.ofArray task.MeasureLow) (List.ofArray task.MeasureHigh)

        match plan.Archive with
        | Grid dims -> Cells.grid (List.ofArray dims) bounds
        | Cvt count -> Cells.cvt count bounds (RunKeys(plan.Config.Seed, plan.Config.RestartSalt).Centroids)
        | _ ->
            invalidArg "archive" $"{algorithm} keeps its elites in a grid or cvt archive, not '{plan.Config.Archive}'."

    /// The literature's mutation step: 0.1 in a unit-sized box (the arm's angles, a robot's
    /// genome), 0.5 on the LP tasks (Fontaine and Nikolaidis 2021).
    let isoSigma (task: TaskFacts) = if task.SmallBox then 0.1 else 0.5

    /// Presets start here: plain MAP-Elites insertion (archive learning rate 1) and restarts when
    /// an emitter stops improving the archive.
    let baseline (config: RunConfig) =
        { config with
            ArchiveLearningRate = 1.0
            ThresholdMin = System.Double.NegativeInfinity
            Restart = "no-improvement"
        }

    /// Solution bounds of a bounded task (a robot's genome box), for emitters to clip into.
    let bounds (task: ITask) : EmitterBounds option =
        match task with
        | :? IBoundedTask as b -> Some(EmitterBounds(b.SolutionLower, b.SolutionUpper))
        | _ -> None

    /// Fails when the task cannot give the Jacobians the algorithm needs.
    let needsGradients (plan: RunPlan) (task: ITask) =
        match plan.Gradients with
        | Estimated _ -> ()
        | _ when task.HasGradients -> ()
        | _ ->
            invalidArg
                "algorithm"
                $"{plan.Algorithm} needs gradients; task '{task.Name}' gives values only (use --gradients es)."
