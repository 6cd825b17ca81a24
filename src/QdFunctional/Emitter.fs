namespace QdFunctional

open System
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Emitters.Rankers
open QdFunctional.Core.Optimizers

/// How an evolution-strategy emitter ranks its children. `qd run --ranker` names in brackets;
/// pyribs' own names are accepted beside ours (`2imp`, `2rd`, `2obj`, `nov`, `nslc`), and pyribs'
/// single-stage `imp` and `rd` are `1imp` and `1rd` here, since `imp` and `rd` had their meaning first.
type RankerKind =
    /// New cells first, then improved, then the rest, each by improvement value (`imp` = pyribs' `2imp`).
    | TwoStageImprovement
    /// Added solutions first, then the rest, each by projection on a random direction (`rd`: the paper's).
    | RandomDirection
    /// The objective alone (`obj`, pyribs' `obj`).
    | ObjectiveRanking
    /// The improvement value alone (`1imp`, pyribs' `imp`; CMA-MAE's ranking).
    | Improvement
    /// New, improved, not added, each by projection on a random direction (`2rd`, pyribs' `2rd`).
    | TwoStageRandomDirection
    /// The projection alone (`1rd`, pyribs' `rd`).
    | ProjectionOnly
    /// New, improved, not added, each by objective (`2obj`, pyribs' `2obj`).
    | TwoStageObjective
    /// Novelty against a proximity archive (`nov`, pyribs' `nov`).
    | NoveltyRanking
    /// Non-dominated sorting over novelty and local competition (`nslc`, pyribs' `nslc`).
    | NslcRanking
    /// Lowest kernel density of the measures first, over a density archive (Density Descent Search's "density").
    | DensityRanking

/// The `--ranker` names.
[<RequireQualifiedAccess>]
module RankerKind =
    /// Every name `--ranker` accepts with its kind, ours first, then pyribs' spellings.
    let names =
        [
            "imp", TwoStageImprovement
            "rd", RandomDirection
            "obj", ObjectiveRanking
            "2imp", TwoStageImprovement
            "1imp", Improvement
            "2rd", TwoStageRandomDirection
            "1rd", ProjectionOnly
            "2obj", TwoStageObjective
            "nov", NoveltyRanking
            "nslc", NslcRanking
            "density", DensityRanking
        ]

    /// A pool of rankers, `2rd:7,2imp:8` (seven emitters ranking by `2rd`, then eight by `2imp`),
    /// or one name for every emitter (`Ok [ kind ]`); Error with a sentence otherwise.
    let tryParsePool (text: string) : Result<(RankerKind * int) list, string> =
        let known = names |> List.map fst |> String.concat ", "

        let one (part: string) =
            let name, count =
                match part.Split(':', 2) with
                | [| n; c |] ->
                    n.Trim(),
                    (match Int32.TryParse(c.Trim()) with
                     | true, v when v >= 1 -> Some v
                     | _ -> None)
                | _ -> part.Trim(), Some 0

            match List.tryFind (fun (n, _) -> n = name) names, count with
            | Some(_, kind), Some c -> Ok(kind, c)
            | None, _ -> Error $"ranker must be one of {known} (or a pool like 2rd:7,2imp:8), got '{name}'."
            | _, None -> Error $"ranker pool '{text}': each part is NAME:COUNT with a count of at least 1."

        if String.IsNullOrWhiteSpace text then
            Error $"ranker must be one of {known}, got an empty name."
        else
            let parts = text.Split(',') |> Array.map one |> List.ofArray

            match
                parts
                |> List.tryPick (function
                    | Error e -> Some e
                    | Ok _ -> None)
            with
            | Some e -> Error e
            | None ->
                let kinds =
                    parts
                    |> List.choose (function
                        | Ok p -> Some p
                        | Error _ -> None)

                if kinds.Length > 1 && kinds |> List.exists (fun (_, c) -> c = 0) then
                    Error $"ranker pool '{text}': give every part a count (NAME:COUNT)."
                else
                    Ok kinds

/// When an evolution-strategy emitter starts afresh from a random elite (every rule also restarts
/// when the strategy stops on its own conditions).
type RestartSpec =
    /// After an iteration that added nothing (CMA-ME's rule).
    | NoImprovement
    /// Only on the strategy's stop conditions (CMA-MAE's rule).
    | StopConditions
    /// After this many iterations.
    | EveryIterations of int

