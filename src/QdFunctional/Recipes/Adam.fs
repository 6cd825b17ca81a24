namespace QdFunctional.Algorithms

open System
open QdFunctional
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Scheduling
open QdFunctional.Core.Tasks

/// A population of points climbing a weighted sum of the objectives by Adam: the combined
/// pipeline's single-objective runs (32 points, step 0.01, over a 128-cell CVT).
[<RequireQualifiedAccess>]
module Adam =
    /// Adam on a population.
    let adam = "adam"

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

    /// The objective weights (all on objective 0 unless given).
    let weights (config: RunConfig) (task: ITask) =
        if isNull config.Weights then
            Array.init task.ObjectiveCount (fun j -> if j = 0 then 1.0 else 0.0)
        elif config.Weights.Length <> task.ObjectiveCount then
            invalidArg
                "weights"
                $"{config.Weights.Length} objective weights given; task '{task.Name}' has {task.ObjectiveCount} objectives."
        else
            config.Weights

    let private preset (_: TaskFacts) (_: string) (config: RunConfig) =
        { Recipe.baseline config with
            Batch = 32
            StepSize = 0.01
            InitialPopulation = 0
            Archive = "cvt:128"
        }

    /// Seeds first, then uniform draws in the task's box (N(0, I) without one).
    let private emitter (plan: RunPlan) (task: ITask) (_: float[]) : IEmitter =
        let config = plan.Config
        let seeded = seeds config task
        let n = config.Batch
        let d = task.SolutionDim
        let start: float[] = Array.zeroCreate (n * d)
        let taken = min n seeded.Count
        seeded.Values.Slice(0, taken * d).CopyTo(Span<float>(start))
        let rest = Span<float>(start, taken * d, (n - taken) * d)
        let key = RunKeys(config.Seed).PopulationStart

        match task with
        | :? IMultiObjectiveTask as mo ->
            key.Uniform(rest, ReadOnlySpan<float>(mo.SolutionLower), ReadOnlySpan<float>(mo.SolutionUpper))
            |> ignore

            let bounds =
                List.zip (List.ofArray mo.SolutionLower) (List.ofArray mo.SolutionUpper)

            Emitter.adamPopulationIn
                bounds
                config.StepSize
                (List.ofArray (weights config task))
                (SolutionBatch(n, d, start))
        | _ ->
            key.Normal(rest)
            Emitter.adamPopulation config.StepSize (List.ofArray (weights config task)) (SolutionBatch(n, d, start))

    let recipe =
        {
            Family = "Adam"
            Algorithms =
                [
                    {
                        Name = adam
                        Summary = "gradient ascent of a population on weighted objectives (the pipeline's runs)"
                    }
                ]
            Preset = preset
            Emitter = emitter
            Archives = None
            SeveralObjectives = true
            TellsObjectives = Recipe.always
            DeviceOperators = []
            DeviceNeedsAnalyticGradients = false
            Check = Recipe.noChecks
            Pool = None
        }
