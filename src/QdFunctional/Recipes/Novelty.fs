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
/// With CMA-ES instead of mutation (pyribs' sphere example): `ns-cma` ranks by novelty (μ
/// selection, restarts on stop conditions only, threshold 0.037 of the side: the DDS paper's
/// 18.944 on LP-sphere d = 100) and `nslc-cma` by NSLC's non-dominated sorting (filter selection,
/// restart on no improvement, local competition, threshold 3.7 on that box, pyribs' untuned
/// value); `--ranker 2imp` over `nslc-cma` is pyribs' nslc_cma_imp. Both keep a 100-cell-per-measure
/// grid as the result archive, which is what they are scored and saved on.
[<RequireQualifiedAccess>]
module Novelty =
    /// Novelty alone.
    let noveltySearch = "novelty-search"

    /// Novelty with local competition.
    let nslc = "nslc"

    /// Novelty search with CMA-ES emitters ranked by novelty.
    let nsCma = "ns-cma"

    /// NSLC with CMA-ES emitters ranked by non-dominated sorting over novelty and local competition.
    let nslcCma = "nslc-cma"

    let private withCmaEs (algorithm: string) =
        algorithm = nsCma || algorithm = nslcCma

    let private preset (task: TaskFacts) (algorithm: string) (config: RunConfig) =
        let measures = TaskCatalog.Create(task.Name, max 2 (config.Dim + config.Dim % 2))

        let side =
            Seq.zip measures.MeasureLow measures.MeasureHigh
            |> Seq.averageBy (fun (lo, hi) -> (hi - lo) * (hi - lo))
            |> sqrt

        if withCmaEs algorithm then
            let ns = algorithm = nsCma

            { Recipe.baseline config with
                Sigma = Recipe.isoSigma task
                LineSigma = 0.0
                SigmaG = 0.0
                NormalizeGradients = false
                Batch = 36
                Emitters = 15
                Ranker = (if ns then "nov" else "nslc")
                Restart = (if ns then "basic" else "no-improvement")
                Archive =
                    ProximitySpec.format
                        { ProximitySpec.defaults with
                            Threshold = Math.Round((if ns then 0.037 else 0.037 * 100.0 / 512.0) * side, 6)
                        }
            }
        else
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

        if withCmaEs plan.Algorithm then
            Emitter.evolutionStrategy
                { EvolutionStrategySettings.cmaMe with
                    Sigma = c.Sigma
                    Batch = c.Batch
                    Ranker = plan.Ranker
                    Restart = plan.Restart
                    Strategy = plan.Strategy
                    SelectAdded = (plan.Algorithm = nslcCma)
                }
                x0
        else
            Emitter.gaussianWithin (Task.solutionBounds task) c.Sigma c.Batch x0

    /// The cells of the CMA-ES variants' result archive along each measure (pyribs' 100 × 100).
    let resultCells = 100

    let private archives (plan: RunPlan) (task: ITask) : IArchive * IArchive option =
        match plan.Archive with
        | Proximity spec ->
            let localCompetition = plan.Algorithm = nslc || plan.Algorithm = nslcCma
            let options = ProximitySpec.options spec localCompetition

            let search =
                Archive.proximityWith options task.SolutionDim (Task.measureBounds task)

            let result =
                if withCmaEs plan.Algorithm then
                    let cells = List.replicate task.MeasureDim resultCells
                    Some(Archive.grid task.SolutionDim cells (Task.measureBounds task) :> IArchive)
                else
                    None

            search, result
        | _ -> invalidArg "archive" $"{plan.Algorithm} searches with a proximity archive."

    let private check (plan: RunPlan) =
        let archive =
            match plan.Archive with
            | Proximity _ -> []
            | _ ->
                [
                    $"{plan.Algorithm} searches with a proximity archive (proximity:k=K,threshold=T), got '{plan.Config.Archive}'."
                ]

        let rankers =
            match plan.RankerPool with
            | [] -> [ plan.Ranker ]
            | pool -> List.map fst pool

        let nslcNeedsCompetition =
            if List.contains NslcRanking rankers && plan.Algorithm <> nslcCma then
                [
                    $"ranker nslc needs local competition: run it with --algorithm {nslcCma}, not {plan.Algorithm}."
                ]
            else
                []

        let bigResult =
            if withCmaEs plan.Algorithm && plan.Task.MeasureDim > 3 then
                [
                    $"{plan.Algorithm} keeps a result grid of {resultCells} cells per measure, for up to 3 measures; task '{plan.Task.Name}' has {plan.Task.MeasureDim}."
                ]
            else
                []

        archive @ nslcNeedsCompetition @ bigResult

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
                    {
                        Name = nsCma
                        Summary =
                            "novelty search with 15 CMA-ES emitters ranked by novelty (ranker nov, mu, basic restart; pyribs' ns_cma)"
                    }
                    {
                        Name = nslcCma
                        Summary =
                            "NSLC with 15 CMA-ES emitters (ranker nslc, filter; --ranker 2imp is pyribs' nslc_cma_imp)"
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
            Pool = None
        }
