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
    | Learning_Rate of float
    | Threshold_Min of float
    | Init_Pop of int
    | Checkpoint_Every of int
    | Stagnation of int
    | Noise of spec: string
    | Samples of int
    | Aggregate of name: string
    | Mome_Emitter of name: string
    | Pareto_Length of int
    | Objective of index: int
    | Temperature of float
    | Dynamic_Temperature
    | Crossover_Share of float
    | Eta of float
    | Mutation_Proportion of float
    | Gradient_Noise of float
    | Bandwidth of float
    | Buffer_Size of int
    | Cluster of connection: string
    | Chunk_Size of int
    | Chunk_Timeout of seconds: float
    | Cluster_Wait of seconds: float
    | Cluster_Cert of dir: string
    | Out of dir: string
    | Overwrite
    | Quiet

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Task _ ->
                "benchmark task: lp-sphere, lp-rastrigin, arm, noisy-arm (QDax's: noise on joints, objective and measures) "
                + "or maze (deceptive point-robot maze) (default lp-sphere); "
                + "mo-rastrigin or mo-sphere (several objectives, with --algorithm mome); robot tasks on MuJoCo 2.2.2: "
                + "brittle-star (CPG tutorial: 26-number genome, grid 30x30 over the final position, sigma 0.1, "
                + "batch 128, 100 iterations) or quadruped (24-number gait, cvt:1024 over foot contacts)."
            | Dim _ ->
                "solution dimension (default 1000; maze 20: 10 velocity commands; mo- tasks 100; robots their genome)."
            | Algorithm _ ->
                // The table comes from the recipes, so help and the accepted names cannot disagree.
                let rows =
                    [
                        for name, family, summary in QdFunctional.Recipes.table -> $"{name} ({family}: {summary})"
                    ]

                $"""{String.concat "; " rows}. Presets follow the literature (the DQD paper, Fontaine and Nikolaidis 2021, for the LP tasks and the arm); explicit options override them one by one; default map-elites-line (map-elites on robot tasks)."""
            | Archive _ ->
                "grid:RxR (default grid:100x100), cvt:CELLS (centroids by k-means), "
                + "sliding:RxR[,remap=N][,buffer=N] (boundaries at the quantiles of the last N solutions, moved every remap solutions; default 100 and 1000), "
                + "dns:capacity=N,k=K (Dominated Novelty Search's population; default 1024 and 3), "
                + "categorical:A1xA2... (each measure N cells, or categories joined by '/', such as 0/1/2), or for novelty-search and nslc "
                + "proximity:k=K,threshold=T[,max=N][,capacity=N] (default k 15, threshold 5% of the measure box's side)."
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
                "where the run computes: cpu (default), ilgpu-cpu (ILGPU's CPU accelerator) or cuda (NVIDIA GPU; "
                + "without one: one line, exit code 2). map-elites, map-elites-line, og-map-elites and omg-mega on "
                + "lp-sphere, lp-rastrigin or arm (2-D grid) run whole iterations there; with --gradients engine the engine's kernels do. "
                + "Kept in config.json: qd resume continues on the same device."
            | Ranker _ ->
                "CMA-ME / CMA-MEGA ranker: imp (two-stage improvement = pyribs' 2imp, default), rd (random direction, added "
                + "solutions first: the paper's), obj (objective); pyribs' names: 2imp, 2rd (new, improved, rest, then projection), "
                + "2obj, nov (novelty, ns-cma), nslc (nslc-cma), and 1imp and 1rd for pyribs' single-stage imp and rd. "
                + "A mixed pool: 2rd:7,2imp:8 (counts add up to --emitters). density: lowest kernel density first (dds only, its default)."
            | Restart _ ->
                "restart rule: no-improvement (default), basic (strategy stop conditions only) or N iterations."
            | Strategy _ -> "CMA-ME's evolution strategy: cma-es (full covariance, default) or sep-cma-es (diagonal)."
            | Step_Size _ ->
                "CMA-MEGA's step size for its search point (default 1.0 gradient ascent; 0.002 for cma-mega-adam)."
            | Learning_Rate _ ->
                "archive learning rate alpha of CMA-MAE's annealing archive, in (0, 1] (default 1: plain MAP-Elites; 0.01 for cma-mae and cma-maega)."
            | Threshold_Min _ ->
                "minimum threshold of an annealing archive (default 0 for cma-mae and cma-maega; needed when the learning rate is below 1)."
            | Init_Pop _ ->
                "initial population drawn from N(0, I), or uniformly within the genome's box on robot tasks "
                + "(default 100, 128 on robot tasks; 0 for the CMA algorithms)."
            | Checkpoint_Every _ -> "iterations between checkpoints, 0 for only the end (default 1000)."
            | Stagnation _ ->
                "stop with exit code 3 after this many iterations without a QD-score gain (default 0: never)."
            | Noise _ ->
                "Gaussian evaluation noise, solution=S,objective=O,measures=M: S in the solution's units, O and M as "
                + "fractions of the objective range and of each measure's span (default none; the task noisy-arm has its own)."
            | Samples _ ->
                "evaluations per solution, combined by --aggregate (default 1; QDax's sampling). A noisy run's elites are "
                + "re-evaluated 32 times at the end (reevaluation.json)."
            | Aggregate _ -> "mean or median of the samples (default mean)."
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
            | Bandwidth _ ->
                "dds: bandwidth h of the Gaussian kernel density (default 5% of the measure box's mean side: 25.6 on the LP tasks)."
            | Buffer_Size _ -> "dds: most measure vectors the reservoir-sampled density buffer holds (default 10000)."
            | Cluster _ ->
                "evaluate on a cluster of `qd worker` processes: localhost[:PORT], postgres:CONNECTION-STRING or "
                + "redis:CONFIGURATION (default: in this process). The archive is the same either way."
            | Chunk_Size _ -> "with --cluster: rows per chunk sent to a worker (default 0: two chunks per live worker)."
            | Chunk_Timeout _ ->
                "with --cluster: seconds before a hung worker's chunk is re-sent to another (default 0: 10 x the "
                + "measured time per chunk, at least 3 s). A dead worker's chunks are re-sent as soon as it is noticed."
            | Cluster_Wait _ ->
                "with --cluster: seconds to wait when no worker is left before stopping with a checkpoint (default 300)."
            | Cluster_Cert _ ->
                "with --cluster: the cluster's credentials (qd cluster init DIR; default: $QD_CLUSTER_CERT), for mutual "
                + "TLS with the workers. Required with postgres: and redis:."
            | Out _ ->
                "run directory (default data/runs/<algorithm>-<task>-s<seed>); one that already holds a run is refused."
            | Overwrite -> "replace the run already in the run directory (its files and pictures are deleted first)."
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
    | Cluster of connection: string
    | Chunk_Size of int
    | Chunk_Timeout of seconds: float
    | Cluster_Wait of seconds: float
    | Cluster_Cert of dir: string
    | Quiet

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "the run directory (holds config.json and checkpoint.bin), or a pipeline directory."
            | Iterations _ -> "new total iteration count (default: the config's)."
            | Cluster _ ->
                "evaluate on a cluster of `qd worker` processes: localhost[:PORT], postgres:CONNECTION-STRING or "
                + "redis:CONFIGURATION (default: in this process). The archive is the same either way."
            | Chunk_Size _ -> "with --cluster: rows per chunk sent to a worker (default 0: two chunks per live worker)."
            | Chunk_Timeout _ ->
                "with --cluster: seconds before a hung worker's chunk is re-sent to another (default 0: 10 x the "
                + "measured time per chunk, at least 3 s). A dead worker's chunks are re-sent as soon as it is noticed."
            | Cluster_Wait _ ->
                "with --cluster: seconds to wait when no worker is left before stopping with a checkpoint (default 300)."
            | Cluster_Cert _ ->
                "with --cluster: the cluster's credentials (qd cluster init DIR; default: $QD_CLUSTER_CERT), for mutual "
                + "TLS with the workers. Required with postgres: and redis:."
            | Quiet -> "print only the output paths."

