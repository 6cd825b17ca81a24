namespace QdFunctional

open System
open System.Collections.Generic
open System.IO
open QdFunctional.Core.Archives
open QdFunctional.Core.Persistence
open QdFunctional.Core.Random

/// What defines a combined pipeline (`qd pipeline`), stored in `pipeline.json`.
type PipelineConfig =
    {
        /// A multi-objective task with gradients (mo-sphere, mo-rastrigin).
        Task: string
        Dim: int
        /// The two objectives (0-based) the sweep trades off.
        ObjectiveA: int
        ObjectiveB: int
        /// Steps of the sweep: weights (1, 0), ..., (0, 1) on (A, B), evenly spaced.
        Steps: int
        /// Iterations of each single-objective Adam run.
        SingleIterations: int
        /// Iterations of each MOME run.
        MomeIterations: int
        /// Points each Adam run climbs with.
        Population: int
        /// Adam's learning rate.
        StepSize: float
        /// MOME's emitter (see MomeSettings.Emitter).
        MomeEmitter: string
        /// Children per MOME iteration.
        Batch: int
        /// MOME's archive spec.
        Archive: string
        /// Root seed: every run's seed is drawn from it by step and run.
        Seed: uint64
        /// How many of the best earlier solutions seed each run.
        SeedCount: int
        /// Iterations without a QD-score gain before the watchdog restarts a run (0: off).
        Stagnation: int
        /// Restarts the watchdog allows each run (after a crash or a stagnation).
        MaxRestarts: int
        /// Iterations between each run's checkpoints.
        CheckpointEvery: int
        Version: string
    }

/// A run's restart count, as the watchdog keeps it.
type RunRestarts = { Run: string; Restarts: int }

/// Where a pipeline stands, rewritten atomically after every change.
type PipelineState =
    {
        Config: PipelineConfig
        /// Runs finished (relative paths such as step-03/mome), in the order they finished.
        Finished: string list
        /// Steps ended early by SIGUSR1.
        Skipped: int list
        Restarts: RunRestarts list
    }

