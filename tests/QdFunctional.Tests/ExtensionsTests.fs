/// What a package adds through `Extensions`: tasks known by name to `Task.byName`, run plans and run
/// directories, a log kept beside metrics.parquet, and a device's loop; registering again replaces.
module ExtensionsTests

open System
open System.IO
open System.Threading
open Expecto
open QdFunctional

/// A package's task: the sphere under another name, so its archive can be checked against the core's.
let private renamed (name: string) =
    {
        Names = [ name ]
        Facts = fun _ -> QdFunctional.Core.Tasks.TaskFacts(name, 1000, Nullable(), 2, 1, false, false)
        Create = fun _ dim engine -> Extensions.benchmarks.Create "lp-sphere" dim engine
    }

/// Counts the rows and saves a log extension is given.
type private CountingLog() =
    member val Added = 0 with get, set
    member val Saved = 0 with get, set

    interface IRunLog with
        member log.Add _ = log.Added <- log.Added + 1
        member log.Save() = log.Saved <- log.Saved + 1

/// The ArgumentException `f` raises (fails the test when it raises none).
let private argumentError (f: unit -> unit) =
    try
        f ()
        failtest "expected an ArgumentException"
        Unchecked.defaultof<ArgumentException>
    with :? ArgumentException as e ->
        e

let private tempDir () =
    Path.Combine(Path.GetTempPath(), $"qd-extensions-{Guid.NewGuid():N}")

[<Tests>]
let tests =
    testSequenced
    <| testList
        "Extensions"
        [
            test "a registered task is known by name to Task.byName and run plans" {
                let name = $"test-sphere-{Guid.NewGuid():N}"
                Expect.isFalse (Extensions.knowsTask name) "not known before"

                Extensions.register
                    {
                        Name = name
                        Tasks = Some(renamed name)
                        Device = None
                        Log = None
                    }

                Expect.contains (Extensions.taskNames ()) name "listed"
                Expect.equal (Task.byName name 10).SolutionDim 10 "made"

                let plan =
                    RunPlan.parse
                        { RunConfig.defaults with
                            Task = name
                            Dim = 10
                        }

                Expect.equal plan.Task.Name name "planned under its name"
            }

            test "an unknown task's error lists the known ones" {
                let e = argumentError (fun () -> Task.byName "no-such-task" 2 |> ignore)

                Expect.stringContains e.Message "lp-sphere" "names the core's tasks"
                Expect.stringContains e.Message "brittle-star" "names the registered robots"
            }

            test "registering under the same name replaces the extension" {
                let name = $"test-replace-{Guid.NewGuid():N}"
                let first, second = $"{name}-a", $"{name}-b"

                for task in [ first; second ] do
                    Extensions.register
                        {
                            Name = name
                            Tasks = Some(renamed task)
                            Device = None
                            Log = None
                        }

                Expect.isFalse (Extensions.knowsTask first) "the first is gone"
                Expect.isTrue (Extensions.knowsTask second) "the second is there"
                Expect.equal (Extensions.all () |> List.filter (fun e -> e.Name = name) |> List.length) 1 "once"
            }

            test "a run directory keeps an extension's log: a row per iteration, saved at each checkpoint" {
                let name = $"test-logged-{Guid.NewGuid():N}"
                let log = CountingLog()

                Extensions.register
                    {
                        Name = name
                        Tasks = Some(renamed name)
                        Device = None
                        Log = Some(fun _ task _ -> if task = name then Some(log :> IRunLog) else None)
                    }

                let dir = tempDir ()

                try
                    let config =
                        { RunConfig.defaults with
                            Task = name
                            Dim = 10
                            Iterations = 6
                            CheckpointEvery = 3
                            InitialPopulation = 0
                        }

                    RunDirectory.start dir config
                    |> RunDirectory.execute dir CancellationToken.None ignore
                    |> ignore

                    Expect.equal log.Added 6 "one row per iteration"
                    Expect.isGreaterThanOrEqual log.Saved 2 "saved with each checkpoint"
                finally
                    if Directory.Exists dir then
                        Directory.Delete(dir, true)
            }

            test "a plan for a device is refused in one sentence when no device is registered" {
                let saved = Extensions.all () |> List.filter (fun e -> e.Device.IsSome)

                try
                    for e in saved do
                        Extensions.register { e with Device = None }

                    let e =
                        argumentError (fun () ->
                            RunPlan.parse
                                { RunConfig.defaults with
                                    Device = "cuda"
                                }
                            |> ignore)

                    Expect.stringContains e.Message "QdFunctional.Devices" "names the package"
                finally
                    for e in saved do
                        Extensions.register e
            }
        ]
