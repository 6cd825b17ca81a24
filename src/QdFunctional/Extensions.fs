namespace QdFunctional

open System
open QdFunctional.Core.Metrics
open QdFunctional.Core.Tasks

/// Tasks known by name, as `--task`, `Task.byName` and the pipeline look them up.
type TaskSource =
    {
        /// Every name the source makes.
        Names: string list
        /// What a run plan needs to know of a task, without building it (a robot opens no simulator).
        Facts: string -> TaskFacts
        /// The task of a run of solution dimension `dim`, written in the engine in the given
        /// precision when the run takes its gradients from the engine.
        Create: string -> int -> QdFunctional.Diff.Dtype option -> ITask
    }

/// One run's whole iterations on a device, the archive kept there between checkpoints.
type IDeviceLoop =
    inherit IDisposable
    /// One iteration; the state's archive is left as it was until `Current`.
    abstract Step: RunState -> RunState
    /// The last iteration's metrics row.
    abstract Metrics: elapsedSeconds: float -> RunState -> MetricsRow
    /// The state with the device's archive brought back (for a checkpoint or the results).
    abstract Current: RunState -> RunState

/// Whole iterations on a device.
type DeviceSource =
    {
        /// The tasks the device's loops run.
        Tasks: string list
        /// The loop of a plan whose `OnDevice` is set, from a state on the CPU.
        Start: RunPlan -> RunState -> IDeviceLoop
    }

/// A log an extension keeps beside `metrics.parquet` (the robots' CPG metrics), saved with each checkpoint.
type IRunLog =
    /// Adds an iteration's row.
    abstract Add: RunState -> unit
    /// Writes every row so far (atomically).
    abstract Save: unit -> unit

/// What a package adds to the runs this process makes: tasks, a device, a log.
type Extension =
    {
        /// Registering an extension of the same name again replaces it.
        Name: string
        Tasks: TaskSource option
        Device: DeviceSource option
        /// The log of a run directory's task (None for the tasks it does not log), holding the rows
        /// on disk before the state's iteration and the state's own row.
        Log: (string -> string -> RunState -> IRunLog option) option
    }

/// The tasks, device and logs this process knows beyond the core. The core's benchmarks are always
/// there; the robot tasks (`QdFunctional.Robots`) and the device loops (`QdFunctional.Devices`) come
/// with their packages, which register once at start-up (`Robots.register ()`, `Devices.register ()`),
/// so a script that runs MAP-Elites on its own function loads neither MuJoCo's bindings nor ILGPU.
[<RequireQualifiedAccess>]
module Extensions =
    /// The core's benchmark tasks (TaskCatalog).
    let benchmarks =
        {
            Names = List.ofSeq TaskCatalog.Names
            Facts = TaskCatalog.Facts
            Create =
                fun name dim engine ->
                    match engine with
                    | Some dtype -> TaskCatalog.CreateInEngine(name, dim, dtype)
                    | None -> TaskCatalog.Create(name, dim)
        }

    let private gate = obj ()
    let mutable private registered: Extension list = []

    /// Adds an extension (replacing one of the same name). Safe from several threads.
    let register (extension: Extension) =
        lock gate (fun () ->
            registered <- (registered |> List.filter (fun e -> e.Name <> extension.Name)) @ [ extension ])

    /// The extensions registered, in order.
    let all () = registered

    let private sources () =
        benchmarks :: (registered |> List.choose _.Tasks)

    /// Every task name, the core's first.
    let taskNames () =
        sources () |> List.collect _.Names |> List.distinct

    /// Whether a task of this name is known.
    let knowsTask (name: string) =
        sources () |> List.exists (fun s -> List.contains name s.Names)

    let private unknown (name: string) =
        let hint =
            if registered |> List.exists (fun e -> e.Tasks.IsSome) then
                ""
            else
                " The robot tasks come with the QdFunctional.Robots package (`Robots.register ()`)."

        ArgumentException($"""Unknown task '{name}'; known: {String.concat ", " (taskNames ())}.{hint}""", "name")

    let private source (name: string) =
        match sources () |> List.tryFind (fun s -> List.contains name s.Names) with
        | Some s -> s
        | None -> raise (unknown name)

    /// What a plan needs to know of a task (ArgumentException naming the known tasks otherwise).
    let facts (name: string) = (source name).Facts name

    /// The task of a run (ArgumentException naming the known tasks otherwise).
    let createTask (name: string) (dim: int) (engine: QdFunctional.Diff.Dtype option) =
        (source name).Create name dim engine

    /// The device registered, if any.
    let device () = registered |> List.tryPick _.Device

    /// The logs the extensions keep for a run directory's task.
    let logs (dir: string) (task: string) (state: RunState) =
        registered
        |> List.choose _.Log
        |> List.choose (fun start -> start dir task state)
