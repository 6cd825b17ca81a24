namespace QdFunctional.Algorithms

open QdFunctional
open QdFunctional.Core.Emitters

/// Multi-Emitter MAP-Elites (Cully 2021) as pyribs' sphere example runs it (me_map_elites): a
/// bandit over a pool of 15 CMA-ES emitters ranking by objective, 15 by two-stage random direction,
/// 15 by two-stage improvement (σ0 0.5, filter selection, restart on no improvement, 36 children
/// each) and 15 iso-line emitters (σ 0.01, line σ 0.1, 36 children), of which 15 are active.
/// `--ranker` changes the CMA-ES part of the pool (`obj:15,2rd:15,2imp:15`), `--emitters` the
/// number active (also the number of iso-line emitters), `--line-sigma` their line σ.
[<RequireQualifiedAccess>]
module MultiEmitter =
    /// Reselects an active emitter when its search ends (pyribs' default).
    let meMapElites = "me-map-elites"

    /// Reselects every active emitter every iteration.
    let meMapElitesAll = "me-map-elites-all"

    /// The iso-line members' isotropic σ (pyribs' sphere example).
    let isoSigma = 0.01

    let private preset (task: QdFunctional.Core.Tasks.TaskFacts) (_: string) (config: RunConfig) =
        { Recipe.baseline config with
            Sigma = Recipe.isoSigma task
            LineSigma = 0.1
            SigmaG = 0.0
            NormalizeGradients = false
            Batch = 36
            Emitters = 15
            Ranker = "obj:15,2rd:15,2imp:15"
            InitialPopulation = 0
        }

    let private settings (plan: RunPlan) =
        { EvolutionStrategySettings.cmaMe with
            Sigma = plan.Config.Sigma
            Batch = plan.Config.Batch
            Ranker = plan.Ranker
            Restart = plan.Restart
            Strategy = plan.Strategy
        }

    let private emitter (plan: RunPlan) (_: QdFunctional.Core.Tasks.ITask) (x0: float[]) : IEmitter =
        Emitter.evolutionStrategy (settings plan) x0

    /// The bandit over the pool: the CMA-ES emitters `--ranker` lists, then `--emitters` iso-line emitters.
    let private pool (plan: RunPlan) (_: QdFunctional.Core.Tasks.ITask) (x0: float[]) =
        let c = plan.Config

        let rankers =
            match plan.RankerPool with
            | [] -> [ plan.Ranker, c.Emitters ]
            | pool -> pool

        let strategies = Emitter.evolutionStrategyPool (settings plan) rankers x0

        let isoLines =
            [ for _ in 1 .. c.Emitters -> Emitter.isoLine isoSigma c.LineSigma c.Batch x0 ]

        let reselect =
            if plan.Algorithm = meMapElitesAll then
                BanditReselect.All
            else
                BanditReselect.Terminated

        [ Emitter.bandit reselect c.Emitters (strategies @ isoLines) ]

    let recipe =
        {
            Family = "Multi-Emitter MAP-Elites"
            Algorithms =
                [
                    {
                        Name = meMapElites
                        Summary =
                            "a UCB1 bandit choosing 15 of 15 obj + 15 2rd + 15 2imp CMA-ES and 15 iso-line emitters, reselecting on restart"
                    }
                    {
                        Name = meMapElitesAll
                        Summary = "the same bandit reselecting every active emitter every iteration"
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
            Pool = Some pool
        }
