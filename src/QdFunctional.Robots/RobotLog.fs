namespace QdFunctional

open System.IO
open QdFunctional.Physics
open QdFunctional.Physics.Tasks

/// The CPG tutorial's per-iteration metrics of a robot run (max, mean and min fitness, occupancy,
/// furthest distance), collected beside `metrics.parquet` and written with each checkpoint.
type RobotLog(path: string, positions: bool, kept: RobotMetricsRow list) =
    let mutable rows = List.rev kept

    /// Adds the row of a state.
    member _.Add(state: RunState) =
        rows <-
            RobotMetrics.Of(state.Iteration, state.Evaluations, state.Archive, positions)
            :: rows

    /// Writes every row so far (atomically).
    member _.Save() =
        RobotMetrics.Write(path, List.toArray (List.rev rows))

    interface IRunLog with
        member log.Add state = log.Add state
        member log.Save() = log.Save()

/// Starting a robot log for a run directory.
[<RequireQualifiedAccess>]
module RobotLog =
    /// A log for a robot task (none for other tasks), holding the rows on disk before `state` and `state`'s own row.
    /// Decided by the task's name, not its evaluator, so a run evaluated on a cluster keeps the log too.
    let start (dir: string) (taskName: string) (state: RunState) : RobotLog option =
        if PhysicsCatalog.Contains taskName then
            let path = Path.Combine(dir, RobotMetrics.FileName)

            let kept =
                RobotMetrics.Read path
                |> Array.filter (fun r -> r.Iteration < state.Iteration)
                |> List.ofArray

            // The brittle star's measures are its final position, so its furthest distance is known.
            let log = RobotLog(path, (taskName = BrittleStarTask.TaskName), kept)
            log.Add state
            Some log
        else
            None
