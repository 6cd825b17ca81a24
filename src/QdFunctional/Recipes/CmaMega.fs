namespace QdFunctional.Algorithms

open QdFunctional
open QdFunctional.Core.Emitters

/// CMA-MEGA (Fontaine and Nikolaidis 2021) and CMA-MAEGA (Fontaine and Nikolaidis 2023): a search
/// point climbs by gradient ascent (or Adam), and CMA-ES adapts the coefficients of the objective
/// and measure gradients its 35 branches combine. CMA-MAEGA anneals the archive as CMA-MAE does.
[<RequireQualifiedAccess>]
module CmaMega =
    /// Gradient ascent with step 1 on the search point.
    let cmaMega = "cma-mega"

    /// Adam with step 0.002 on the search point.
    let cmaMegaAdam = "cma-mega-adam"

    /// CMA-MEGA over an annealing archive, with a result archive.
    let cmaMaega = "cma-maega"

    let private preset (task: QdFunctional.Core.Tasks.TaskFacts) (algorithm: string) (config: RunConfig) =
        let mega =
            { Recipe.baseline config with
                Sigma = 0.0
                LineSigma = 0.0
                SigmaG = (if task.SmallBox then 0.05 else 10.0)
                NormalizeGradients = true
                StepSize = (if algorithm = cmaMegaAdam then 0.002 else 1.0)
                Batch = 35
                InitialPopulation = 0
            }

        if algorithm = cmaMaega then CmaMe.annealing mega else mega

    let private emitter (plan: RunPlan) (task: QdFunctional.Core.Tasks.ITask) (x0: float[]) : IEmitter =
        Recipe.needsGradients plan task
        let c = plan.Config

        Emitter.arborescence
            { ArborescenceSettings.cmaMega with
                SigmaG = c.SigmaG
                Branches = c.Batch
                Step =
                    (if plan.Algorithm = cmaMegaAdam then
                         AdamStep c.StepSize
                     else
                         AscentStep c.StepSize)
                NormalizeGradients = c.NormalizeGradients
                Ranker = plan.Ranker
                Restart = plan.Restart
            }
            task.MeasureDim
            x0

    let recipe =
        {
            Family = "CMA-MEGA"
            Algorithms =
                [
                    {
                        Name = cmaMega
                        Summary =
                            "gradient arborescence (sigma_g 10 LP / 0.05 arm, 35 branches, gradient ascent step 1)"
                    }
                    {
                        Name = cmaMegaAdam
                        Summary = "CMA-MEGA whose search point climbs by Adam (step 0.002)"
                    }
                    {
                        Name = cmaMaega
                        Summary = "CMA-MEGA over an annealing archive (learning rate 0.01, minimum threshold 0)"
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
