namespace QdFunctional

open System.IO
open QdFunctional.Core.Archives
open QdFunctional.Core.Checkpoints
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence
open QdFunctional.Core.Random
open QdFunctional.Core.Tasks

/// What re-evaluating a run's elites found (`reevaluation.json`): the run's own QD score and
/// coverage beside the corrected archive's, whose elites were judged on `Samples` evaluations.
type ReevaluationSummary =
    {
        Samples: int
        Aggregate: string
        Elites: int
        QdScore: float
        Coverage: float
        CorrectedElites: int
        CorrectedQdScore: float
        CorrectedCoverage: float
    }

    /// The part of the run's QD score its re-evaluation kept (1: none of it was luck).
    member s.KeptShare =
        if s.QdScore = 0.0 then
            1.0
        else
            s.CorrectedQdScore / s.QdScore

/// Re-evaluation of a noisy run's elites (QDax's corrected repertoire; see Archive.reevaluate):
/// written into the run directory as `reevaluation.json` and `archive-reevaluated.parquet`.
[<RequireQualifiedAccess>]
module Reevaluate =
    /// The summary's file in a run directory.
    let fileName = "reevaluation.json"

    /// The corrected archive's file in a run directory.
    let archiveFileName = "archive-reevaluated.parquet"

    /// Samples per elite unless asked (QDax's examples re-evaluate with tens of samples).
    let defaultSamples = 32

    /// The key of a run's re-evaluation: a purpose of its seed that no iteration draws from.
    let keyOf (config: RunConfig) = Key.Of(config.Seed).FoldIn(0x72657661)

    /// True when a run's evaluations are random (`--noise`, `--samples`, or a noisy task such as noisy-arm).
    let isNoisy (plan: RunPlan) (task: ITask) =
        not plan.Noise.IsNone || plan.Samples > 1 || task :? IStochasticTask

    /// The task each elite is re-evaluated with: the run's, without its own sampling (the
    /// re-evaluation samples by itself).
    let private unsampled (task: ITask) =
        match task with
        | :? SampledTask as s -> s.Inner
        | t -> t

    /// Re-evaluates the result archive of `state` and writes both files into `dir`.
    let ofState dir (key: Key) (samples: int) (aggregate: SampleAggregate) (task: ITask) (state: RunState) =
        let archive = state.Archive

        let corrected =
            Reevaluation.Corrected(archive, unsampled task, key, samples, aggregate)

        Results.saveArchive (Path.Combine(dir, archiveFileName)) corrected
        let before, after = archive.Stats, corrected.Stats

        let summary =
            {
                Samples = samples
                Aggregate =
                    (if aggregate = SampleAggregate.Median then
                         "median"
                     else
                         "mean")
                Elites = before.NumElites
                QdScore = before.QdScore
                Coverage = before.Coverage
                CorrectedElites = after.NumElites
                CorrectedQdScore = after.QdScore
                CorrectedCoverage = after.Coverage
            }

        JsonFile.Write(Path.Combine(dir, fileName), summary)
        summary

    /// Re-evaluates a run directory's last checkpoint (a finished or stopped run), without taking
    /// its lock: it reads the checkpoint and writes only its own two files.
    let ofRun dir (key: Key option) (samples: int) (aggregate: SampleAggregate) =
        let configPath = RunDirectory.configPath dir
        let checkpointPath = RunDirectory.checkpointPath dir

        if not (File.Exists configPath) then
            raise (FileNotFoundException($"{dir} is not a run directory: it has no config.json.", configPath))

        if not (File.Exists checkpointPath) then
            raise (FileNotFoundException($"{dir} has no checkpoint yet: run it first.", checkpointPath))

        let config = JsonFile.Read<RunConfig>(configPath)
        let plan = RunPlan.parse config
        let task = Run.task plan
        let empty, emptyResult = Run.searchArchives plan task

        let checkpoint =
            ArchiveCheckpoint.Read(
                checkpointPath,
                empty,
                Option.toObj emptyResult,
                List.toArray (Run.emitters plan task)
            )

        let state =
            {
                Scheduler = Scheduler.Create(checkpoint.Archive, checkpoint.Emitters, checkpoint.ResultArchive)
                Iteration = checkpoint.Iteration
                Evaluations = checkpoint.Evaluations
            }

        ofState dir (key |> Option.defaultValue (keyOf config)) samples aggregate task state

    /// The summary in one line, as `qd run` and `qd reevaluate` print it.
    let describe (s: ReevaluationSummary) =
        $"re-evaluated {s.Elites} elites {s.Samples} times ({s.Aggregate}): QD score {s.QdScore:F1} -> {s.CorrectedQdScore:F1} "
        + $"({100.0 * s.KeptShare:F1}%% kept), coverage {100.0 * s.Coverage:F2}%% -> {100.0 * s.CorrectedCoverage:F2}%%"
