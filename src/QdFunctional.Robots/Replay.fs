namespace QdFunctional

open System.IO
open QdFunctional.Core.Persistence
open QdFunctional.Physics
open QdFunctional.Physics.Tasks
open QdFunctional.Core.Archives

/// One elite of a robot run, simulated again.
type ReplayResult =
    {
        Cell: int
        Solution: float[]
        /// The quality and measures the archive holds for the elite.
        Archived: float * float[]
        /// The quality and measures of the new episode (equal to the archived ones: episodes are deterministic).
        Replayed: float * float[]
        Trajectory: Trajectory
    }

/// Re-simulating the elites of a robot task's run, to look at how they move.
[<RequireQualifiedAccess>]
module Replay =
    /// The row of `cell` in the table, or of the best elite when no cell is given.
    let row (table: EliteTable) (cell: int option) =
        if table.Count = 0 then
            invalidArg "cell" "The archive is empty."

        match cell with
        | Some c ->
            match Array.tryFindIndex ((=) c) table.Cells with
            | Some i -> i
            | None ->
                let some =
                    table.Cells |> Array.truncate 10 |> Array.map string |> String.concat ", "

                invalidArg "cell" $"Cell {c} holds no elite; occupied cells include {some}."
        | None ->
            [| 0 .. table.Count - 1 |]
            |> Array.maxBy (fun i -> table.Objectives[i * table.ObjectiveCount])

    /// Plays row `i` of the table on `task` again.
    let elite (task: LocomotionTask) (table: EliteTable) (i: int) =
        let d, k = table.SolutionDim, table.Layout.MeasureDim
        let solution = table.Solutions[i * d .. i * d + d - 1]

        let struct (trajectory, objective, measures) =
            task.Replay(System.ReadOnlySpan solution)

        {
            Cell = table.Cells[i]
            Solution = solution
            Archived = table.Objectives[i * table.ObjectiveCount], table.Measures[i * k .. i * k + k - 1]
            Replayed = objective, measures
            Trajectory = trajectory
        }

    /// The robot task a run directory was made with (one worker: a replay is one episode).
    let task (dir: string) =
        let config = JsonFile.Read<RunConfig>(RunDirectory.configPath dir)

        if not (PhysicsCatalog.Contains config.Task) then
            invalidArg
                "run"
                $"{dir} ran task '{config.Task}', which has no physics to replay; replay needs brittle-star or quadruped."

        PhysicsCatalog.Create(config.Task, 1)

    /// Replays `cell` (or the best elite) of the run in `dir` and writes its trajectory to `out`.
    let toParquet (dir: string) (cell: int option) (out: string) =
        let archive = RunDirectory.archivePath dir

        if not (File.Exists archive) then
            raise (
                FileNotFoundException($"{dir} has no archive.parquet; finish the run first (qd resume {dir}).", archive)
            )

        use task = task dir
        let table = Results.loadArchive archive
        let result = elite task table (row table cell)
        TrajectoryParquet.Write(out, result.Trajectory)
        result
