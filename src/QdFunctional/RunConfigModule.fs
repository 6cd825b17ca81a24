namespace QdFunctional

/// Making run configurations: the defaults of `qd run`, presets and the checks, each a view of
/// the recipes and of RunPlan's one reading.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module RunConfig =
    /// The library version, written into every config.
    let version =
        let v = typeof<RunPlan>.Assembly.GetName().Version

        if isNull v then
            "0.0.0"
        else
            $"{v.Major}.{v.Minor}.{v.Build}"

    /// Algorithms `qd run --algorithm` accepts.
    let algorithms = Recipes.algorithms

    /// MOME emitters `--mome-emitter` accepts.
    let momeEmitters = Algorithms.Mome.emitters |> List.map fst

    /// Every task name `--task` accepts.
    let taskNames () = Tasks.names ()

    /// The solution dimension a task gets unless one is given (see TaskFacts.DefaultDim).
    let defaultDim (task: string) = (Tasks.facts task).DefaultDim

    /// The literature's settings for a task and algorithm over `config` (see Recipes.preset).
    let preset (task: string) (algorithm: string) (config: RunConfig) = Recipes.preset task algorithm config

    /// The config with fields older files lack filled in, or ArgumentException with every error.
    let validate (config: RunConfig) = (RunPlan.parse config).Config

    /// True when the config's whole iterations run on its device rather than on the CPU.
    let iteratesOnDevice (config: RunConfig) = (RunPlan.parse config).OnDevice.IsSome

    /// The defaults of `qd run`: MAP-Elites (line) on LP-sphere, dimension 1000, 100×100 grid.
    let defaults =
        {
            Task = "lp-sphere"
            TaskIdentity = null
            Dim = 1000
            Algorithm = Algorithms.MapElites.line
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
            ThresholdMin = System.Double.NegativeInfinity
            EsPairs = 50
            EsSigma = 0.02
            InitialPopulation = 100
            CheckpointEvery = 1000
            Mome = MomeSettings.defaults
            Density = { BufferSize = 0; Bandwidth = 0.0 }
            Weights = null
            Seeds = null
            Stagnation = 0
            RestartSalt = 0
            RestartedAt = 0
            Noise = "none"
            Samples = 1
            Aggregate = "mean"
            Stream = QdFunctional.Core.Random.Key.StreamVersion
            Version = version
        }

    /// The literature's settings of `algorithm` for a script's own task over `qd run`'s defaults
    /// (see Recipes.presetFor), ready for `RunDirectory.startTask`.
    let forTask (task: QdFunctional.Core.Tasks.ITask) (algorithm: string) =
        Recipes.presetFor (QdFunctional.Core.Tasks.TaskFacts.Of task) algorithm defaults

    /// The config's MOME settings (the defaults when an older config has none).
    let mome (config: RunConfig) =
        if obj.ReferenceEquals(config.Mome, null) then
            MomeSettings.defaults
        else
            config.Mome
