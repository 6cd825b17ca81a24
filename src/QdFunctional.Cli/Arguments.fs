module QdFunctional.Cli.Arguments

open Argu

/// `qd run`: one MAP-Elites run written to a run directory.
type RunArgs =
    | Task of name: string
    | Dim of int
    | Algorithm of name: string
    | Archive of spec: string
    | Iterations of int
    | Batch of int
    | Emitters of int
    | Seed of int64
    | Sigma of float
    | Line_Sigma of float
    | Sigma_G of float
    | Gradients of source: string
    | Dtype of name: string
    | Device of name: string
    | Ranker of name: string
    | Restart of rule: string
    | Strategy of name: string
    | Step_Size of float
    | Init_Pop of int
    | Checkpoint_Every of int
    | Stagnation of int
    | Mome_Emitter of name: string
    | Pareto_Length of int
    | Objective of index: int
    | Temperature of float
    | Dynamic_Temperature
    | Crossover_Share of float
    | Eta of float
    | Mutation_Proportion of float
    | Gradient_Noise of float
    | Out of dir: string
    | Quiet

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Task _ ->
                "benchmark task: lp-sphere, lp-rastrigin or arm (default lp-sphere); mo-rastrigin or mo-sphere "
                + "(several objectives, with --algorithm mome)."
            | Dim _ -> "solution dimension (default 1000; 100 for the mo- tasks)."
            | Algorithm _ ->
                "map-elites (Gaussian, sigma 0.5 on LP tasks, 0.1 on arm), map-elites-line (Iso+LineDD, "
                + "line sigma 0.2), og-map-elites (objective gradient, sigma_g 0.5 LP / 100 arm) or omg-mega "
                + "(objective and measure gradients, normalized, sigma_g 10 LP / 1 arm), cma-me (CMA-ES with improvement ranking, "
                + "sigma 0.5 LP / 0.1 arm, batch 36), cma-mega (gradient arborescence, sigma_g 10 LP / 0.05 arm, "
                + "35 branches, gradient ascent step 1), cma-mega-adam (Adam, step 0.002), cma-mae or cma-maega (archive learning "
                + "rate 0.01, minimum threshold 0, result archive beside the search archive), mome (multi-objective "
                + "MAP-Elites over cvt:128, batch 100; see --mome-emitter); default map-elites-line. "
                + "Presets follow the DQD paper (Fontaine and Nikolaidis 2021)."
            | Archive _ -> "grid:RxR (default grid:100x100) or cvt:CELLS (centroids by k-means)."
            | Iterations _ -> "iterations after the initial population (default 10000)."
            | Batch _ ->
                "solutions per emitter per iteration (default 36; 18 gradient points + 18 branches for og/omg)."
            | Emitters _ -> "number of emitters (default 1)."
            | Seed _ -> "root seed of the run's PRNG key (default 42)."
            | Sigma _ -> "Gaussian sigma / iso sigma / sigma0 of gradient points (default: the algorithm's preset)."
            | Line_Sigma _ -> "line sigma of map-elites-line (default 0.2)."
            | Sigma_G _ -> "gradient step (og-map-elites) or coefficient spread (omg-mega) (default: preset)."
            | Gradients _ ->
                "analytic (hand-derived Jacobians, default), engine (the differentiable engine's reverse mode) or es "
                + "(estimated from values alone with 50 mirrored probe pairs, sigma 0.02, as CMA-MEGA (ES) does)."
            | Dtype _ -> "engine precision with --gradients engine: float64 (default) or float32."
            | Device _ ->
                "where the differentiable engine computes (--gradients engine): cpu (SIMD, default), ilgpu-cpu "
                + "(ILGPU's CPU accelerator) or cuda (NVIDIA GPU; without one: one line, exit code 2)."
            | Ranker _ ->
                "CMA-ME / CMA-MEGA ranker: imp (two-stage improvement, default), rd (random direction) or obj (objective)."
            | Restart _ ->
                "restart rule: no-improvement (default), basic (strategy stop conditions only) or N iterations."
            | Strategy _ -> "CMA-ME's evolution strategy: cma-es (full covariance, default) or sep-cma-es (diagonal)."
            | Step_Size _ ->
                "CMA-MEGA's step size for its search point (default 1.0 gradient ascent; 0.002 for cma-mega-adam)."
            | Init_Pop _ -> "initial population drawn from N(0, I) (default 100; 0 for the CMA algorithms)."
            | Checkpoint_Every _ -> "iterations between checkpoints, 0 for only the end (default 1000)."
            | Stagnation _ ->
                "stop with exit code 3 after this many iterations without a QD-score gain (default 0: never)."
            | Mome_Emitter _ ->
                "mome: standard (mixing: iso-line crossover + polynomial mutation), biased (softmax parents), "
                + "gradient (MOME-OMG-MEGA), hybrid, hybrid-gradient or mega-hybrid (default standard)."
            | Pareto_Length _ -> "mome: most solutions per cell's Pareto front (default 50)."
            | Objective _ -> "mome: objective (0-based) the biased and gradient emitters favour (default 0)."
            | Temperature _ -> "mome: softmax temperature of the biased emitter (default 0.25)."
            | Dynamic_Temperature -> "mome: lower the biased emitter's temperature as coverage grows."
            | Crossover_Share _ -> "mome: share of each mixing batch made by crossover (default 0.5)."
            | Eta _ -> "mome: eta of the polynomial mutation (default 1)."
            | Mutation_Proportion _ -> "mome: share of genes one mutation changes (default 0.6)."
            | Gradient_Noise _ -> "mome: Gaussian sigma added to gradient branches (default 0)."
            | Out _ -> "run directory (default data/runs/<algorithm>-<task>-<seed>)."
            | Quiet -> "print only the output paths."