/// `qd report`: pictures of a run.
type ReportArgs =
    | [<MainCommand; Mandatory>] Run_Dir of dir: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ ->
                "the run directory; heatmap.png, metrics.png, parallel.png (more than two measures), for MOME "
                + "hypervolume.png and front.png, for robot runs robot-metrics.png and trajectories.png (needs MuJoCo), "
                + "and report.html (all of them in one self-contained page) are written into it; or a pipeline "
                + "directory (front.png)."

/// `qd compare`: several runs' metrics on one chart.
type CompareArgs =
    | [<MainCommand; Mandatory>] Run_Dirs of dirs: string list
    | Out of file: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dirs _ -> "run directories (each holds metrics.parquet); each line is named after its directory."
            | Out _ -> "the chart (default data/runs/comparison.png)."

/// `qd export`: a run's archive as CSV or Parquet, in our columns or pyribs'.
type ExportArgs =
    | [<MainCommand; Mandatory>] Run_Dir of dir: string
    | To of format: string
    | Layout of name: string
    | Out of file: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "the run directory (holds archive.parquet)."
            | To _ ->
                "csv (default; pandas.read_csv reads it without pyarrow) or parquet (one INT64 or DOUBLE column per value)."
            | Layout _ ->
                "ours (cell, objective, measure_0.., solution_0..; default) or pyribs (pyribs' ArchiveDataFrame: "
                + "solution_0.., objective, measures_0.., threshold, index), for pandas.read_csv and pyribs' analysis code."
            | Out _ ->
                "the file (default RUN/archive.csv or RUN/archive-pyribs.csv; with --to parquet RUN/archive-flat.parquet "
                + "or RUN/archive-pyribs.parquet)."

