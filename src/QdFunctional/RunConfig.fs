namespace QdFunctional

open System

/// MOME's settings (Pierrot et al. 2022), used when the algorithm is "mome". The iso-line
/// crossover takes its sigmas from the run's Sigma and LineSigma, and the gradient emitter its
/// step spread from SigmaG.
type MomeSettings =
    {
        /// standard, biased, gradient, hybrid (standard + biased), hybrid-gradient (standard +
        /// gradient) or mega-hybrid (20% gradient, 80% a hybrid of 20% biased and 80% standard).
        Emitter: string
        /// P: the most solutions one cell's Pareto front holds.
        ParetoLength: int
        /// Share of a mixing batch made by iso-line crossover; the rest is polynomial mutation.
        CrossoverShare: float
        /// η of the polynomial mutation.
        Eta: float
        /// Share of the genes one polynomial mutation changes.
        MutationProportion: float
        /// The objective (0-based) the biased and gradient emitters favour.
        Objective: int
        /// Softmax temperature of the biased emitter (over objectives rescaled to [0, 1]).
        Temperature: float
        /// Whether the biased emitter's temperature falls as coverage grows.
        DynamicTemperature: bool
        /// Gaussian noise σ added to each gradient branch.
        GradientNoise: float
    }

/// Density Descent Search's settings (Lee et al. 2024; pyribs' DensityArchive), used when the
/// algorithm is "dds". A struct, so configs without it (older files, other algorithms) read as zeros,
/// never null: "not set".
[<Struct>]
type DensitySettings =
    {
        /// The most measure vectors the reservoir-sampled buffer holds (pyribs: 10,000).
        BufferSize: int
        /// h, the Gaussian kernel's bandwidth (pyribs' sphere: 25.6, 5% of the measure range).
        Bandwidth: float
    }

/// Everything that defines a run, stored as `config.json` beside its results so that the run
/// can be repeated exactly (same config, same version, same archive). Presets are resolved
/// when the config is made, so the file always holds the concrete values used.
type RunConfig =
    {
        /// Task name (see TaskCatalog), or the name of a script's own task.
        Task: string
        /// What the task was when the run began (TaskFacts.IdentityOf: name, sizes, measure box,
        /// objective range): a resume with another task is refused. Null in configs from before
        /// it was recorded, and in a config not yet started.
        TaskIdentity: string
        /// Solution dimension.
        Dim: int
        /// "map-elites" (Gaussian) or "map-elites-line" (Iso+LineDD).
        Algorithm: string
        /// "grid:RxR", "cvt:CELLS", or "proximity:k=K,threshold=T" (novelty search's archive).
        Archive: string
        /// Iterations after the initial population.
        Iterations: int
        /// Solutions per emitter per iteration.
        Batch: int
        /// Number of emitters.
        Emitters: int
        /// Root seed of the run's key.
        Seed: uint64
        /// Gaussian sigma, or iso sigma for the line emitter.
        Sigma: float
        /// Line sigma of the Iso+LineDD emitter.
        LineSigma: float
        /// Gradient step (OG) or spread of the gradient coefficients (OMG).
        SigmaG: float
        /// Whether gradient emitters divide each gradient by its norm.
        NormalizeGradients: bool
        /// Where Jacobians come from: "analytic" (hand-derived, the default), "engine" (reverse mode)
        /// or "es" (estimated from the task's values alone, as for a black-box task).
        Gradients: string
        /// Precision of the differentiable engine when Gradients = "engine": "float64" (default) or
        /// "float32". Configs written before this field existed read it as null, taken as "float64".
        Dtype: string
        /// Where the run computes: "cpu" (the default), "ilgpu-cpu" (ILGPU's CPU accelerator) or
        /// "cuda" (an NVIDIA GPU). Runs the device loop takes (RunConfig.iteratesOnDevice) do whole
        /// iterations there; otherwise the device runs the engine's kernels (Gradients = "engine").
        /// Configs written before this field existed read it as null, taken as "cpu".
        Device: string
        /// Mirrored probe pairs per point when gradients are estimated.
        EsPairs: int
        /// Spread of the probes when gradients are estimated.
        EsSigma: float
        /// CMA-ME's ranker: "imp" (two-stage improvement), "rd" (random direction) or "obj" (objective).
        Ranker: string
        /// Restart rule of evolution-strategy emitters: "no-improvement", "basic" or a number of iterations.
        Restart: string
        /// Evolution strategy of CMA-ME: "cma-es" (full covariance) or "sep-cma-es" (diagonal).
        Strategy: string
        /// Step size of CMA-MEGA's search point (gradient ascent or Adam learning rate).
        StepSize: float
        /// CMA-MAE's archive learning rate α (1 is plain MAP-Elites).
        ArchiveLearningRate: float
        /// CMA-MAE's minimum threshold (the threshold of an empty cell).
        ThresholdMin: float
        /// Size of the initial population drawn from N(0, I) (0 for none).
        InitialPopulation: int
        /// Iterations between checkpoints (0: only at the end).
        CheckpointEvery: int
        /// MOME's settings (null in configs written before MOME existed; read as the defaults).
        Mome: MomeSettings
        /// Density Descent Search's buffer and bandwidth (zeros, "not set", in configs written before
        /// DDS existed and for every other algorithm).
        Density: DensitySettings
        /// "adam": the weight of each objective in the ascended sum (null: all on objective 0).
        Weights: float[]
        /// A Parquet archive file (relative to the run directory) whose solutions seed the run:
        /// they are evaluated first and start Adam's population (null: no seeds).
        Seeds: string
        /// Stop (exit code 3 from `qd`) after this many iterations without a QD-score gain; 0: never.
        Stagnation: int
        /// 0 for a first attempt; the watchdog's restart number after a stagnation, folded into
        /// every later iteration's key so the restarted run draws afresh.
        RestartSalt: int
        /// The iteration the latest restart began at: the stagnation clock starts again there.
        RestartedAt: int
        /// Evaluation noise, `solution=S,objective=O,measures=M` (NoiseSpec; "none" or null: none).
        Noise: string
        /// Evaluations per solution, aggregated by `Aggregate` (0 or 1: one; QDax's sampling).
        Samples: int
        /// "mean" or "median" over the samples (null: mean).
        Aggregate: string
        /// The version of the random streams the run draws (Key.StreamVersion; 2: ziggurat normals).
        /// 0 in configs written before it was recorded, which drew stream 1 (Box-Muller normals): a
        /// checkpoint of such a run is not resumed.
        Stream: int
        /// QdFunctional version that wrote the config.
        Version: string
    }

/// MOME's defaults: QDax's MOME example (P = 50, η = 1, 60% of genes mutated) with half of
/// each batch by crossover, and the biased emitter at temperature 0.25 on objective 0.
[<RequireQualifiedAccess>]
module MomeSettings =
    let defaults =
        {
            Emitter = "standard"
            ParetoLength = 50
            CrossoverShare = 0.5
            Eta = 1.0
            MutationProportion = 0.6
            Objective = 0
            Temperature = 0.25
            DynamicTemperature = false
            GradientNoise = 0.0
        }
