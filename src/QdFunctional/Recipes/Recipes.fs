namespace QdFunctional

open QdFunctional.Core.Tasks
open QdFunctional.Algorithms

/// Every task by name: the core's benchmarks and those of the registered extensions (Extensions), with the facts a plan needs.
[<RequireQualifiedAccess>]
module Tasks =
    /// Every name `--task` accepts (the registered extensions' included).
    let names () = Extensions.taskNames ()

    /// The facts of a task (ArgumentException naming the known tasks for an unknown one).
    let facts (name: string) = Extensions.facts name

/// Every algorithm family's recipe, and the one place presets are applied.
[<RequireQualifiedAccess>]
module Recipes =
    /// The recipes, in the order `qd run --help` lists them.
    let all =
        [
            MapElites.recipe
            GradientOperators.recipe
            CmaMe.recipe
            MultiEmitter.recipe
            CmaMega.recipe
            Mome.recipe
            Adam.recipe
            Novelty.recipe
            Dds.recipe
            Dms.recipe
        ]

    /// Every name `--algorithm` accepts.
    let algorithms = all |> List.collect Recipe.names

    /// The recipe of an algorithm, if it is known.
    let tryFind (algorithm: string) =
        all |> List.tryFind (fun r -> List.contains algorithm (Recipe.names r))

    /// The recipe of an algorithm (ArgumentException naming the known ones otherwise).
    let find (algorithm: string) =
        match tryFind algorithm with
        | Some r -> r
        | None -> invalidArg "algorithm" $"""Unknown algorithm '{algorithm}'; known: {String.concat ", " algorithms}."""

    /// The algorithm a task runs unless one is given: Gaussian MAP-Elites on a robot (the CPG
    /// tutorial's), MAP-Elites (line) elsewhere.
    let defaultAlgorithm (task: TaskFacts) =
        if task.Robot then MapElites.gaussian else MapElites.line

    /// A robot run's settings on top of its algorithm's: 100 iterations, a checkpoint every 10,
    /// 128 episodes per MAP-Elites iteration and a 128-episode initial population (the CPG
    /// tutorial's), the genome's size and the task's archive.
    let private robotPreset (task: TaskFacts) (algorithm: string) (config: RunConfig) =
        let mapElites = List.contains algorithm (Recipe.names MapElites.recipe)

        { config with
            Iterations = 100
            CheckpointEvery = 10
            InitialPopulation = (if config.InitialPopulation > 0 then 128 else 0)
            Batch = (if mapElites then 128 else config.Batch)
            Dim = task.DefaultDim
            Archive = task.Archive
        }

    /// The literature's settings for an algorithm on a task, over `config` (whose `Dim` is set
    /// first: some steps depend on it), with the task and algorithm named in it. A robot's genome lives in a unit-sized box like the arm's
    /// angles, so its algorithm settings are the arm's, with the robot's own on top.
    let presetFor (facts: TaskFacts) (algorithm: string) (config: RunConfig) =
        let recipe = find algorithm
        // The preset names what it is for, so a config cannot carry one algorithm's settings under another's name.
        let config =
            { config with
                Task = facts.Name
                Algorithm = algorithm
            }

        if facts.Robot then
            recipe.Preset (TaskCatalog.Facts "arm") algorithm config
            |> robotPreset facts algorithm
        else
            recipe.Preset facts algorithm config

    /// The literature's settings for an algorithm on a built-in task (see `presetFor`; a script's
    /// own task takes `presetFor (TaskFacts.Of task)`).
    let preset (task: string) (algorithm: string) (config: RunConfig) =
        presetFor (Tasks.facts task) algorithm config

    /// The algorithm table of `qd run --help` and the README: name, family, summary.
    let table =
        [
            for r in all do
                for a in r.Algorithms -> a.Name, r.Family, a.Summary
        ]