/// CMA-ME's evolution strategy.
type StrategyKind =
    /// CMA-ES with a full covariance matrix (eigendecomposition refreshed lazily, gap factor 0.5).
    | FullCovariance
    /// Separable CMA-ES (diagonal covariance), for high dimensions.
    | Separable

/// MOME's emitter (`qd run --mome-emitter`).
type MomeEmitterKind =
    /// Crossover and polynomial mutation of uniformly chosen parents.
    | Standard
    /// The same with parents from a softmax over one objective.
    | Biased
    /// Gradient steps along one objective (MOME-OMG-MEGA).
    | GradientMome
    /// Half standard, half biased.
    | Hybrid
    /// Half standard, half gradient.
    | HybridGradient
    /// 20% gradient, 80% a hybrid of 20% biased and 80% standard.
    | MegaHybrid

/// How CMA-MEGA's search point θ moves along the mean of its better branches.
type SearchPointStep =
    /// Gradient ascent with this step size (CMA-MEGA: 1).
    | AscentStep of stepSize: float
    /// Adam with this learning rate (CMA-MEGA (Adam): 0.002).
    | AdamStep of learningRate: float

/// Which parents MOME's mixing emitter varies.
type ParentChoice =
    /// Uniformly among the archive's front members.
    | UniformParents
    /// A softmax over one objective (rescaled to [0, 1]) at a temperature; with `dynamic` the
    /// temperature falls as the archive's coverage grows.
    | SoftmaxOver of objective: int * temperature: float * dynamic: bool

/// An evolution-strategy emitter (CMA-ME's family): a CMA-ES whose children are ranked by what
/// they do to the archive.
type EvolutionStrategySettings =
    {
        /// The strategy's initial step size σ0.
        Sigma: float
        /// Children per iteration (λ).
        Batch: int
        Ranker: RankerKind
        Restart: RestartSpec
        Strategy: StrategyKind
        /// True: recombine the children that entered the archive (CMA-ME's filter); false: the
        /// better half of the ranking (pyribs' μ selection, CMA-MAE's).
        SelectAdded: bool
    }

/// The literature's evolution-strategy emitters, at the DQD paper's LP settings (σ0 0.5, 36 children).
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module EvolutionStrategySettings =
    /// CMA-ME (Fontaine et al. 2020): improvement ranking, filter selection, restart on no improvement.
    let cmaMe =
        {
            Sigma = 0.5
            Batch = 36
            Ranker = TwoStageImprovement
            Restart = NoImprovement
            Strategy = FullCovariance
            SelectAdded = true
        }

    /// Density Descent Search's emitter (Lee et al. 2024, pyribs' sphere settings): σ0 1.5, density
    /// ranking, μ selection, restarts on the strategy's stop conditions only.
    let dds =
        {
            Sigma = 1.5
            Batch = 36
            Ranker = DensityRanking
            Restart = StopConditions
            Strategy = FullCovariance
            SelectAdded = false
        }

    /// CMA-ME with pyribs' μ selection (`qd run --algorithm cma-me-mu`).
    let cmaMeMu = { cmaMe with SelectAdded = false }

    /// Novelty search with CMA-ES (pyribs' ns_cma): novelty ranking, μ selection, restarts on stop
    /// conditions only; run it over a proximity archive (`Archive.proximity`), scored on a result grid
    /// (`Scheduler.createWithResult`).
    let nsCma =
        { cmaMe with
            Ranker = NoveltyRanking
            Restart = StopConditions
            SelectAdded = false
        }

    /// NSLC with CMA-ES (pyribs' nslc): non-dominated sorting over novelty and local competition, filter
    /// selection, restart on no improvement; run it over `Archive.nslc` (local competition on).
    let nslcCma = { cmaMe with Ranker = NslcRanking }

    /// CMA-MAE's emitter (Fontaine and Nikolaidis 2023): μ selection, restarts on stop conditions only.
    let cmaMae =
        { cmaMe with
            SelectAdded = false
            Restart = StopConditions
        }

/// CMA-MEGA's gradient arborescence: θ is evaluated with gradients, CMA-ES draws the coefficients
/// of the objective and measure gradients each branch combines, and θ steps along the better branches.
type ArborescenceSettings =
    {
        /// σ_g: the initial spread of the gradient coefficients.
        SigmaG: float
        /// Branches per iteration.
        Branches: int
        /// How θ steps.
        Step: SearchPointStep
        /// Whether each gradient is divided by its norm first.
        NormalizeGradients: bool
        Ranker: RankerKind
        Restart: RestartSpec
    }

