namespace QdFunctional.Algorithms

open System
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Emitters
open QdFunctional.Core.Tasks

/// Novelty search (Lehman and Stanley 2011) with Gaussian mutation over a proximity archive,
/// told no objective, and novelty search with local competition (NSLC), which keeps the
/// objective for competition among neighbours. k = 15 (Lehman and Stanley's maze experiments)
/// and a threshold of 5% of the measure box's root-mean-square side; σ 0.2 on the maze.
[<RequireQualifiedAccess>]
module Novelty =
    /// Novelty alone.
    let noveltySearch = "novelty-search"

    /// Novelty with local competition.
    let nslc = "nslc"

    let private preset (task: TaskFacts) (_: string) (config: RunConfig) =
        let measures = TaskCatalog.Create(task.Name, max 2 (config.Dim + config.Dim % 2))

        let side =
            Seq.zip measures.MeasureLow measures.MeasureHigh
            |> Seq.averageBy (fun (lo, hi) -> (hi - lo) * (hi - lo))
            |> sqrt

        { Recipe.baseline config with
            Sigma = (if task.Name = "maze" then 0.2 else Recipe.isoSigma task)
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

    let private emitter (plan: RunPlan) (task: ITask) (x0: float[]) : IEmitter =
        let c = plan.Config
        Emitter.gaussianWithin (Task.solutionBounds task) c.Sigma c.Batch x0

    let private archives (plan: RunPlan) (task: ITask) : IArchive * IArchive option =
        match plan.Archive with
        | Proximity spec ->
            let options = ProximitySpec.options spec (plan.Algorithm = nslc)
            Archive.proximityWith options task.SolutionDim (Task.measureBounds task), None
        | _ -> invalidArg "archive" $"{plan.Algorithm} searches with a proximity archive."

    let private check (plan: RunPlan) =
        match plan.Archive with
        | Proximity _ -> []
        | _ ->
            [
                $"{plan.Algorithm} searches with a proximity archive (proximity:k=K,threshold=T), got '{plan.Config.Archive}'."
            ]

    let recipe =
        {
            Family = "Novelty search"
            Algorithms =
                [
                    {
                        Name = noveltySearch
                        Summary = "Gaussian mutation over a proximity archive, told no objective"
                    }
                    {
                        Name = nslc
                        Summary = "novelty search with local competition"
                    }
                ]
            Preset = preset
            Emitter = emitter
            Archives = Some archives
            SeveralObjectives = false
            TellsObjectives = fun algorithm -> algorithm <> noveltySearch
            DeviceOperators = []
            DeviceNeedsAnalyticGradients = false
            Check = check
        }
