namespace QdFunctional

open System
open QdFunctional.Core.Archives
open QdFunctional.Core.Tasks

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
        /// "grid:RxR" or "cvt:CELLS".
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
        ]

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
        | other -> invalidArg "algorithm" $"Unknown algorithm '{other}'; known: {knownAlgorithms}."

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

        let measures = if c.Task = "quadruped" then 4 else 2

        match c.Archive with
        | GridSpec dims when dims.Length <> measures ->
            fail "archive" $"Task {c.Task} has {measures} measures; '{c.Archive}' has {dims.Length}."
        | _ -> ()

        c