/// `qd reevaluate`: a noisy run's elites evaluated again, the corrected archive beside the run's.
type ReevaluateArgs =
    | [<MainCommand; Mandatory>] Run_Dir of dir: string
    | Samples of int
    | Aggregate of name: string
    | Seed of int64

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "the run directory (its last checkpoint is re-evaluated)."
            | Samples _ -> "evaluations per elite (default 32)."
            | Aggregate _ -> "mean or median of the samples (default the run's, else mean)."
            | Seed _ -> "the key of the re-evaluation's noise (default: a purpose of the run's seed)."

/// `qd replay`: one elite of a robot run, simulated again, its trajectory in Parquet.
type ReplayArgs =
    | [<MainCommand; Mandatory>] Run_Dir of dir: string
    | Cell of int
    | Out of file: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "the run directory of a brittle-star or quadruped run."
            | Cell _ -> "the archive cell whose elite to replay (default: the best elite)."
            | Out _ ->
                "where the trajectory goes (default RUN/replay-cell-N.parquet with --cell N, RUN/replay-best.parquet without)."

/// `qd compare-batch`: one configuration at several batch sizes for one evaluation budget.
type CompareBatchArgs =
    | Task of name: string
    | Algorithm of name: string
    | Dim of int
    | Archive of spec: string
    | Batches of sizes: int list
    | Budget of evaluations: int64
    | Seeds of int
    | Seed of int64
    | Out of dir: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Task _ -> "task (default lp-sphere; brittle-star and quadruped work too)."
            | Algorithm _ -> "algorithm, with its presets (default map-elites)."
            | Dim _ -> "solution dimension of the benchmark tasks (default 100)."
            | Archive _ -> "archive (default: the task's preset, grid:100x100 for the benchmarks)."
            | Batches _ -> "batch sizes to compare (default 16 64 256 1024; 16 64 256 on robot tasks)."
            | Budget _ -> "evaluations per run, initial population included (default 100000; 1024 on robot tasks)."
            | Seeds _ -> "seeds per batch size (default 3; 2 on robot tasks)."
            | Seed _ -> "first seed (default 42)."
            | Out _ ->
                "where compare-batch.parquet and compare-batch.png go (default data/compare-batch/<task>-<algorithm>)."

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
                "what to time: map-elites, archive, engine, centroids, optimizers, novelty (proximity archive at 100,000 entries), "
                + "physics (robot episodes per second and ms per physics step on 1 and 2 workers), "
                + "cluster (evaluations/s with 1, 2, 4 and 8 local worker processes: sleep-50ms, brittle-star), "
                + "device (device MAP-Elites against the CPU path; the default with --device) "
                + "or all (default all; physics only when MuJoCo is installed); maze: novelty search against objective-driven search on the deceptive maze; "
                + "or dqd: the DQD paper's table (six algorithms × three tasks × seeds); "
                + "or pyribs-table: pyribs' sphere table (CMA-ME variants, Multi-Emitter MAP-Elites, novelty with CMA-ES; docs/pyribs-table.md); "
                + "or frontier-table: DDS and DMS on pyribs' sphere benchmark (d 100, 100x100 grid, 540 evaluations per iteration) beside pyribs' rows, into docs/frontier-table.md."
            | Seconds _ -> "approximate seconds per measurement (default 3)."
            | Seeds _ -> "dqd, pyribs-table, frontier-table and maze: seeds per configuration (default 3)."
            | Iterations _ ->
                "dqd, pyribs-table and frontier-table: iterations per run (default 10000, the papers'); maze: default 1000."
            | Tasks _ -> "dqd: tasks (default lp-sphere lp-rastrigin arm)."
            | Algorithms _ ->
                "dqd: algorithms (default map-elites map-elites-line cma-me og-map-elites omg-mega cma-mega); "
                + "pyribs-table: pyribs' configuration names to redo (default all ten); frontier-table: dds and/or dms (default both)."
            | Out _ -> "dqd, pyribs-table and frontier-table: where the table goes (default docs)."
            | Device _ ->
                "ilgpu-cpu or cuda: time MAP-Elites iterations on that device next to the CPU path (suite device, "
                + "the default when --device is given); engine: run the engine's kernels there."

