namespace QdFunctional

open QdFunctional.Physics

/// Registers the robot tasks with the front, so `qd run --task brittle-star`, `Task.byName` and run
/// directories know them, and robot runs keep the CPG tutorial's metrics beside `metrics.parquet`.
[<RequireQualifiedAccess>]
module Robots =
    /// The robot tasks by name (MuJoCo opens only when one is made, not when its facts are read).
    let tasks =
        {
            Names = List.ofSeq PhysicsCatalog.Names
            Facts = PhysicsCatalog.Facts
            Create = fun name _ _ -> PhysicsCatalog.Create name
        }

    /// The extension: the tasks and the robots' metrics log.
    let extension =
        {
            Name = "QdFunctional.Robots"
            Tasks = Some tasks
            Device = None
            Log = Some(fun dir task state -> RobotLog.start dir task state |> Option.map (fun log -> log :> IRunLog))
        }

    /// Makes the robot tasks known to this process (once is enough; again changes nothing).
    let register () = Extensions.register extension
