namespace QdFunctional.Algorithms

open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Archives.Discount
open QdFunctional.Core.Emitters
open QdFunctional.Core.Tasks

/// Discount Model Search (Tjanaka, Chen, Fontaine, Nikolaidis; ICLR 2026) with pyribs' sphere settings:
/// CMA-MAE whose per-cell thresholds are a learned discount model over the measures (an MLP of two
/// hidden ReLU layers of 128, trained with the engine: Adam 0.001, minibatches of 32, at most 5 epochs a
/// round, cutoff 0.05), archive learning rate α 0.1 over a minimum threshold of 0, 100 empty-cell
/// centres per round and 1,000 to start; 15 CMA-ES emitters (σ0 0.5, 36 children, improvement ranking,
/// μ selection, restarts on stop conditions); a grid (or CVT) result archive keeps the elites.
[<RequireQualifiedAccess>]
module Dms =
    /// Discount Model Search.
    let dms = "dms"

    let private preset (task: TaskFacts) (_: string) (config: RunConfig) =
        { Recipe.baseline config with
            Sigma = Recipe.isoSigma task
            LineSigma = 0.0
            SigmaG = 0.0
            NormalizeGradients = false
            Batch = 36
            Emitters = 15
            InitialPopulation = 0
            Ranker = "imp"
            Restart = "basic"
            ArchiveLearningRate = 0.1
            ThresholdMin = 0.0
        }

    let private emitter (plan: RunPlan) (_: ITask) (x0: float[]) : IEmitter =
        Emitter.evolutionStrategy
            { EvolutionStrategySettings.cmaMae with
                Sigma = plan.Config.Sigma
                Batch = plan.Config.Batch
                Ranker = plan.Ranker
                Restart = plan.Restart
                Strategy = plan.Strategy
            }
            x0

    /// The discount archive's key: the run's seed folded with "dms", apart from every key the loop draws.
    let archiveKey (plan: RunPlan) =
        QdFunctional.Core.Random.Key.Of(plan.Config.Seed).FoldIn(0x646d73u)

    let private archives (plan: RunPlan) (task: ITask) : IArchive * IArchive option =
        let struct (low, high) = task.ObjectiveRange
        let options = ArchiveOptions(QdOffset = low)

        let cells = Recipe.gridOrCvt "dms" plan task

        Archive.discount
            plan.Config.ArchiveLearningRate
            plan.Config.ThresholdMin
            (low, high)
            (DiscountModelOptions())
            (archiveKey plan)
            (Archive.ofCellsWith options task.SolutionDim cells)
        :> IArchive,
        None

    let private check (plan: RunPlan) =
        [
            match plan.Archive with
            | Grid _
            | Cvt _ -> ()
            | _ -> $"dms keeps its elites in a grid or cvt archive (grid:RxR, cvt:N), got '{plan.Config.Archive}'."
            if not (System.Double.IsFinite plan.Config.ThresholdMin) then
                $"dms needs a finite minimum threshold (--threshold-min), got {plan.Config.ThresholdMin}."
        ]

    let recipe =
        {
            Family = "Discount Model Search"
            Algorithms =
                [
                    {
                        Name = dms
                        Summary =
                            "CMA-MAE with a learned discount model (MLP 128x128 trained by the engine, alpha 0.1) instead of per-cell thresholds; 15 emitters, grid result archive"
                    }
                ]
            Preset = preset
            Emitter = emitter
            Archives = Some archives
            SeveralObjectives = false
            TellsObjectives = Recipe.always
            DeviceOperators = []
            Pool = None
            DeviceNeedsAnalyticGradients = false
            Check = check
        }