/// `qd worker`: an evaluation worker (an Orleans silo) that joins a cluster until stopped.
type WorkerArgs =
    | [<Mandatory>] Cluster of connection: string
    | Port of int
    | Host of address: string
    | Tasks_From of assemblies: string list
    | Cluster_Cert of dir: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Cluster _ -> "the cluster to join: localhost[:PORT], postgres:CONNECTION-STRING or redis:CONFIGURATION."
            | Port _ ->
                "silo port; the gateway port is this + 1 (default: localhost's PORT, else 11111). Workers on one "
                + "machine need ports two apart; 0 picks free ones and prints them. A taken port stops the worker."
            | Host _ ->
                "address other machines reach this worker at (default 127.0.0.1; use the node's address on a cluster)."
            | Tasks_From _ -> "assemblies with public ITaskSource classes: user tasks the worker also evaluates."
            | Cluster_Cert _ ->
                "the cluster's credentials (qd cluster init DIR; default: $QD_CLUSTER_CERT): mutual TLS with every "
                + "other member. Required with postgres: and redis: and off loopback; a loopback cluster may stay plain."

/// `qd cluster`: look at or prepare a cluster.
type ClusterArgs =
    | [<MainCommand; Mandatory>] Action of action: string * connection: string
    | Cluster_Cert of dir: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Action _ ->
                "status CONNECTION: every worker, its state, load, speed and certificate; setup postgres:CONNECTION-STRING: "
                + "create the membership tables (safe to repeat); init DIR: write a new private authority and the "
                + "cluster's certificate there (owner-only files), for --cluster-cert."
            | Cluster_Cert _ -> "status: the cluster's credentials (default: $QD_CLUSTER_CERT)."

/// `qd serve`: a local web dashboard of the runs under a directory.
type ServeArgs =
    | [<MainCommand>] Dir of dir: string
    | Host of address: string
    | Port of int

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Dir _ -> "the directory whose runs and pipelines are shown, at any depth (default data/runs)."
            | Host _ ->
                "the address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 lets other machines in)."
            | Port _ -> "the port (default 5170; 0: any free port)."

/// The `qd` command.
type QdArgs =
    | [<CliPrefix(CliPrefix.None)>] Run of ParseResults<RunArgs>
    | [<CliPrefix(CliPrefix.None)>] Pipeline of ParseResults<PipelineArgs>
    | [<CliPrefix(CliPrefix.None)>] Resume of ParseResults<ResumeArgs>
    | [<CliPrefix(CliPrefix.None)>] Report of ParseResults<ReportArgs>
    | [<CliPrefix(CliPrefix.None)>] Compare of ParseResults<CompareArgs>
    | [<CliPrefix(CliPrefix.None)>] Bench of ParseResults<BenchArgs>
    | [<CliPrefix(CliPrefix.None)>] Worker of ParseResults<WorkerArgs>
    | [<CliPrefix(CliPrefix.None)>] Cluster of ParseResults<ClusterArgs>
    | [<CliPrefix(CliPrefix.None)>] Replay of ParseResults<ReplayArgs>
    | [<CliPrefix(CliPrefix.None)>] Export of ParseResults<ExportArgs>
    | [<CliPrefix(CliPrefix.None)>] Reevaluate of ParseResults<ReevaluateArgs>
    | [<CliPrefix(CliPrefix.None)>] Compare_Batch of ParseResults<CompareBatchArgs>
    | [<CliPrefix(CliPrefix.None)>] Serve of ParseResults<ServeArgs>
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
            | Compare _ -> "draw several runs' coverage, QD score and best objective against evaluations on one chart."
            | Reevaluate _ ->
                "evaluate a noisy run's elites again, several samples each, and write the corrected archive and its QD score."
            | Export _ -> "write a run's archive as CSV or Parquet, in our columns or pyribs' (pandas reads either)."
            | Replay _ ->
                "re-simulate one elite of a robot run and write its trajectory (time, root position, joint angles) to Parquet."
            | Compare_Batch _ ->
                "QD score against evaluations and wall time at several batch sizes for one budget (table in Parquet, plot in PNG)."
            | Bench _ -> "print timings: iterations per second, archive insertion, engine, centroids."
            | Worker _ -> "run an evaluation worker that joins a cluster (see qd run --cluster)."
            | Cluster _ -> "show a cluster's workers (status) or create PostgreSQL membership tables (setup)."
            | Serve _ ->
                "a local web dashboard of runs and pipelines: status, live metric curves, the archive's growth, comparisons."
            | Version -> "print the version."
