namespace QdFunctional.Algorithms

open System
open QdFunctional
open QdFunctional.Core.Emitters
open QdFunctional.Core.Tasks

/// MOME (Pierrot et al. 2022; QDax's example): a Pareto front of at most P solutions per cell of
/// 128 CVT cells, 100 children per iteration, the first batch uniform in the task's bounds; iso
/// σ 0.01 and line σ 0.2 for the crossover, normalized gradient steps with σ_g = 1 for the
/// gradient emitter. The emitter is MomeSettings.Emitter.
[<RequireQualifiedAccess>]
module Mome =
    /// Multi-objective MAP-Elites.
    let mome = "mome"

    /// The names of MomeSettings.Emitter, with their kinds.
    let emitters =
        [
            "standard", Standard
            "biased", Biased
            "gradient", GradientMome
            "hybrid", Hybrid
            "hybrid-gradient", HybridGradient
            "mega-hybrid", MegaHybrid
        ]

    let private preset (_: TaskFacts) (_: string) (config: RunConfig) =
        { Recipe.baseline config with
            Sigma = 0.01
            LineSigma = 0.2
            SigmaG = 1.0
            NormalizeGradients = true
            Batch = 100
            InitialPopulation = 0
            Archive = "cvt:128"
        }

    /// MOME's emitter for the plan; hybrids split the batch by the stated shares (hybrid and
    /// hybrid-gradient half and half; mega-hybrid 20% gradient, 80% a hybrid of 20% biased and
    /// 80% standard).
    let private emitter (plan: RunPlan) (task: ITask) (_: float[]) : IEmitter =
        let mo =
            match task with
            | :? IMultiObjectiveTask as mo -> mo
            | _ -> invalidArg "algorithm" $"mome needs a multi-objective task; '{task.Name}' has one objective."

        let config = plan.Config
        let s = config.Mome

        if s.Objective >= mo.ObjectiveCount then
            invalidArg
                "objective"
                $"objective {s.Objective} asked for; task '{mo.Name}' has {mo.ObjectiveCount} (0-based)."

        let bounds =
            List.zip (List.ofArray mo.SolutionLower) (List.ofArray mo.SolutionUpper)

        Emitter.mome
            { MomeEmitterSettings.standard with
                Kind = plan.MomeEmitter
                Mixing =
                    { MixingSettings.standard with
                        CrossoverShare = s.CrossoverShare
                        IsoSigma = config.Sigma
                        LineSigma = config.LineSigma
                        Eta = s.Eta
                        MutationProportion = s.MutationProportion
                    }
                Objective = s.Objective
                Temperature = s.Temperature
                DynamicTemperature = s.DynamicTemperature
                GradientSigma = config.SigmaG
                GradientNoise = s.GradientNoise
                NormalizeGradients = config.NormalizeGradients
            }
            bounds
            config.Batch

    let private check (plan: RunPlan) =
        let m = plan.Config.Mome

        [
            if not plan.Task.MultiObjective then
                $"mome needs a multi-objective task (mo-rastrigin, mo-sphere); '{plan.Task.Name}' has one objective."
            if m.ParetoLength < 1 then
                $"Pareto front length must be at least 1, got {m.ParetoLength}."
            if not (m.CrossoverShare >= 0.0 && m.CrossoverShare <= 1.0) then
                $"crossover share must be in [0, 1], got {m.CrossoverShare}."
            if not (m.MutationProportion >= 0.0 && m.MutationProportion <= 1.0) then
                $"mutation proportion must be in [0, 1], got {m.MutationProportion}."
            if not (m.Eta >= 0.0 && Double.IsFinite m.Eta) then
                $"eta must be finite and non-negative, got {m.Eta}."
            if m.Objective < 0 then
                $"objective index must be 0 or more, got {m.Objective}."
            if not (m.Temperature > 0.0 && Double.IsFinite m.Temperature) then
                $"temperature must be positive and finite, got {m.Temperature}."
            if not (m.GradientNoise >= 0.0 && Double.IsFinite m.GradientNoise) then
                $"gradient noise must be finite and non-negative, got {m.GradientNoise}."
        ]

    let recipe =
        {
            Family = "MOME"
            Algorithms =
                [
                    {
                        Name = mome
                        Summary = "multi-objective MAP-Elites over cvt:128, batch 100 (see --mome-emitter)"
                    }
                ]
            Preset = preset
            Emitter = emitter
            Archives = None
            SeveralObjectives = true
            TellsObjectives = Recipe.always
            DeviceOperators = []
            DeviceNeedsAnalyticGradients = false
            Check = check
            Pool = None
        }