/// The literature's arborescence emitters at the DQD paper's LP settings (σ_g 10, 35 branches).
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module ArborescenceSettings =
    /// CMA-MEGA (Fontaine and Nikolaidis 2021): gradient ascent with step 1, normalized gradients.
    let cmaMega =
        {
            SigmaG = 10.0
            Branches = 35
            Step = AscentStep 1.0
            NormalizeGradients = true
            Ranker = TwoStageImprovement
            Restart = NoImprovement
        }

    /// CMA-MEGA whose θ climbs by Adam (step 0.002).
    let cmaMegaAdam = { cmaMega with Step = AdamStep 0.002 }

    /// CMA-MAEGA's emitter (with an annealing archive): restarts on stop conditions only.
    let cmaMaega =
        { cmaMega with
            Restart = StopConditions
        }

/// MOME's mixing emitter (QDax's MixingEmitter): a share of each batch by iso-line crossover of
/// two parents, the rest by Deb's polynomial mutation of one, clipped into the bounds.
type MixingSettings =
    {
        CrossoverShare: float
        /// Iso-line crossover's isotropic σ.
        IsoSigma: float
        /// Iso-line crossover's σ along the line between the parents.
        LineSigma: float
        /// η of the polynomial mutation.
        Eta: float
        /// Share of the genes one mutation changes.
        MutationProportion: float
        Parents: ParentChoice
    }

/// MOME's defaults (QDax's MOME example).
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module MixingSettings =
    /// Half crossover (iso σ 0.01, line σ 0.2), η 1, 60% of the genes mutated, uniform parents.
    let standard =
        {
            CrossoverShare = 0.5
            IsoSigma = 0.01
            LineSigma = 0.2
            Eta = 1.0
            MutationProportion = 0.6
            Parents = UniformParents
        }

/// MOME's emitter as `qd run --algorithm mome` makes it.
type MomeEmitterSettings =
    {
        Kind: MomeEmitterKind
        /// The mixing parts' variation (their parents follow `Kind`).
        Mixing: MixingSettings
        /// The objective (0-based) the biased and gradient parts favour.
        Objective: int
        /// The biased parts' softmax temperature, and whether it falls with coverage.
        Temperature: float
        DynamicTemperature: bool
        /// The gradient parts' step spread σ_g, their added noise σ, and normalization.
        GradientSigma: float
        GradientNoise: float
        NormalizeGradients: bool
    }

/// MOME's emitter defaults (QDax's example).
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module MomeEmitterSettings =
    /// The standard emitter; biased and gradient parts on objective 0 (temperature 0.25, σ_g 1, normalized).
    let standard =
        {
            Kind = Standard
            Mixing = MixingSettings.standard
            Objective = 0
            Temperature = 0.25
            DynamicTemperature = false
            GradientSigma = 1.0
            GradientNoise = 0.0
            NormalizeGradients = true
        }