/// The combined optimization pipeline: a sweep of scalarization weights between two objectives;
/// each step runs two single-objective Adam runs side by side, then one MOME run. Every run is
/// seeded with the best solutions of all runs that finished before it (global seeding), read
/// back from their `archive.parquet`. Runs are ordinary run directories, so each one resumes,
/// reports and replays like any other; the process that drives them (with its watchdog and
/// signals) lives in the command line.
[<RequireQualifiedAccess>]
module Pipeline =
    let statePath dir = Path.Combine(dir, "pipeline.json")

    /// The defaults of `qd pipeline`: mo-sphere in dimension 10, 11 steps of 60 Adam and 60 MOME iterations.
    let defaults =
        {
            Task = "mo-sphere"
            Dim = 10
            ObjectiveA = 0
            ObjectiveB = 1
            Steps = 11
            SingleIterations = 60
            MomeIterations = 60
            Population = 16
            StepSize = 0.02
            MomeEmitter = "hybrid-gradient"
            Batch = 64
            Archive = "cvt:64"
            Seed = 42UL
            SeedCount = 32
            Stagnation = 20
            MaxRestarts = 3
            CheckpointEvery = 10
            Version = RunConfig.version
        }

    /// Checks a pipeline config; raises ArgumentException naming the field.
    let validate (c: PipelineConfig) =
        let fail field (msg: string) = invalidArg field msg

        if not (Extensions.knowsTask c.Task && (Extensions.facts c.Task).MultiObjective) then
            fail "task" $"the pipeline needs a multi-objective task (mo-sphere, mo-rastrigin); got '{c.Task}'."

        let m = (Extensions.facts c.Task).ObjectiveCount

        for field, j in [ "objective-a", c.ObjectiveA; "objective-b", c.ObjectiveB ] do
            if j < 0 || j >= m then
                fail field $"objective {j} does not exist; '{c.Task}' has objectives 0 to {m - 1}."

        if c.ObjectiveA = c.ObjectiveB then
            fail "objective-b" "the sweep needs two different objectives."

        if c.Steps < 2 || c.Steps > 100 then
            fail
                "steps"
                $"a sweep needs at least 2 steps and at most 100 (runs are named step-00 to step-99), got {c.Steps}."

        for field, v in
            [
                "single-iterations", c.SingleIterations
                "mome-iterations", c.MomeIterations
                "population", c.Population
                "batch", c.Batch
            ] do
            if v < 1 then
                fail field $"{field} must be at least 1, got {v}."

        if
            c.SeedCount < 0
            || c.MaxRestarts < 0
            || c.Stagnation < 0
            || c.CheckpointEvery < 0
        then
            fail "pipeline" "seed count, restarts, stagnation and checkpoint interval must be 0 or more."

        c

    /// Weights of step s on (objective A, objective B): from (1, 0) at the first step to (0, 1) at the last.
    let stepWeights (c: PipelineConfig) (s: int) =
        let b = float s / float (c.Steps - 1)
        1.0 - b, b

    /// The weight vector over all m objectives at step s.
    let weightVector (c: PipelineConfig) (m: int) (s: int) =
        let a, b = stepWeights c s

        Array.init m (fun j ->
            if j = c.ObjectiveA then a
            elif j = c.ObjectiveB then b
            else 0.0)

    /// The runs of step s, in the order they run: two Adam runs side by side, then MOME.
    let runsOf (s: int) =
        let step = $"step-%02d{s}"
        [ $"{step}/single-1"; $"{step}/single-2" ], $"{step}/mome"

    /// Every run of the pipeline in order.
    let allRuns (c: PipelineConfig) =
        [
            for s in 0 .. c.Steps - 1 do
                let singles, mome = runsOf s
                yield! singles
                yield mome
        ]

    let private seedOf (c: PipelineConfig) (run: string) =
        let key = Key.Of c.Seed
        let index = allRuns c |> List.findIndex ((=) run)
        key.FoldIn(index).Bits(0UL) >>> 1

    /// The run config of `run` ("step-SS/single-K" or "step-SS/mome"); seeds are in `seeds.parquet` when given.
    let runConfig (c: PipelineConfig) (run: string) (seeded: bool) =
        let s = int (run.Substring(5, 2))
        let m = (Extensions.facts c.Task).ObjectiveCount
        let single = run.EndsWith "/mome" |> not

        let algorithm =
            if single then
                Algorithms.Adam.adam
            else
                Algorithms.Mome.mome

        let preset =
            RunConfig.preset c.Task algorithm { RunConfig.defaults with Dim = c.Dim }

        { preset with
            Task = c.Task
            Dim = c.Dim
            Algorithm = algorithm
            Seed = seedOf c run
            Iterations = if single then c.SingleIterations else c.MomeIterations
            Batch = if single then c.Population else c.Batch
            StepSize = if single then c.StepSize else preset.StepSize
            Archive = c.Archive
            Weights = if single then weightVector c m s else null
            Seeds = if seeded then "seeds.parquet" else null
            Stagnation = c.Stagnation
            CheckpointEvery = c.CheckpointEvery
            Mome =
                { MomeSettings.defaults with
                    Emitter = c.MomeEmitter
                    Objective = c.ObjectiveA
                }
        }
        |> RunConfig.validate

    /// Every solution in the archives of `runs` (those that wrote one), without exact repeats.
    let private gather dir (runs: string list) =
        let seen = HashSet<string>()
        let rows = ResizeArray<float[] * float[] * float[]>()

        for run in runs do
            let path = RunDirectory.archivePath (Path.Combine(dir, run))

            if File.Exists path then
                let t = ArchiveParquet.Read path
                let d, m, k = t.SolutionDim, t.ObjectiveCount, t.Layout.MeasureDim

                for i in 0 .. t.Count - 1 do
                    let solution = t.Solutions[i * d .. (i + 1) * d - 1]

                    let text =
                        String.Join(',', solution |> Array.map (fun v -> BitConverter.DoubleToInt64Bits v))

                    if seen.Add text then
                        rows.Add(solution, t.Objectives[i * m .. (i + 1) * m - 1], t.Measures[i * k .. (i + 1) * k - 1])

        rows.ToArray()

    /// The rows no other row dominates (in their objectives).
    let private nonDominated (rows: (float[] * float[] * float[])[]) =
        if rows.Length = 0 then
            rows
        else
            let objectives = rows |> Array.collect (fun (_, o, _) -> o)
            let m = objectives.Length / rows.Length
            let keep = Array.zeroCreate rows.Length
            ParetoFront.NonDominated(ReadOnlySpan objectives, m, Span keep) |> ignore
            rows |> Array.indexed |> Array.filter (fun (i, _) -> keep[i]) |> Array.map snd

    /// Rows (solution, objectives, measures) as an archive table of one cell over the task's
    /// measure bounds: a set of solutions rather than a map, readable like any archive.parquet.
    let table (c: PipelineConfig) (rows: (float[] * float[] * float[])[]) =
        let task = QdFunctional.Core.Tasks.TaskCatalog.Create(c.Task, c.Dim)

        EliteTable(
            ArchiveLayout("grid", task.MeasureLow, task.MeasureHigh, Array.create task.MeasureDim 1, [||]),
            c.Dim,
            task.ObjectiveCount,
            Array.zeroCreate rows.Length,
            rows |> Array.collect (fun (_, o, _) -> o),
            rows |> Array.collect (fun (_, _, k) -> k),
            rows |> Array.collect (fun (x, _, _) -> x),
            Dictionary<string, float[]>()
        )

    /// The runs whose results seed `run`: every run of the earlier steps and, for MOME, the two
    /// Adam runs of its own step, in pipeline order (those of a skipped step with what they saved).
    let sources (c: PipelineConfig) (run: string) =
        let s = int (run.Substring(5, 2))
        let singles, _ = runsOf s

        allRuns c
        |> List.filter (fun r ->
            let step = int (r.Substring(5, 2))
            step < s || (run.EndsWith "/mome" && List.contains r singles))

    /// The seeds of `run` from the runs before it (see `sources`): for an Adam run the best
    /// `SeedCount` by its step's weighted objective; for MOME the non-dominated ones, the best by
    /// that weighted objective first when there are more than `SeedCount`. Ties keep the earlier run's.
    let seeds dir (c: PipelineConfig) (run: string) =
        let s = int (run.Substring(5, 2))
        let rows = gather dir (sources c run)

        if rows.Length = 0 || c.SeedCount = 0 then
            [||]
        else
            let objectivesOf (_, o: float[], _) = o
            let m = (objectivesOf rows[0]).Length
            let w = weightVector c m s

            let score (o: float[]) =
                Array.fold2 (fun acc wj oj -> acc + wj * oj) 0.0 w o

            let pool = if run.EndsWith "/mome" then nonDominated rows else rows

            pool
            |> Array.indexed
            |> Array.sortBy (fun (i, row) -> -score(objectivesOf row), i)
            |> Array.truncate c.SeedCount
            |> Array.map snd

    /// Prepares `run`'s directory: its seeds file (if any seeds) and its config.json.
    let prepare dir (c: PipelineConfig) (run: string) =
        let runDir = Path.Combine(dir, run)
        Directory.CreateDirectory runDir |> ignore
        let chosen = seeds dir c run

        if chosen.Length > 0 then
            ArchiveParquet.Write(Path.Combine(runDir, "seeds.parquet"), table c chosen)

        JsonFile.Write(RunDirectory.configPath runDir, runConfig c run (chosen.Length > 0))
        runDir

    /// A new pipeline's state.
    let start dir (c: PipelineConfig) =
        let c = validate c
        Directory.CreateDirectory dir |> ignore

        let state =
            {
                Config = c
                Finished = []
                Skipped = []
                Restarts = []
            }

        JsonFile.Write(statePath dir, state)
        state

    /// True when `dir` holds a pipeline (rather than a single run).
    let isPipeline dir = File.Exists(statePath dir)

    let load dir : PipelineState =
        let s = JsonFile.Read<PipelineState>(statePath dir)
        { s with Config = validate s.Config }

    let save dir (s: PipelineState) = JsonFile.Write(statePath dir, s)

    /// Restarts the watchdog has spent on `run`.
    let restartsOf (s: PipelineState) run =
        s.Restarts
        |> List.tryFind (fun r -> r.Run = run)
        |> Option.map _.Restarts
        |> Option.defaultValue 0

    /// Steps not finished or skipped yet, with the runs of each still to do.
    let remaining (s: PipelineState) =
        [
            for step in 0 .. s.Config.Steps - 1 do
                if not (List.contains step s.Skipped) then
                    let singles, mome = runsOf step

                    let todo =
                        singles @ [ mome ] |> List.filter (fun r -> not (List.contains r s.Finished))

                    if not todo.IsEmpty then
                        yield step, todo
        ]

    /// The global Pareto front over every run's results (solution, objectives, measures).
    let globalFront dir (s: PipelineState) =
        gather dir (allRuns s.Config) |> nonDominated