/// `qd pipeline`: the combined sweep of Adam and MOME runs.
type PipelineArgs =
    | Task of name: string
    | Dim of int
    | Objective_A of int
    | Objective_B of int
    | Steps of int
    | Single_Iterations of int
    | Mome_Iterations of int
    | Population of int
    | Step_Size of float
    | Mome_Emitter of name: string
    | Batch of int
    | Archive of spec: string
    | Seed of int64
    | Seed_Count of int
    | Stagnation of int
    | Max_Restarts of int
    | Checkpoint_Every of int
    | Out of dir: string
    | Quiet

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Task _ -> "multi-objective task with gradients: mo-sphere (default) or mo-rastrigin."
            | Dim _ -> "solution dimension (default 10)."
            | Objective_A _ -> "first objective of the sweep (default 0)."
            | Objective_B _ -> "second objective of the sweep (default 1)."
            | Steps _ -> "steps of the weight sweep from (1, 0) to (0, 1) (default 11)."
            | Single_Iterations _ -> "iterations of each Adam run (default 60)."
            | Mome_Iterations _ -> "iterations of each MOME run (default 60)."
            | Population _ -> "points per Adam run (default 16)."
            | Step_Size _ -> "Adam's learning rate (default 0.02)."
            | Mome_Emitter _ -> "MOME's emitter (default hybrid-gradient; see qd run --mome-emitter)."
            | Batch _ -> "children per MOME iteration (default 64)."
            | Archive _ -> "MOME's archive (default cvt:64)."
            | Seed _ -> "root seed (default 42)."
            | Seed_Count _ -> "best earlier solutions that seed each run (default 32)."
            | Stagnation _ -> "iterations without a QD-score gain before a restart (default 20; 0 off)."
            | Max_Restarts _ -> "restarts per run after a crash or stagnation (default 3)."
            | Checkpoint_Every _ -> "iterations between each run's checkpoints (default 10)."
            | Out _ -> "pipeline directory (default data/pipelines/<task>-s<seed>)."
            | Quiet -> "print only the output path."

/// `qd resume`: continue a run from its last checkpoint.
type ResumeArgs =
    | [<MainCommand; Mandatory>] Run_Dir of dir: string
    | Iterations of int
    | Quiet

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "the run directory (holds config.json and checkpoint.bin), or a pipeline directory."
            | Iterations _ -> "new total iteration count (default: the config's)."
            | Quiet -> "print only the output paths."

/// `qd report`: pictures of a run.
type ReportArgs =
    | [<MainCommand; Mandatory>] Run_Dir of dir: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "the run directory; heatmap.png and metrics.png are written into it."

/// `qd bench`: timings (never part of the tests).
type BenchArgs =
    | [<MainCommand>] Suite of name: string
    | Seconds of float
    | Seeds of int
    | Iterations of int
    | Tasks of names: string list
    | Algorithms of names: string list
    | Out of dir: string
    | Device of name: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Suite _ ->
                "what to time: map-elites, archive, engine, centroids, optimizers, device or all (default all); "
                + "or dqd: the DQD paper's table (six algorithms × three tasks × seeds)."
            | Seconds _ -> "approximate seconds per measurement (default 3)."
            | Seeds _ -> "dqd: seeds per configuration (default 3)."
            | Iterations _ -> "dqd: iterations per run (default 10000, the paper's)."
            | Tasks _ -> "dqd: tasks (default lp-sphere lp-rastrigin arm)."
            | Algorithms _ ->
                "dqd: algorithms (default map-elites map-elites-line cma-me og-map-elites omg-mega cma-mega)."
            | Out _ -> "dqd: where the table goes (default docs)."
            | Device _ ->
                "ilgpu-cpu or cuda: time MAP-Elites iterations on that device next to the CPU path (suite device, "
                + "the default when --device is given); engine: run the engine's kernels there."

/// The `qd` command.
type QdArgs =
    | [<CliPrefix(CliPrefix.None)>] Run of ParseResults<RunArgs>
    | [<CliPrefix(CliPrefix.None)>] Pipeline of ParseResults<PipelineArgs>
    | [<CliPrefix(CliPrefix.None)>] Resume of ParseResults<ResumeArgs>
    | [<CliPrefix(CliPrefix.None)>] Report of ParseResults<ReportArgs>
    | [<CliPrefix(CliPrefix.None)>] Bench of ParseResults<BenchArgs>
    | Version

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run _ -> "run MAP-Elites on a benchmark and write archive.parquet, metrics.parquet and config.json."
            | Pipeline _ ->
                "the combined pipeline: a sweep of weights between two objectives, each step two Adam runs "
                + "side by side then one MOME run, seeded by all earlier runs, under a watchdog."
            | Resume _ -> "continue a stopped or killed run, or pipeline, from its last checkpoint."
            | Report _ -> "draw a run's archive heatmap and metric curves as PNG files."
            | Bench _ -> "print timings: iterations per second, archive insertion, engine, centroids."
            | Version -> "print the version."