/// Emitters: immutable records with pure ask/tell, one function per algorithm the CLI offers.
/// `x0` is where an emitter starts on an empty archive; `bounds` are (low, high) per solution
/// coordinate, into which children are clipped.
[<RequireQualifiedAccess>]
module Emitter =
    let private box (bounds: (float * float) list) =
        let low, high = bounds |> List.toArray |> Array.unzip
        EmitterBounds(low, high)

    let private boxOf (bounds: (float * float) list option) =
        bounds |> Option.map box |> Option.toObj

    /// MAP-Elites' Gaussian emitter starting from `x0` on an empty archive.
    let gaussian (sigma: float) (batchSize: int) (x0: float[]) : IEmitter =
        GaussianEmitter(x0.Length, sigma, batchSize, EmitterStart.FromPoint x0)

    /// The Gaussian emitter with its children clipped into `bounds`.
    let gaussianIn (bounds: (float * float) list) (sigma: float) (batchSize: int) (x0: float[]) : IEmitter =
        GaussianEmitter(x0.Length, sigma, batchSize, EmitterStart.FromPoint x0, box bounds)

    /// The Iso+LineDD emitter (Vassiliades and Mouret 2018) starting from `x0` on an empty archive.
    let isoLine (isoSigma: float) (lineSigma: float) (batchSize: int) (x0: float[]) : IEmitter =
        IsoLineEmitter(x0.Length, isoSigma, lineSigma, batchSize, EmitterStart.FromPoint x0)

    /// The Iso+LineDD emitter with its children clipped into `bounds`.
    let isoLineIn (bounds: (float * float) list) (isoSigma: float) (lineSigma: float) (batchSize: int) (x0: float[]) =
        IsoLineEmitter(x0.Length, isoSigma, lineSigma, batchSize, EmitterStart.FromPoint x0, box bounds) :> IEmitter

    /// The same emitter kind, but the first batch is exactly `solutions` (an initial population).
    let startingFrom (solutions: SolutionBatch) (emitter: IEmitter) : IEmitter =
        match emitter with
        | :? GaussianEmitter as g ->
            GaussianEmitter(g.SolutionDim, g.Sigma, g.BatchSize, EmitterStart.FromSolutions solutions, g.Bounds)
        | :? IsoLineEmitter as e ->
            IsoLineEmitter(
                e.SolutionDim,
                e.IsoSigma,
                e.LineSigma,
                e.BatchSize,
                EmitterStart.FromSolutions solutions,
                e.Bounds
            )
        | other -> invalidArg "emitter" $"startingFrom does not know emitters of type {other.GetType().Name}"

    /// The ranker of a choice.
    let ranker (kind: RankerKind) : IRanker =
        match kind with
        | RandomDirection -> RandomDirectionRanker()
        | ObjectiveRanking -> ObjectiveRanker()
        | TwoStageImprovement -> TwoStageImprovementRanker()
        | Improvement -> ImprovementRanker()
        | TwoStageRandomDirection -> RandomDirectionRanker(null, DirectionStages.StatusFirst)
        | ProjectionOnly -> RandomDirectionRanker(null, DirectionStages.ProjectionOnly)
        | TwoStageObjective -> TwoStageObjectiveRanker()
        | NoveltyRanking -> NoveltyRanker()
        | NslcRanking -> NslcRanker()
        | DensityRanking -> DensityRanker()

    /// The restart rule of a choice.
    let restartRule (spec: RestartSpec) : RestartRule =
        match spec with
        | NoImprovement -> RestartRule.NoImprovement()
        | StopConditions -> RestartRule.Basic()
        | EveryIterations n -> RestartRule.Every n

    /// An evolution-strategy emitter (CMA-ME's family) at `x0`. Full-covariance CMA-ES refreshes
    /// its eigendecomposition lazily with gap factor 0.5 (pycma's, as pyribs), which keeps
    /// dimension 1,000 affordable.
    let evolutionStrategy (settings: EvolutionStrategySettings) (x0: float[]) : IEmitter =
        let strategy: IEvolutionStrategy =
            match settings.Strategy with
            | Separable -> SeparableCmaEs.Create(x0, settings.Sigma, settings.Batch)
            | FullCovariance ->
                CmaEs.Create(x0, settings.Sigma, settings.Batch, EvolutionStrategyOptions(LazyGapFactor = 0.5))

        EvolutionStrategyEmitter(strategy, ranker settings.Ranker, restartRule settings.Restart, settings.SelectAdded)

    /// A mixed pool of evolution-strategy emitters, all alike but for the ranker: `count` emitters of
    /// each (ranker, count) in order (pyribs' cma_me_mixed is `[ TwoStageRandomDirection, 7;
    /// TwoStageImprovement, 8 ]`). Each emitter draws from its own key, so equal settings still search apart.
    let evolutionStrategyPool (settings: EvolutionStrategySettings) (rankers: (RankerKind * int) list) (x0: float[]) =
        [
            for kind, count in rankers do
                for _ in 1..count -> evolutionStrategy { settings with Ranker = kind } x0
        ]

    /// Multi-Emitter MAP-Elites (Cully 2021; pyribs' BanditScheduler): `active` members of `pool`
    /// produce each batch, chosen by UCB1 over their successes (ζ = 0.05) and reselected when their
    /// search ends (`BanditReselect.Terminated`) or every iteration (`BanditReselect.All`).
    /// Gradient emitters cannot join (ArgumentException): their gradient stage asks before the vote.
    let bandit (reselect: BanditReselect) (active: int) (pool: IEmitter list) : IEmitter =
        BanditEmitter(List.toArray pool, active, reselect)

    /// CMA-ME's emitter: σ0 `sigma`, `batchSize` children (see `EvolutionStrategySettings.cmaMe`).
    let cmaMe (sigma: float) (batchSize: int) (x0: float[]) =
        evolutionStrategy
            { EvolutionStrategySettings.cmaMe with
                Sigma = sigma
                Batch = batchSize
            }
            x0

    /// CMA-ME with μ selection (see `EvolutionStrategySettings.cmaMeMu`).
    let cmaMeMu (sigma: float) (batchSize: int) (x0: float[]) =
        evolutionStrategy
            { EvolutionStrategySettings.cmaMeMu with
                Sigma = sigma
                Batch = batchSize
            }
            x0

    /// CMA-MAE's emitter; run it over `Archive.annealing`'s pair (`Scheduler.createAnnealing`).
    let cmaMae (sigma: float) (batchSize: int) (x0: float[]) =
        evolutionStrategy
            { EvolutionStrategySettings.cmaMae with
                Sigma = sigma
                Batch = batchSize
            }
            x0

    /// Density Descent Search's emitter; run it over `Archive.density` (see `EvolutionStrategySettings.dds`).
    let dds (sigma: float) (batchSize: int) (x0: float[]) =
        evolutionStrategy
            { EvolutionStrategySettings.dds with
                Sigma = sigma
                Batch = batchSize
            }
            x0

    /// A gradient arborescence emitter (CMA-MEGA's family) at `x0` over `measureDim` measures.
    /// It has a gradient stage, so its task must give Jacobians (or the step must estimate them).
    let arborescence (settings: ArborescenceSettings) (measureDim: int) (x0: float[]) : IEmitter =
        let optimizer: IGradientOptimizer =
            match settings.Step with
            | AscentStep step -> GradientAscent step
            | AdamStep rate -> Adam rate

        GradientArborescenceEmitter(
            x0,
            measureDim,
            settings.SigmaG,
            settings.Branches,
            optimizer,
            settings.NormalizeGradients,
            false,
            restartRule settings.Restart,
            ranker settings.Ranker
        )

    /// CMA-MEGA's emitter: coefficient spread `sigmaG`, `branches` per iteration, gradient ascent with step 1.
    let cmaMega (sigmaG: float) (branches: int) (measureDim: int) (x0: float[]) =
        arborescence
            { ArborescenceSettings.cmaMega with
                SigmaG = sigmaG
                Branches = branches
            }
            measureDim
            x0

    /// CMA-MEGA whose θ climbs by Adam with `learningRate`.
    let cmaMegaAdam (sigmaG: float) (learningRate: float) (branches: int) (measureDim: int) (x0: float[]) =
        arborescence
            { ArborescenceSettings.cmaMega with
                SigmaG = sigmaG
                Branches = branches
                Step = AdamStep learningRate
            }
            measureDim
            x0

    /// CMA-MAEGA's emitter; run it over `Archive.annealing`'s pair.
    let cmaMaega (sigmaG: float) (branches: int) (measureDim: int) (x0: float[]) =
        arborescence
            { ArborescenceSettings.cmaMaega with
                SigmaG = sigmaG
                Branches = branches
            }
            measureDim
            x0

    /// The DQD gradient operator (Fontaine and Nikolaidis 2021): the gradient stage evaluates
    /// `batchSize` elites perturbed by N(0, σ0²); each then steps along its objective gradient
    /// (σ_g ∇f), or with `measureGradients` along |c0| ∇f + Σ c_j ∇m_j, c ~ N(0, σ_g²).
    let gradientOperator
        (measureGradients: bool)
        (normalizeGradients: bool)
        (sigma0: float)
        (sigmaG: float)
        (batchSize: int)
        (x0: float[])
        : IEmitter =
        GradientOperatorEmitter(x0.Length, sigma0, sigmaG, measureGradients, normalizeGradients, batchSize, x0)

    /// OG-MAP-Elites: perturb by σ0 = `sigma`, step σ_g along the raw objective gradient.
    let ogMapElites (sigma: float) (sigmaG: float) (batchSize: int) (x0: float[]) =
        gradientOperator false false sigma sigmaG batchSize x0

    /// OMG-MEGA: random combinations (spread σ_g) of the normalized objective and measure gradients.
    let omgMega (sigmaG: float) (batchSize: int) (x0: float[]) =
        gradientOperator true true 0.0 sigmaG batchSize x0

    let private parents (choice: ParentChoice) : ParentSelection =
        match choice with
        | UniformParents -> ParentSelection.Uniform
        | SoftmaxOver(objective, temperature, dynamic) -> SoftmaxParents(objective, temperature, dynamic)

    /// MOME's mixing emitter of `batchSize` children within `bounds`; its first batch is uniform in them.
    let mixing (settings: MixingSettings) (bounds: (float * float) list) (batchSize: int) : IEmitter =
        let box = box bounds

        MixingEmitter(
            box.Dim,
            batchSize,
            box,
            parents settings.Parents,
            settings.CrossoverShare,
            settings.IsoSigma,
            settings.LineSigma,
            settings.Eta,
            settings.MutationProportion
        )

    /// MOME's standard emitter (see `MixingSettings.standard`).
    let momeStandard (bounds: (float * float) list) (batchSize: int) =
        mixing MixingSettings.standard bounds batchSize

    /// MOME's biased emitter: parents from a softmax over `objective` at `temperature`.
    let momeBiased (objective: int) (temperature: float) (bounds: (float * float) list) (batchSize: int) =
        mixing
            { MixingSettings.standard with
                Parents = SoftmaxOver(objective, temperature, false)
            }
            bounds
            batchSize

    /// MOME's gradient emitter (MOME-OMG-MEGA along `objective`): θ' = θ + α ∇f + noise, α ~ |N(0, σ_g²)|,
    /// with `noise` the σ of the added Gaussian and gradients normalized when `normalize`.
    let momeGradientWith
        (objective: int)
        (sigmaG: float)
        (noise: float)
        (normalize: bool)
        (bounds: (float * float) list)
        (batchSize: int)
        : IEmitter =
        let box = box bounds
        MomeGradientEmitter(box.Dim, batchSize, objective, sigmaG, noise, normalize, box)

    /// MOME's gradient emitter with normalized gradients and no added noise.
    let momeGradient (objective: int) (sigmaG: float) (bounds: (float * float) list) (batchSize: int) =
        momeGradientWith objective sigmaG 0.0 true bounds batchSize

    /// Several emitters acting as one over `batchSize` children split by share (largest remainder,
    /// every part at least one); each part is made from its size. Parts may be hybrids.
    let hybrid (batchSize: int) (parts: (float * (int -> IEmitter)) list) : IEmitter =
        HybridEmitter.FromShares(batchSize, [| for share, make in parts -> struct (share, Func<int, IEmitter> make) |])

    /// MOME's emitter as `qd run --mome-emitter` makes it: hybrid and hybrid-gradient half and
    /// half; mega-hybrid 20% gradient, 80% a hybrid of 20% biased and 80% standard.
    let mome (settings: MomeEmitterSettings) (bounds: (float * float) list) (batchSize: int) : IEmitter =
        let standard n =
            mixing
                { settings.Mixing with
                    Parents = UniformParents
                }
                bounds
                n

        let biased n =
            mixing
                { settings.Mixing with
                    Parents = SoftmaxOver(settings.Objective, settings.Temperature, settings.DynamicTemperature)
                }
                bounds
                n

        let gradient n =
            momeGradientWith
                settings.Objective
                settings.GradientSigma
                settings.GradientNoise
                settings.NormalizeGradients
                bounds
                n

        match settings.Kind with
        | Standard -> standard batchSize
        | Biased -> biased batchSize
        | GradientMome -> gradient batchSize
        | Hybrid -> hybrid batchSize [ 0.5, standard; 0.5, biased ]
        | HybridGradient -> hybrid batchSize [ 0.5, standard; 0.5, gradient ]
        | MegaHybrid -> hybrid batchSize [ 0.2, gradient; 0.8, (fun n -> hybrid n [ 0.2, biased; 0.8, standard ]) ]

    /// A population that climbs a weighted sum of the objectives by Adam (the pipeline's runs):
    /// `start` is the population (its size is the batch), learning from its own Jacobians.
    let adamPopulation (learningRate: float) (weights: float list) (start: SolutionBatch) : IEmitter =
        AdamPopulationEmitter(start, List.toArray weights, learningRate)

    /// The Adam population with its points clipped into `bounds`.
    let adamPopulationIn
        (bounds: (float * float) list)
        (learningRate: float)
        (weights: float list)
        (start: SolutionBatch)
        =
        AdamPopulationEmitter(start, List.toArray weights, learningRate, box bounds) :> IEmitter

    /// Emitters of a bounded task get its box (None leaves children unclipped): for recipes that
    /// clip only when the task has bounds.
    let internal gaussianWithin (bounds: (float * float) list option) sigma batchSize (x0: float[]) : IEmitter =
        GaussianEmitter(x0.Length, sigma, batchSize, EmitterStart.FromPoint x0, boxOf bounds)

    /// See `gaussianWithin`.
    let internal isoLineWithin (bounds: (float * float) list option) isoSigma lineSigma batchSize (x0: float[]) =
        IsoLineEmitter(x0.Length, isoSigma, lineSigma, batchSize, EmitterStart.FromPoint x0, boxOf bounds) :> IEmitter
