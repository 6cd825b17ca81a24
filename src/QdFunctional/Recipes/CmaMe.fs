namespace QdFunctional.Algorithms

open QdFunctional
open QdFunctional.Core.Emitters

/// CMA-ME (Fontaine et al. 2020) and CMA-MAE (Fontaine and Nikolaidis 2023): CMA-ES emitters
/// ranked by what their children do to the archive. CMA-MAE anneals each cell's threshold at
/// the archive learning rate α = 0.01 over a minimum of 0 and keeps a plain result archive beside
/// the search archive; its emitters restart on the strategy's stop conditions only.
[<RequireQualifiedAccess>]
module CmaMe =
    /// CMA-ES emitters over a plain archive.
    let cmaMe = "cma-me"

    /// CMA-ES emitters over an annealing archive, with a result archive.
    let cmaMae = "cma-mae"

    /// CMA-ME whose emitters recombine the better half of their children (pyribs' "mu" selection
    /// rule) instead of those that entered the archive.
    let cmaMeMu = "cma-me-mu"

    /// The CMA-ME (and CMA-MAE) preset before the annealing settings.
    let mePreset (task: QdFunctional.Core.Tasks.TaskFacts) (config: RunConfig) =
        { Recipe.baseline config with
            Sigma = Recipe.isoSigma task
            LineSigma = 0.0
            SigmaG = 0.0
            NormalizeGradients = false
            Batch = 36
            InitialPopulation = 0
        }

    /// CMA-MAE's annealing (Fontaine and Nikolaidis 2023): learning rate 0.01 over a minimum
    /// threshold of 0 (the objectives' floor), restarts on stop conditions only.
    let annealing (config: RunConfig) =
        { config with
            ArchiveLearningRate = 0.01
            ThresholdMin = 0.0
            Restart = "basic"
        }

    let private preset task (algorithm: string) config =
        let me = mePreset task config
        if algorithm = cmaMae then annealing me else me

    let private emitter (plan: RunPlan) (_: QdFunctional.Core.Tasks.ITask) (x0: float[]) : IEmitter =
        // CMA-ME recombines the children that entered the archive (filter); CMA-ME (μ) and
        // CMA-MAE the better half.
        Emitter.evolutionStrategy
            { EvolutionStrategySettings.cmaMe with
                Sigma = plan.Config.Sigma
                Batch = plan.Config.Batch
                Ranker = plan.Ranker
                Restart = plan.Restart
                Strategy = plan.Strategy
                SelectAdded = (plan.Algorithm = cmaMe)
            }
            x0

    let recipe =
        {
            Family = "CMA-ME"
            Algorithms =
                [
                    {
                        Name = cmaMe
                        Summary =
                            "CMA-ES with improvement ranking (sigma 0.5 LP / 0.1 arm, batch 36, see --ranker, --strategy)"
                    }
                    {
                        Name = cmaMeMu
                        Summary = "CMA-ME recombining the better half of each batch (pyribs' mu selection rule)"
                    }
                    {
                        Name = cmaMae
                        Summary =
                            "CMA-ME over an annealing archive (learning rate 0.01, minimum threshold 0) with a result archive"
                    }
                ]
            Preset = preset
            Emitter = emitter
            Archives = None
            SeveralObjectives = false
            TellsObjectives = Recipe.always
            DeviceOperators = []
            DeviceNeedsAnalyticGradients = false
            Check = Recipe.noChecks
            Pool = None
        }
