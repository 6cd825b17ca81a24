namespace QdFunctional.Algorithms

open QdFunctional
open QdFunctional.Core.Emitters

/// OG-MAP-Elites and OMG-MEGA (Fontaine and Nikolaidis 2021): MAP-Elites whose children step
/// along the parents' objective gradient, or a random combination of the objective and measure
/// gradients. The paper's 36 evaluations per iteration are 18 gradient points and 18 branches.
[<RequireQualifiedAccess>]
module GradientOperators =
    /// One step of σ_g along the objective gradient.
    let og = "og-map-elites"

    /// A random combination of normalized objective and measure gradients.
    let omg = "omg-mega"

    let private preset (task: QdFunctional.Core.Tasks.TaskFacts) (algorithm: string) (config: RunConfig) =
        let config = Recipe.baseline config

        if algorithm = og then
            // The paper's σ_g (100 on the arm, 0.5 on LP) multiplies the raw function's gradient
            // (of -Var θ, of Σ(x - 2.048)²); ours is the gradient of the objective normalized to
            // [0, 100], so the same step needs σ_g divided by that normalization's slope.
            { config with
                Sigma = Recipe.isoSigma task
                LineSigma = 0.0
                SigmaG = (if task.SmallBox then 100.0 else 0.5) / task.ObjectiveSlope.Invoke config.Dim
                NormalizeGradients = false
                Batch = 18
            }
        else
            { config with
                Sigma = 0.0
                LineSigma = 0.0
                SigmaG = (if task.SmallBox then 1.0 else 10.0)
                NormalizeGradients = true
                Batch = 18
            }

    let private emitter (plan: RunPlan) (task: QdFunctional.Core.Tasks.ITask) (x0: float[]) : IEmitter =
        Recipe.needsGradients plan task
        let c = plan.Config

        Emitter.gradientOperator (plan.Algorithm = omg) c.NormalizeGradients c.Sigma c.SigmaG c.Batch x0

    let recipe =
        {
            Family = "Gradient operators (DQD)"
            Algorithms =
                [
                    {
                        Name = og
                        Summary = "objective-gradient step (sigma_g 0.5 LP / 100 arm on the raw function), 18 + 18"
                    }
                    {
                        Name = omg
                        Summary = "objective and measure gradients, normalized (sigma_g 10 LP / 1 arm), 18 + 18"
                    }
                ]
            Preset = preset
            Emitter = emitter
            Archives = None
            SeveralObjectives = false
            TellsObjectives = Recipe.always
            DeviceOperators = [ og, DeviceOperator.Og; omg, DeviceOperator.Omg ]
            // The device has the tasks' analytic Jacobians only.
            DeviceNeedsAnalyticGradients = true
            Check = Recipe.noChecks
            Pool = None
        }
