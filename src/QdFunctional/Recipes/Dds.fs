namespace QdFunctional.Algorithms

open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Emitters
open QdFunctional.Core.Tasks

/// Density Descent Search (Lee, Boldi, Fontaine, Nikolaidis; GECCO 2024), with pyribs' sphere settings:
/// 15 CMA-ES emitters (σ0 1.5, 36 children, μ selection, restarts on stop conditions) ranked by the
/// Gaussian kernel density of their children's measures over a reservoir of 10,000 measure vectors
/// (bandwidth 5% of the measure box's side: 25.6 on the LP tasks), so they descend the density of what
/// has been seen; a grid (or CVT) result archive keeps the elites the run is scored on. The archive
/// is never consulted for objectives: the objective only decides which elite a cell keeps.
[<RequireQualifiedAccess>]
module Dds =
    /// Density Descent Search with a kernel density estimate.
    let dds = "dds"

    /// pyribs' buffer size.
    let bufferSize = 10000

    /// pyribs' bandwidth on the sphere (25.6 over a ±256 box): 5% of the measure box's mean side.
    let bandwidthFor (low: float[]) (high: float[]) =
        System.Math.Round(0.05 * Array.averageBy id (Array.map2 (fun l h -> h - l) low high), 6)

    /// The config's density settings, or pyribs' for the task's measure box when they are not set.
    let settings (config: RunConfig) (task: ITask) =
        if config.Density.BufferSize = 0 && config.Density.Bandwidth = 0.0 then
            {
                BufferSize = bufferSize
                Bandwidth = bandwidthFor task.MeasureLow task.MeasureHigh
            }
        else
            config.Density

    let private preset (task: TaskFacts) (_: string) (config: RunConfig) =
        let bandwidth =
            try
                let t = TaskCatalog.Create(task.Name, max 2 (config.Dim + config.Dim % 2))
                bandwidthFor t.MeasureLow t.MeasureHigh
            with :? System.ArgumentException ->
                // A task the catalogue cannot build at this size (a robot): 5% of a unit box.
                0.05

        { Recipe.baseline config with
            Sigma = EvolutionStrategySettings.dds.Sigma
            LineSigma = 0.0
            SigmaG = 0.0
            NormalizeGradients = false
            Batch = EvolutionStrategySettings.dds.Batch
            Emitters = 15
            InitialPopulation = 0
            Ranker = "density"
            Restart = "basic"
            Density =
                {
                    BufferSize = bufferSize
                    Bandwidth = bandwidth
                }
        }

    let private emitter (plan: RunPlan) (_: ITask) (x0: float[]) : IEmitter =
        Emitter.evolutionStrategy
            { EvolutionStrategySettings.dds with
                Sigma = plan.Config.Sigma
                Batch = plan.Config.Batch
                Restart = plan.Restart
                Strategy = plan.Strategy
            }
            x0

    /// The reservoir's key: the run's seed folded with "dds", apart from every key the loop draws.
    let reservoirKey (plan: RunPlan) =
        QdFunctional.Core.Random.Key.Of(plan.Config.Seed).FoldIn(0x646473u)

    let private archives (plan: RunPlan) (task: ITask) : IArchive * IArchive option =
        let struct (offset, _) = task.ObjectiveRange
        let options = ArchiveOptions(QdOffset = offset)

        let cells = Recipe.gridOrCvt "dds" plan task

        let s = settings plan.Config task

        Archive.density
            s.BufferSize
            s.Bandwidth
            (reservoirKey plan)
            (Archive.ofCellsWith options task.SolutionDim cells)
        :> IArchive,
        None

    let private check (plan: RunPlan) =
        [
            match plan.Archive with
            | Grid _
            | Cvt _ -> ()
            | _ -> $"dds keeps its elites in a grid or cvt archive (grid:RxR, cvt:N), got '{plan.Config.Archive}'."
            if plan.Ranker <> DensityRanking then
                $"dds ranks by density (--ranker density), got '{plan.Config.Ranker}'."
            if plan.Config.ArchiveLearningRate < 1.0 then
                "dds keeps a plain result archive; an archive learning rate below 1 is CMA-MAE's."
            let d = plan.Config.Density

            if d.BufferSize <> 0 || d.Bandwidth <> 0.0 then
                if d.BufferSize <= 0 then
                    $"dds needs a positive buffer size, got {d.BufferSize}."

                if not (d.Bandwidth > 0.0 && System.Double.IsFinite d.Bandwidth) then
                    $"dds needs a positive, finite bandwidth, got {d.Bandwidth}."
        ]

    let recipe =
        {
            Family = "Density Descent Search"
            Algorithms =
                [
                    {
                        Name = dds
                        Summary =
                            "15 CMA-ES emitters (sigma 1.5) descending a kernel density of the measures (buffer 10,000, bandwidth 5% of the box), grid result archive"
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
