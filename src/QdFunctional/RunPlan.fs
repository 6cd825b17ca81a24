namespace QdFunctional

open System
open QdFunctional.Core.Tasks

/// The one reading of a RunConfig: every string choice parsed, every field checked, every error
/// reported at once.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module RunPlan =
    /// The names `Device` takes.
    let devices = [ "cpu", Cpu; "ilgpu-cpu", IlgpuCpu; "cuda", Cuda ]

    /// The device's name as the config and `--device` spell it.
    let deviceName (d: DeviceKind) =
        devices |> List.find (fun (_, k) -> k = d) |> fst

    let private tryParseArchive (spec: string) : Result<ArchiveSpec, string> =
        let bad () =
            Error
                $"Archive '{spec}' is not 'grid:RxR...', 'cvt:CELLS', 'sliding:RxR[,remap=N][,buffer=N]', 'dns:capacity=N,k=K', 'categorical:A1xA2...' or 'proximity:k=K,threshold=T'."

        let parsed =
            try
                ProximitySpec.tryParse spec
                |> Option.map Proximity
                |> Option.orElseWith (fun () -> ArchiveSpecs.tryParseSliding spec |> Option.map Sliding)
                |> Option.orElseWith (fun () -> ArchiveSpecs.tryParseDns spec |> Option.map Dns)
                |> Option.orElseWith (fun () -> ArchiveSpecs.tryParseCategorical spec |> Option.map Categorical)
                |> Ok
            with :? ArgumentException as e ->
                Error e.Message

        match parsed with
        | Error e -> Error e
        | Ok(Some p) -> Ok p
        | Ok None when isNull spec -> bad ()
        | Ok None ->
            match spec.Split(':', 2) with
            | [| "grid"; dims |] ->
                match dims.Split('x') |> Array.map Int32.TryParse with
                | ps when ps.Length > 0 && ps |> Array.forall (fun (ok, v) -> ok && v > 0) -> Ok(Grid(Array.map snd ps))
                | _ -> bad ()
            | [| "cvt"; cells |] ->
                match Int32.TryParse cells with
                | true, c when c > 0 -> Ok(Cvt c)
                | _ -> bad ()
            | _ -> bad ()

    let private choice (what: string) (known: (string * 'T) list) (value: string) : Result<'T, string> =
        match List.tryFind (fun (n, _) -> n = value) known with
        | Some(_, v) -> Ok v
        | None -> Error $"""{what} must be one of {known |> List.map fst |> String.concat ", "}, got '{value}'."""

    let private restartOf (value: string) =
        match value with
        | "no-improvement" -> Ok NoImprovement
        | "basic" -> Ok StopConditions
        | n when fst (Int32.TryParse n) && int n > 0 -> Ok(EveryIterations(int n))
        | other -> Error $"restart must be no-improvement, basic or a positive number of iterations, got '{other}'."

    /// The plan of a config, or every error it has (each a sentence naming its field). `custom`
    /// gives the facts of a script's own task (TaskFacts.Of); None looks the task up by name.
    let tryParseFor (custom: TaskFacts option) (config: RunConfig) : Result<RunPlan, string list> =
        // Fields older config files lack.
        let c =
            { config with
                Dtype = (if isNull config.Dtype then "float64" else config.Dtype)
                Device = (if isNull config.Device then "cpu" else config.Device)
                Mome =
                    (if obj.ReferenceEquals(config.Mome, null) then
                         MomeSettings.defaults
                     else
                         config.Mome)
            }

        let errors = ResizeArray<string>()

        let get (r: Result<'T, string>) (fallback: 'T) =
            match r with
            | Ok v -> v
            | Error e ->
                errors.Add e
                fallback

        let check condition (message: string) =
            if not condition then
                errors.Add message

        let finite x = Double.IsFinite x

        let task =
            match custom with
            | Some facts -> facts
            | None when not (List.contains c.Task (Tasks.names ())) && not (isNull c.TaskIdentity) ->
                errors.Add
                    $"task '{c.Task}' is not built in: the run was made by a script's own task; resume it from that script (RunDirectory.resumeTask)."

                TaskCatalog.Facts "lp-sphere"
            | None ->
                get
                    (try
                        Ok(Tasks.facts c.Task)
                     with :? ArgumentException as e ->
                         Error e.Message)
                    (TaskCatalog.Facts "lp-sphere")

        let recipe =
            get
                (try
                    Ok(Recipes.find c.Algorithm)
                 with :? ArgumentException as e ->
                     Error e.Message)
                Recipes.all.Head

        if task.FixedDim.HasValue && c.Dim <> task.FixedDim.Value then
            errors.Add $"{c.Task}'s genome has {task.FixedDim.Value} numbers, got dim {c.Dim}."

        check (c.Dim >= 2) $"dim must be at least 2, got {c.Dim}."
        check (c.Iterations >= 0) $"iterations must be 0 or more, got {c.Iterations}."
        check (c.Batch >= 1) $"batch must be at least 1, got {c.Batch}."
        check (c.Emitters >= 1) $"emitters must be at least 1, got {c.Emitters}."
        check (c.Sigma >= 0.0 && finite c.Sigma) $"sigma must be finite and non-negative, got {c.Sigma}."

        check
            (c.LineSigma >= 0.0 && finite c.LineSigma)
            $"line sigma must be finite and non-negative, got {c.LineSigma}."

        check (c.SigmaG >= 0.0 && finite c.SigmaG) $"sigma_g must be finite and non-negative, got {c.SigmaG}."

        let dtype =
            get
                (choice
                    "dtype"
                    [
                        "float64", QdFunctional.Diff.Dtype.Float64
                        "float32", QdFunctional.Diff.Dtype.Float32
                    ]
                    c.Dtype)
                QdFunctional.Diff.Dtype.Float64

        let gradients =
            match c.Gradients with
            | "analytic" -> Analytic
            | "engine" -> Engine dtype
            | "es" ->
                check
                    (c.EsPairs >= 1 && c.EsSigma > 0.0 && finite c.EsSigma)
                    $"gradient estimation needs at least one probe pair and a positive sigma, got {c.EsPairs} and {c.EsSigma}."

                Estimated(c.EsPairs, c.EsSigma)
            | other ->
                errors.Add $"gradients must be 'analytic', 'engine' or 'es', got '{other}'."
                Analytic

        check
            (dtype = QdFunctional.Diff.Dtype.Float64 || c.Gradients = "engine")
            "dtype float32 is the differentiable engine's precision; it needs gradients 'engine'."

        let device = get (choice "device" devices c.Device) Cpu

        let rankerPool = get (RankerKind.tryParsePool c.Ranker) [ TwoStageImprovement, 0 ]
        let ranker = fst rankerPool.Head

        let rankerPool =
            match rankerPool with
            | [ _, 0 ] -> []
            | pool -> pool

        check
            (rankerPool.IsEmpty
             || recipe.Pool.IsSome
             || List.sumBy snd rankerPool = c.Emitters)
            $"ranker pool '{c.Ranker}' names {List.sumBy snd rankerPool} emitters, but the run has {c.Emitters} (--emitters)."

        let restart = get (restartOf c.Restart) NoImprovement

        check
            (ranker <> DensityRanking || c.Algorithm = Algorithms.Dds.dds)
            "ranker 'density' reads the density a density archive reports: use --algorithm dds."

        let strategy =
            get (choice "strategy" [ "cma-es", FullCovariance; "sep-cma-es", Separable ] c.Strategy) FullCovariance

        check (c.StepSize > 0.0 && finite c.StepSize) $"step size must be positive and finite, got {c.StepSize}."

        check
            (c.ArchiveLearningRate > 0.0 && c.ArchiveLearningRate <= 1.0)
            $"archive learning rate must be in (0, 1], got {c.ArchiveLearningRate}."

        check
            (c.ArchiveLearningRate >= 1.0 || finite c.ThresholdMin)
            $"an archive learning rate below 1 needs a finite minimum threshold, got {c.ThresholdMin}."

        check (c.InitialPopulation >= 0) $"initial population must be 0 or more, got {c.InitialPopulation}."
        check (c.CheckpointEvery >= 0) $"checkpoint interval must be 0 or more, got {c.CheckpointEvery}."
        check (c.Stagnation >= 0) $"stagnation must be 0 (off) or a number of iterations, got {c.Stagnation}."

        check
            (isNull c.Weights || (c.Weights.Length > 0 && c.Weights |> Array.forall finite))
            "objective weights must be finite, one per objective."

        check
            (recipe.SeveralObjectives || not task.MultiObjective)
            $"task '{c.Task}' has several objectives: run it with --algorithm mome."

        let momeEmitter =
            match List.tryFind (fun (n, _) -> n = c.Mome.Emitter) Algorithms.Mome.emitters with
            | Some(_, kind) -> kind
            | None ->
                if c.Algorithm = Algorithms.Mome.mome then
                    errors.Add
                        $"""MOME emitter must be one of {Algorithms.Mome.emitters |> List.map fst |> String.concat ", "}, got '{c.Mome.Emitter}'."""

                Standard

        let archive = get (tryParseArchive c.Archive) (Grid [| 1; 1 |])

        let noise =
            get
                (try
                    Ok(NoiseSpec.Parse c.Noise)
                 with :? ArgumentException as e ->
                     Error e.Message)
                NoiseSpec.None

        let aggregate =
            get
                (choice
                    "aggregate"
                    [ "mean", SampleAggregate.Mean; "median", SampleAggregate.Median ]
                    (if isNull c.Aggregate then "mean" else c.Aggregate))
                SampleAggregate.Mean

        if c.Samples < 0 then
            errors.Add $"samples must be 1 or more (evaluations per solution), got {c.Samples}."


        match archive with
        | Proximity _ when recipe.Archives.IsNone ->
            errors.Add
                $"""A proximity archive is novelty search's: use --algorithm {String.concat " or " (Recipe.names Algorithms.Novelty.recipe)} with '{c.Archive}'."""
        | Grid dims when dims.Length <> task.MeasureDim ->
            errors.Add $"Task {c.Task} has {task.MeasureDim} measures; '{c.Archive}' has {dims.Length}."
        | Sliding s when s.Resolution.Length <> task.MeasureDim ->
            errors.Add $"Task {c.Task} has {task.MeasureDim} measures; '{c.Archive}' has {s.Resolution.Length}."
        | Categorical s when s.Axes.Length <> task.MeasureDim ->
            errors.Add $"Task {c.Task} has {task.MeasureDim} measures; '{c.Archive}' has {s.Axes.Length}."
        | Sliding _
        | Dns _ when task.MultiObjective ->
            errors.Add
                $"Task {c.Task} has several objectives: MOME keeps a Pareto front per cell of a grid, cvt or categorical archive, not '{c.Archive}'."
        | Sliding _
        | Dns _ when c.ArchiveLearningRate < 1.0 ->
            errors.Add
                $"An archive learning rate below 1 (CMA-MAE) anneals the thresholds of a grid, cvt or categorical archive, not '{c.Archive}'."
        | _ -> ()

        let plan =
            {
                Config = c
                Recipe = recipe
                Task = task
                Archive = archive
                Gradients = gradients
                Device = device
                Ranker = ranker
                RankerPool = rankerPool
                Restart = restart
                Strategy = strategy
                MomeEmitter = momeEmitter
                Noise = noise
                Samples = max 1 c.Samples
                Aggregate = aggregate
                OnDevice = None
            }

        errors.AddRange(recipe.Check plan)

        // Whole iterations on the device: a task the kernels know, a 2-D grid, plain insertion,
        // and an algorithm whose recipe has a device operator.
        let deviceTasks =
            Extensions.device () |> Option.map _.Tasks |> Option.defaultValue []

        let onDevice =
            match archive with
            | Grid dims when
                device <> Cpu
                && dims.Length = 2
                && c.ArchiveLearningRate = 1.0
                && List.contains c.Task deviceTasks
                ->
                Recipe.deviceOperator plan
            | _ -> None

        if device <> Cpu && c.Gradients <> "engine" && (Extensions.device ()).IsNone then
            errors.Add
                $"device {c.Device} runs whole iterations through the QdFunctional.Devices package, which this process has not registered (`Devices.register ()`)."
        elif device <> Cpu && onDevice.IsNone && c.Gradients <> "engine" then
            let runs = Recipes.all |> List.collect (fun r -> r.DeviceOperators |> List.map fst)

            errors.Add
                $"""device {c.Device} runs whole iterations of {String.concat ", " runs} (the gradient operators with analytic gradients) on {String.concat ", " deviceTasks} (2-D grid), or the engine's kernels (gradients 'engine'); {c.Algorithm} on {c.Task} with gradients '{c.Gradients}' has nothing for it."""

        if errors.Count = 0 then
            Ok { plan with OnDevice = onDevice }
        else
            Error(List.ofSeq errors)

    /// The plan of a config whose task is built in, or every error it has.
    let tryParse (config: RunConfig) = tryParseFor None config

    /// The plan of a config (see `tryParseFor`); ArgumentException with every error, one per line, otherwise.
    let parseFor (custom: TaskFacts option) (config: RunConfig) =
        match tryParseFor custom config with
        | Ok plan -> plan
        | Error errors -> invalidArg "config" (String.concat Environment.NewLine errors)

    /// The plan of a config whose task is built in; ArgumentException with every error otherwise.
    let parse (config: RunConfig) =
        match tryParse config with
        | Ok plan -> plan
        | Error errors -> invalidArg "config" (String.concat Environment.NewLine errors)
