namespace QdFunctional

open System
open QdFunctional.Core.Archives
open QdFunctional.Core.Tasks

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

/// Everything that defines a run, stored as `config.json` beside its results so that the run
/// can be repeated exactly (same config, same version, same archive). Presets are resolved
/// when the config is made, so the file always holds the concrete values used.
type RunConfig =
    {
        /// Task name (see TaskCatalog).
        Task: string
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
        /// QdFunctional version that wrote the config.
        Version: string
    }

/// Making and checking run configurations.
[<RequireQualifiedAccess>]
module RunConfig =
    /// Algorithms `qd run --algorithm` accepts.
    let algorithms =
        [
            "map-elites"
            "map-elites-line"
            "og-map-elites"
            "omg-mega"
            "cma-me"
            "cma-mega"
            "cma-mega-adam"
            "cma-mae"
            "cma-maega"
            "mome"
            "adam"
            "novelty-search"
            "nslc"
        ]

    /// MOME emitters `--mome-emitter` accepts.
    let momeEmitters =
        [ "standard"; "biased"; "gradient"; "hybrid"; "hybrid-gradient"; "mega-hybrid" ]

    /// MOME's defaults: QDax's MOME example (P = 50, η = 1, 60% of genes mutated) with half of
    /// each batch by crossover, and the biased emitter at temperature 0.25 on objective 0.
    let momeDefaults =
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

    /// The config's MOME settings (the defaults when an older config has none).
    let mome (config: RunConfig) =
        if obj.ReferenceEquals(config.Mome, null) then
            momeDefaults
        else
            config.Mome


    let private knownAlgorithms = String.concat ", " algorithms

    /// Every task name `--task` accepts: the core's benchmarks and the robot tasks.
    let taskNames =
        List.ofSeq TaskCatalog.Names
        @ List.ofSeq QdFunctional.Physics.PhysicsCatalog.Names

    let private knownTasks = String.concat ", " taskNames

    /// The library version, written into every config.
    let version =
        let v = typeof<RunConfig>.Assembly.GetName().Version

        if isNull v then
            "0.0.0"
        else
            $"{v.Major}.{v.Minor}.{v.Build}"

    /// The literature's settings for a task and algorithm (Fontaine and Nikolaidis 2021, the DQD
    /// paper's experiments): σ = 0.5 on the LP tasks and 0.1 on the arm; the line emitter adds
    /// σ_line = 0.2; OG-MAP-Elites steps σ_g = 0.5 (LP) or 100 (arm) along raw objective gradients;
    /// OMG-MEGA uses σ0 = 0 and σ_g = 10 (LP) or 1 (arm) with normalized gradients. The gradient
    /// algorithms split the paper's 36 evaluations per iteration into 18 gradient points and 18 branches.
    /// Set `Dim` before calling: OG-MAP-Elites' step depends on it.
    let rec private algorithmPreset (task: string) (algorithm: string) (config: RunConfig) =
        let arm = task = "arm"
        let iso = if arm then 0.1 else 0.5

        let config =
            { config with
                ArchiveLearningRate = 1.0
                ThresholdMin = Double.NegativeInfinity
                Restart = "no-improvement"
            }

        match algorithm with
        | "map-elites" ->
            { config with
                Sigma = iso
                LineSigma = 0.0
                SigmaG = 0.0
                NormalizeGradients = false
                Batch = 36
            }
        | "map-elites-line" ->
            { config with
                Sigma = iso
                LineSigma = 0.2
                SigmaG = 0.0
                NormalizeGradients = false
                Batch = 36
            }
        | "og-map-elites" ->
            // The paper's σ_g (100 on the arm, 0.5 on LP) multiplies the raw function's gradient
            // (of -Var θ, of Σ(x - 2.048)²); ours is the gradient of the objective normalized to
            // [0, 100], so the same step needs σ_g divided by that normalization's slope.
            let slope =
                match task with
                | "arm" -> 100.0
                | "lp-sphere" ->
                    100.0
                    / LinearProjection(LinearProjection.Function.Sphere, max 2 config.Dim).WorstRaw
                | "lp-rastrigin" ->
                    100.0
                    / LinearProjection(LinearProjection.Function.Rastrigin, max 2 config.Dim).WorstRaw
                | _ -> 1.0

            { config with
                Sigma = iso
                LineSigma = 0.0
                SigmaG = (if arm then 100.0 else 0.5) / slope
                NormalizeGradients = false
                Batch = 18
            }
        | "omg-mega" ->
            { config with
                Sigma = 0.0
                LineSigma = 0.0
                SigmaG = (if arm then 1.0 else 10.0)
                NormalizeGradients = true
                Batch = 18
            }
        | "cma-me" ->
            { config with
                Sigma = iso
                LineSigma = 0.0
                SigmaG = 0.0
                NormalizeGradients = false
                Batch = 36
                InitialPopulation = 0
            }
        | "cma-mega" ->
            { config with
                Sigma = 0.0
                LineSigma = 0.0
                SigmaG = (if arm then 0.05 else 10.0)
                NormalizeGradients = true
                StepSize = 1.0
                Batch = 35
                InitialPopulation = 0
            }
        | "cma-mega-adam" ->
            { algorithmPreset task "cma-mega" config with
                StepSize = 0.002
            }
        // CMA-MAE and CMA-MAEGA (Fontaine and Nikolaidis 2023): archive learning rate 0.01 over
        // a minimum threshold of 0 (the objectives' floor), restarts on stop conditions only.
        | "cma-mae" ->
            { algorithmPreset task "cma-me" config with
                ArchiveLearningRate = 0.01
                ThresholdMin = 0.0
                Restart = "basic"
            }
        | "cma-maega" ->
            { algorithmPreset task "cma-mega" config with
                ArchiveLearningRate = 0.01
                ThresholdMin = 0.0
                Restart = "basic"
            }
        // MOME (Pierrot et al. 2022; QDax's example): 100 children per iteration over 128 CVT
        // cells, the first batch uniform in the task's bounds, iso σ 0.01 and line σ 0.2 for the
        // crossover, and normalized gradient steps with σ_g = 1 for the gradient emitter.
        | "mome" ->
            { config with
                Sigma = 0.01
                LineSigma = 0.2
                SigmaG = 1.0
                NormalizeGradients = true
                Batch = 100
                InitialPopulation = 0
                Archive = "cvt:128"
            }
        // The pipeline's single-objective runs: 32 points climbing by Adam with step 0.01.
        | "adam" ->
            { config with
                Batch = 32
                StepSize = 0.01
                InitialPopulation = 0
                Archive = "cvt:128"
            }
        // Novelty search (Lehman and Stanley 2011) with Gaussian mutation over a proximity archive:
        // k = 15 (as in Lehman and Stanley's maze experiments) and a threshold of 5% of the measure
        // box's root-mean-square side (0.05 on the maze's unit square); on the maze (commands
        // clamped to [-1, 1]) sigma 0.2.
        // NSLC keeps the objective for local competition.
        | "novelty-search"
        | "nslc" ->
            let measures = TaskCatalog.Create(task, max 2 (config.Dim + config.Dim % 2))

            let side =
                Seq.zip measures.MeasureLow measures.MeasureHigh
                |> Seq.averageBy (fun (lo, hi) -> (hi - lo) * (hi - lo))
                |> sqrt

            { config with
                Sigma = (if task = "maze" then 0.2 else iso)
                LineSigma = 0.0
                SigmaG = 0.0
                NormalizeGradients = false
                Batch = 36
                Archive =
                    ProximitySpec.format
                        { ProximitySpec.defaults with
                            Threshold = Math.Round(0.05 * side, 6)
                        }
            }
        | other -> invalidArg "algorithm" $"Unknown algorithm '{other}'; known: {knownAlgorithms}."

    /// The solution dimension a task gets unless one is given: 20 for the maze (10 commands), 100 for
    /// the multi-objective tasks (QDax's MOME example), else 1000 (the DQD paper's).
    let defaultDim (task: string) =
        match task with
        | "maze" -> 20
        | t when t.StartsWith "mo-" -> 100
        | _ -> 1000

    /// The names `Device` takes.
    let devices = [ "cpu"; "ilgpu-cpu"; "cuda" ]

    /// The algorithms and tasks whose whole iterations run on a device (QdFunctional.Gpu's
    /// DeviceMapElites), with a two-measure grid and plain MAP-Elites insertion. The gradient
    /// operators take the tasks' analytic Jacobians there (device kernels of the same formulas).
    let deviceAlgorithms =
        [ "map-elites"; "map-elites-line"; "og-map-elites"; "omg-mega" ]

    /// The tasks whose evaluation (and Jacobian) the device computes itself.
    let deviceTasks = [ "lp-sphere"; "lp-rastrigin"; "arm" ]

    /// True when the config's iterations run on its device rather than on the CPU.
    let iteratesOnDevice (c: RunConfig) =
        not (isNull c.Device)
        && c.Device <> "cpu"
        && List.contains c.Algorithm deviceAlgorithms
        && (c.Gradients = "analytic"
            || not (List.contains c.Algorithm [ "og-map-elites"; "omg-mega" ]))
        && List.contains c.Task deviceTasks
        && c.ArchiveLearningRate = 1.0
        && c.Archive.StartsWith "grid:"
        && c.Archive.Split('x').Length = 2

    /// True for the algorithms that search with a proximity (novelty) archive.
    let isNovelty (c: RunConfig) =
        c.Algorithm = "novelty-search" || c.Algorithm = "nslc"

    /// Settings of the robot tasks: the CPG tutorial's for the brittle star (26-number genome,
    /// 30 × 30 grid over the final position, Gaussian σ 0.1 within the genome box, 128 episodes per
    /// iteration), and a 1,024-cell CVT over the four foot-contact fractions for the quadruped.
    let private robotPreset (task: string) (algorithm: string) (config: RunConfig) =
        let mapElites = algorithm = "map-elites" || algorithm = "map-elites-line"

        let config =
            { config with
                Iterations = 100
                CheckpointEvery = 10
                InitialPopulation = (if config.InitialPopulation > 0 then 128 else 0)
                Batch = (if mapElites then 128 else config.Batch)
            }

        match task with
        | "brittle-star" ->
            { config with
                Dim = 26
                Archive = "grid:30x30"
            }
        | _ ->
            { config with
                Dim = 24
                Archive = "cvt:1024"
            }

    /// The literature's settings for a task and algorithm (see the two functions above). A robot
    /// task's genome lives in a small box, like the arm's angles, so it starts from the arm's
    /// settings (σ 0.1, the arm's gradient steps) and takes the task's own on top.
    let preset (task: string) (algorithm: string) (config: RunConfig) =
        if QdFunctional.Physics.PhysicsCatalog.Contains task then
            algorithmPreset "arm" algorithm config |> robotPreset task algorithm
        else
            algorithmPreset task algorithm config

    /// The defaults of `qd run`: MAP-Elites (line) on LP-sphere, dimension 1000, 100×100 grid.
    let defaults =
        {
            Task = "lp-sphere"
            Dim = 1000
            Algorithm = "map-elites-line"
            Archive = "grid:100x100"
            Iterations = 10000
            Batch = 36
            Emitters = 1
            Seed = 42UL
            Sigma = 0.5
            LineSigma = 0.2
            SigmaG = 0.0
            NormalizeGradients = false
            Gradients = "analytic"
            Dtype = "float64"
            Device = "cpu"
            Ranker = "imp"
            Restart = "no-improvement"
            Strategy = "cma-es"
            StepSize = 1.0
            ArchiveLearningRate = 1.0
            ThresholdMin = Double.NegativeInfinity
            EsPairs = 50
            EsSigma = 0.02
            InitialPopulation = 100
            CheckpointEvery = 1000
            Mome = momeDefaults
            Weights = null
            Seeds = null
            Stagnation = 0
            RestartSalt = 0
            RestartedAt = 0
            Version = version
        }

    /// Parses "grid:100x100" into a resolution, or "cvt:N" into a cell count.
    let (|GridSpec|CvtSpec|) (spec: string) =
        let fail () =
            invalidArg "archive" $"Archive '{spec}' is not 'grid:RxR...' or 'cvt:CELLS'."

        match spec.Split(':', 2) with
        | [| "grid"; dims |] ->
            let parts = dims.Split('x')

            match parts |> Array.map Int32.TryParse with
            | ps when ps.Length > 0 && ps |> Array.forall (fun (ok, v) -> ok && v > 0) -> GridSpec(ps |> Array.map snd)
            | _ -> fail ()
        | [| "cvt"; cells |] ->
            match Int32.TryParse cells with
            | true, c when c > 0 -> CvtSpec c
            | _ -> fail ()
        | _ -> fail ()

    /// Checks every field; returns the config or raises ArgumentException naming the field.
    let validate (c: RunConfig) =
        let fail field (msg: string) = invalidArg field msg

        if not (List.contains c.Task taskNames) then
            fail "task" $"Unknown task '{c.Task}'; known: {knownTasks}."

        match c.Task with
        | "brittle-star" when c.Dim <> 26 -> fail "dim" $"brittle-star's genome has 26 numbers, got dim {c.Dim}."
        | "quadruped" when c.Dim <> 24 -> fail "dim" $"quadruped's genome has 24 numbers, got dim {c.Dim}."
        | _ -> ()

        if not (List.contains c.Algorithm algorithms) then
            fail "algorithm" $"Unknown algorithm '{c.Algorithm}'; known: {knownAlgorithms}."

        if c.Dim < 2 then
            fail "dim" $"dim must be at least 2, got {c.Dim}."

        if c.Iterations < 0 then
            fail "iterations" $"iterations must be 0 or more, got {c.Iterations}."

        if c.Batch < 1 then
            fail "batch" $"batch must be at least 1, got {c.Batch}."

        if c.Emitters < 1 then
            fail "emitters" $"emitters must be at least 1, got {c.Emitters}."

        if not (c.Sigma >= 0.0 && Double.IsFinite c.Sigma) then
            fail "sigma" $"sigma must be finite and non-negative, got {c.Sigma}."

        if not (c.LineSigma >= 0.0 && Double.IsFinite c.LineSigma) then
            fail "line-sigma" $"line sigma must be finite and non-negative, got {c.LineSigma}."

        if not (c.SigmaG >= 0.0 && Double.IsFinite c.SigmaG) then
            fail "sigma-g" $"sigma_g must be finite and non-negative, got {c.SigmaG}."

        if not (List.contains c.Gradients [ "analytic"; "engine"; "es" ]) then
            fail "gradients" $"gradients must be 'analytic', 'engine' or 'es', got '{c.Gradients}'."

        let c =
            if isNull c.Dtype then
                { c with Dtype = "float64" } // a config from before the field existed
            else
                c

        if not (List.contains c.Dtype [ "float64"; "float32" ]) then
            fail "dtype" $"dtype must be 'float64' or 'float32', got '{c.Dtype}'."

        let c =
            if isNull c.Device then
                { c with Device = "cpu" } // a config from before the field existed
            else
                c

        if not (List.contains c.Device devices) then
            fail "device" $"""device must be one of {String.concat ", " devices}, got '{c.Device}'."""

        if c.Device <> "cpu" && not (iteratesOnDevice c) && c.Gradients <> "engine" then
            fail
                "device"
                $"""device {c.Device} runs whole iterations of {String.concat ", " deviceAlgorithms} (the last two with analytic gradients) on {String.concat ", " deviceTasks} (2-D grid), or the engine's kernels (gradients 'engine'); {c.Algorithm} on {c.Task} with gradients '{c.Gradients}' has nothing for it."""

        if c.Dtype = "float32" && c.Gradients <> "engine" then
            fail "dtype" "dtype float32 is the differentiable engine's precision; it needs gradients 'engine'."

        if
            c.Gradients = "es"
            && (c.EsPairs < 1 || not (c.EsSigma > 0.0 && Double.IsFinite c.EsSigma))
        then
            fail
                "es"
                $"gradient estimation needs at least one probe pair and a positive sigma, got {c.EsPairs} and {c.EsSigma}."

        if not (List.contains c.Ranker [ "imp"; "rd"; "obj" ]) then
            fail "ranker" $"ranker must be imp, rd or obj, got '{c.Ranker}'."

        match c.Restart with
        | "no-improvement"
        | "basic" -> ()
        | n when fst (Int32.TryParse n) && int n > 0 -> ()
        | other ->
            fail "restart" $"restart must be no-improvement, basic or a positive number of iterations, got '{other}'."

        if not (List.contains c.Strategy [ "cma-es"; "sep-cma-es" ]) then
            fail "strategy" $"strategy must be cma-es or sep-cma-es, got '{c.Strategy}'."

        if not (c.StepSize > 0.0 && Double.IsFinite c.StepSize) then
            fail "step-size" $"step size must be positive and finite, got {c.StepSize}."

        if not (c.ArchiveLearningRate > 0.0 && c.ArchiveLearningRate <= 1.0) then
            fail "learning-rate" $"archive learning rate must be in (0, 1], got {c.ArchiveLearningRate}."

        if c.ArchiveLearningRate < 1.0 && not (Double.IsFinite c.ThresholdMin) then
            fail
                "threshold-min"
                $"an archive learning rate below 1 needs a finite minimum threshold, got {c.ThresholdMin}."

        if c.InitialPopulation < 0 then
            fail "init-pop" $"initial population must be 0 or more, got {c.InitialPopulation}."

        if c.CheckpointEvery < 0 then
            fail "checkpoint-every" $"checkpoint interval must be 0 or more, got {c.CheckpointEvery}."

        let multiObjective = TaskCatalog.IsMultiObjective c.Task

        if c.Algorithm = "mome" && not multiObjective then
            fail
                "algorithm"
                $"mome needs a multi-objective task (mo-rastrigin, mo-sphere); '{c.Task}' has one objective."

        if c.Algorithm <> "mome" && c.Algorithm <> "adam" && multiObjective then
            fail "algorithm" $"task '{c.Task}' has several objectives: run it with --algorithm mome."

        if c.Stagnation < 0 then
            fail "stagnation" $"stagnation must be 0 (off) or a number of iterations, got {c.Stagnation}."

        if
            not (isNull c.Weights)
            && (c.Weights.Length = 0
                || c.Weights |> Array.exists (fun w -> not (Double.IsFinite w)))
        then
            fail "weights" "objective weights must be finite, one per objective."

        let m = mome c

        if c.Algorithm = "mome" then
            if not (List.contains m.Emitter momeEmitters) then
                fail
                    "mome-emitter"
                    $"""MOME emitter must be one of {String.concat ", " momeEmitters}, got '{m.Emitter}'."""

            if m.ParetoLength < 1 then
                fail "pareto-length" $"Pareto front length must be at least 1, got {m.ParetoLength}."

            if not (m.CrossoverShare >= 0.0 && m.CrossoverShare <= 1.0) then
                fail "crossover-share" $"crossover share must be in [0, 1], got {m.CrossoverShare}."

            if not (m.MutationProportion >= 0.0 && m.MutationProportion <= 1.0) then
                fail "mutation-proportion" $"mutation proportion must be in [0, 1], got {m.MutationProportion}."

            if not (m.Eta >= 0.0 && Double.IsFinite m.Eta) then
                fail "eta" $"eta must be finite and non-negative, got {m.Eta}."

            if m.Objective < 0 then
                fail "objective" $"objective index must be 0 or more, got {m.Objective}."

            if not (m.Temperature > 0.0 && Double.IsFinite m.Temperature) then
                fail "temperature" $"temperature must be positive and finite, got {m.Temperature}."

            if not (m.GradientNoise >= 0.0 && Double.IsFinite m.GradientNoise) then
                fail "gradient-noise" $"gradient noise must be finite and non-negative, got {m.GradientNoise}."

        let measures = if c.Task = "quadruped" then 4 else 2

        match ProximitySpec.tryParse c.Archive, c.Archive with
        | Some _, _ when not (isNovelty c) ->
            fail
                "archive"
                $"A proximity archive is novelty search's: use --algorithm novelty-search or nslc with '{c.Archive}'."
        | None, _ when isNovelty c ->
            fail
                "archive"
                $"{c.Algorithm} searches with a proximity archive (proximity:k=K,threshold=T), got '{c.Archive}'."
        | None, GridSpec dims when dims.Length <> measures ->
            fail "archive" $"Task {c.Task} has {measures} measures; '{c.Archive}' has {dims.Length}."
        | _ -> ()

        c
