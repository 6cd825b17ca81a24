namespace QdFunctional.Algorithms

open QdFunctional
open QdFunctional.Core.Emitters

/// MAP-Elites (Mouret and Clune 2015) with Gaussian mutation, and with Iso+LineDD variation
/// (Vassiliades and Mouret 2018), at the DQD paper's settings: σ 0.5 on the LP tasks and 0.1 on
/// the arm, line σ 0.2, 36 solutions per iteration.
[<RequireQualifiedAccess>]
module MapElites =
    /// Gaussian mutation of one parent.
    let gaussian = "map-elites"

    /// Iso+LineDD over two parents.
    let line = "map-elites-line"

    let private preset (task: QdFunctional.Core.Tasks.TaskFacts) (algorithm: string) (config: RunConfig) =
        { Recipe.baseline config with
            Sigma = Recipe.isoSigma task
            LineSigma = (if algorithm = line then 0.2 else 0.0)
            SigmaG = 0.0
            NormalizeGradients = false
            Batch = 36
        }

    let private emitter (plan: RunPlan) (task: QdFunctional.Core.Tasks.ITask) (x0: float[]) : IEmitter =
        let c = plan.Config
        let box = Task.solutionBounds task

        if plan.Algorithm = line then
            Emitter.isoLineWithin box c.Sigma c.LineSigma c.Batch x0
        else
            Emitter.gaussianWithin box c.Sigma c.Batch x0

    let recipe =
        {
            Family = "MAP-Elites"
            Algorithms =
                [
                    {
                        Name = gaussian
                        Summary = "Gaussian mutation (sigma 0.5 on LP tasks, 0.1 on arm and robots), batch 36"
                    }
                    {
                        Name = line
                        Summary = "Iso+LineDD (iso sigma as map-elites, line sigma 0.2), batch 36; the default"
                    }
                ]
            Preset = preset
            Emitter = emitter
            Archives = None
            SeveralObjectives = false
            TellsObjectives = Recipe.always
            DeviceOperators = [ gaussian, DeviceOperator.Gaussian; line, DeviceOperator.IsoLine ]
            DeviceNeedsAnalyticGradients = false
            Check = Recipe.noChecks
            Pool = None
        }
