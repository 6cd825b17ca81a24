module PipelineTests

open System
open System.Diagnostics
open System.IO
open System.Threading
open Expecto
open QdFunctional
open QdFunctional.Core.Persistence
open QdFunctional.Core.Archives

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-pipeline-tests", Guid.NewGuid().ToString("N"))

/// `qd` as a real child process (the CLI next to this test assembly), with extra environment.
/// Started through `env --default-signal=INT` (it execs, keeping the pid): when the tests themselves
/// run as a background job, SIGINT arrives ignored, and the child would inherit that.
let private start (args: string list) (env: (string * string) list) =
    let info = ProcessStartInfo("env")
    info.ArgumentList.Add "--default-signal=INT"
    info.ArgumentList.Add Environment.ProcessPath
    info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qd.dll"))

    for a in args do
        info.ArgumentList.Add a

    for name, value in env do
        info.Environment[name] <- value

    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    let p = Process.Start info
    // Drain the pipes so a chatty child never blocks.
    p.OutputDataReceived.Add ignore
    p.ErrorDataReceived.Add ignore
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    p

let private finish (p: Process) =
    if not (p.WaitForExit(240_000)) then
        p.Kill true
        failtest "qd did not finish within 4 minutes"

    p.ExitCode

let private signal (name: string) (p: Process) =
    use k = Process.Start("kill", $"-{name} {p.Id}")
    k.WaitForExit()

/// A small pipeline: mo-sphere in dimension 4, three steps.
let private small (dir: string) extra =
    [
        "pipeline"
        "--dim"
        "4"
        "--steps"
        "3"
        "--single-iterations"
        "12"
        "--mome-iterations"
        "12"
        "--population"
        "6"
        "--batch"
        "16"
        "--archive"
        "cvt:16"
        "--checkpoint-every"
        "4"
        "--stagnation"
        "0"
        "--out"
        dir
        "--quiet"
    ]
    @ extra

/// Every Parquet file of a pipeline (runs' archives and the global front), by relative path.
let private results dir =
    Directory.GetFiles(dir, "*.parquet", SearchOption.AllDirectories)
    |> Array.filter (fun f -> not (f.EndsWith "metrics.parquet"))
    |> Array.map (fun f -> Path.GetRelativePath(dir, f), File.ReadAllBytes f)
    |> Array.sortBy fst

let private waitFor (path: string) (p: Process) =
    let clock = Stopwatch.StartNew()

    while not (File.Exists path) && not p.HasExited && clock.Elapsed.TotalSeconds < 120.0 do
        Thread.Sleep 20

let private reference =
    lazy
        (let dir = tempDir ()
         Expect.equal (finish (start (small dir []) [])) 0 "uninterrupted pipeline"
         dir)

[<Tests>]
let tests =
    testSequenced
    <| testList
        "Pipeline"
        [
            testCase "the sweep runs two Adam runs and one MOME run per step, each seeded by the runs before it"
            <| fun () ->
                let dir = reference.Force()
                let state = Pipeline.load dir
                Expect.equal state.Finished.Length 9 "three runs per step"
                Expect.isEmpty state.Skipped "nothing skipped"

                Expect.isFalse
                    (File.Exists(Path.Combine(dir, "step-00", "single-1", "seeds.parquet")))
                    "nothing to seed from yet"

                let seeds =
                    ArchiveParquet.Read(Path.Combine(dir, "step-01", "single-1", "seeds.parquet"))

                Expect.isGreaterThan seeds.Count 0 "step 2 starts from earlier solutions"

                let earlier =
                    [ "single-1"; "single-2"; "mome" ]
                    |> List.map (fun r -> ArchiveParquet.Read(Path.Combine(dir, "step-00", r, "archive.parquet")))

                // Seeds of an Adam run at weights (0.5, 0.5) are the best earlier solutions by that sum.
                let score (t: EliteTable) i =
                    0.5 * t.Objectives[i * 3] + 0.5 * t.Objectives[i * 3 + 1]

                let best =
                    earlier
                    |> List.collect (fun t -> [ for i in 0 .. t.Count - 1 -> score t i ])
                    |> List.max

                Expect.floatClose Accuracy.veryHigh (score seeds 0) best "the first seed is the best earlier solution"

                let config =
                    JsonFile.Read<RunConfig>(Path.Combine(dir, "step-01", "single-1", "config.json"))

                Expect.equal config.Weights [| 0.5; 0.5; 0.0 |] "the step's weights"
                Expect.isTrue (File.Exists(Path.Combine(dir, "front.parquet"))) "global front written"

            for name in [ "INT"; "TERM" ] do
                testCase
                    $"SIG{name} stops the pipeline after saving; qd resume ends with the same files as an uninterrupted pipeline"
                <| fun () ->
                    let expected = results (reference.Force())
                    let dir = tempDir ()
                    let p = start (small dir []) []
                    // The first checkpoint of the first step: two thirds of the work remain, so the signal
                    // lands while runs are going even on a loaded machine.
                    waitFor (Path.Combine(dir, "step-00", "single-1", "checkpoint.bin")) p
                    Expect.isFalse p.HasExited "the pipeline is still running when the signal is sent"
                    signal name p
                    let code = finish p
                    Expect.equal code 130 $"stopped by SIG{name}"
                    let log = File.ReadAllText(Path.Combine(dir, "pipeline.log"))
                    Expect.stringContains log $"SIG{name}: stopping" "the signal is logged"
                    let resumed = start [ "resume"; dir; "--quiet" ] []
                    Expect.equal (finish resumed) 0 "resumed to the end"
                    let actual = results dir
                    Expect.equal (Array.map fst actual) (Array.map fst expected) "the same files"

                    for (file, a), (_, b) in Array.zip actual expected do
                        Expect.isTrue (a = b) $"{file} is byte-identical"

            testCase "the watchdog restarts a crashed run from its checkpoint and the results do not change"
            <| fun () ->
                let expected = results (reference.Force())
                let dir = tempDir ()
                // Every run crashes (FailFast) once, after iteration 6; its checkpoint is at 4.
                let p = start (small dir []) [ QdFunctional.Cli.RunCommand.crashVariable, "6" ]
                Expect.equal (finish p) 0 "the pipeline finishes"
                let log = File.ReadAllText(Path.Combine(dir, "pipeline.log"))
                Expect.stringContains log "crashed" "the crash is logged"
                Expect.stringContains log "from its last checkpoint" "and the restart"
                let state = Pipeline.load dir
                Expect.equal (Pipeline.restartsOf state "step-00/mome") 1 "one restart spent"
                let actual = results dir

                for (name, a), (_, b) in Array.zip actual expected do
                    Expect.isTrue (a = b) $"{name} is byte-identical despite the crash"

            testCase "a run that keeps crashing fails the pipeline once its restarts are spent"
            <| fun () ->
                let dir = tempDir ()
                // With no checkpoint before the crash and no restarts allowed, the first run fails.
                let p =
                    start (small dir [ "--max-restarts"; "0" ]) [ QdFunctional.Cli.RunCommand.crashVariable, "1" ]

                Expect.equal (finish p) 1 "a failed run stops the pipeline"
                Expect.stringContains (File.ReadAllText(Path.Combine(dir, "pipeline.log"))) "restarts spent" "logged"

            testCase "SIGUSR1 ends the current step after its runs save, and the pipeline goes on to the next"
            <| fun () ->
                let dir = tempDir ()
                // Adam runs long enough to be interrupted: the signal ends step 1 and then step 2.
                let p =
                    start
                        (small
                            dir
                            [
                                "--steps"
                                "2"
                                "--single-iterations"
                                "1000000"
                                "--checkpoint-every"
                                "1000"
                            ])
                        []

                for step in [ "step-00"; "step-01" ] do
                    // Once both runs have checkpointed, they are well under way.
                    for run in [ "single-1"; "single-2" ] do
                        waitFor (Path.Combine(dir, step, run, "checkpoint.bin")) p

                    signal "USR1" p
                    let clock = Stopwatch.StartNew()

                    while not ((Pipeline.load dir).Skipped |> List.contains (int (step.Substring 5)))
                          && not p.HasExited
                          && clock.Elapsed.TotalSeconds < 60.0 do
                        Thread.Sleep 50

                Expect.equal (finish p) 0 "the pipeline ends normally"
                let state = Pipeline.load dir
                Expect.equal state.Skipped [ 0; 1 ] "both steps skipped"
                Expect.isFalse (Directory.Exists(Path.Combine(dir, "step-00", "mome"))) "no MOME run in a skipped step"

                let saved =
                    Results.loadMetrics (RunDirectory.metricsPath (Path.Combine(dir, "step-00", "single-1")))

                Expect.isGreaterThan (Array.last saved).Iteration 0 "the interrupted run's progress was saved"

                Expect.isTrue
                    (File.Exists(Path.Combine(dir, "step-01", "single-1", "seeds.parquet")))
                    "step 2 still seeded"

            testCase "a stagnating MOME run is restarted with fresh draws, a converged Adam run ends"
            <| fun () ->
                let dir = tempDir ()

                let p =
                    start
                        (small
                            dir
                            [
                                "--steps"
                                "2"
                                "--archive"
                                "cvt:4"
                                "--mome-iterations"
                                "100"
                                "--single-iterations"
                                "400"
                                "--stagnation"
                                "3"
                                "--max-restarts"
                                "2"
                            ])
                        []

                Expect.equal (finish p) 0 "finished"
                let log = File.ReadAllText(Path.Combine(dir, "pipeline.log"))
                Expect.stringContains log "stagnated at iteration" "a MOME restart"
                Expect.stringContains log "converged" "an Adam run converged"

                let restarted =
                    [ "step-00"; "step-01" ]
                    |> List.map (fun s -> JsonFile.Read<RunConfig>(Path.Combine(dir, s, "mome", "config.json")))
                    |> List.filter (fun c -> c.RestartSalt > 0)

                Expect.isNonEmpty restarted "the restarted run draws with a new salt"

                for c in restarted do
                    Expect.isGreaterThan c.RestartedAt 0 "from where it stagnated"

            testCase "a MOME run killed with SIGKILL resumes from its last checkpoint to the same archive"
            <| fun () ->
                let run dir =
                    [
                        "run"
                        "--task"
                        "mo-sphere"
                        "--algorithm"
                        "mome"
                        "--dim"
                        "6"
                        "--iterations"
                        "300"
                        "--batch"
                        "32"
                        "--archive"
                        "cvt:32"
                        "--mome-emitter"
                        "mega-hybrid"
                        "--checkpoint-every"
                        "10"
                        "--out"
                        dir
                        "--quiet"
                    ]

                let whole, killed = tempDir (), tempDir ()
                Expect.equal (finish (start (run whole) [])) 0 "uninterrupted"
                let p = start (run killed) []
                waitFor (Path.Combine(killed, "checkpoint.bin")) p
                signal "KILL" p
                p.WaitForExit()
                Expect.isFalse (File.Exists(RunDirectory.archivePath killed)) "killed before the end"
                Expect.equal (finish (start [ "resume"; killed; "--quiet" ] [])) 0 "resumed"

                Expect.isTrue
                    (File.ReadAllBytes(RunDirectory.archivePath killed) =
                        File.ReadAllBytes(RunDirectory.archivePath whole))
                    "byte-identical archive"

            testCase "bad pipeline settings are refused by name"
            <| fun () ->
                let refuse fragments c =
                    Properties.throwsWith<ArgumentException> fragments (fun () -> Pipeline.validate c |> ignore)

                refuse
                    [ "multi-objective" ]
                    { Pipeline.defaults with
                        Task = "lp-sphere"
                    }

                refuse
                    [ "objective 3" ]
                    { Pipeline.defaults with
                        ObjectiveB = 3
                    }

                refuse
                    [ "two different" ]
                    { Pipeline.defaults with
                        ObjectiveB = 0
                    }

                refuse [ "at least 2 steps" ] { Pipeline.defaults with Steps = 1 }
                Expect.equal (Pipeline.stepWeights Pipeline.defaults 0) (1.0, 0.0) "first step"
                Expect.equal (Pipeline.stepWeights Pipeline.defaults 10) (0.0, 1.0) "last step"
                let a, b = Pipeline.stepWeights Pipeline.defaults 3
                Expect.floatClose Accuracy.veryHigh (a + b) 1.0 "weights sum to 1"

                Expect.equal
                    (Pipeline.sources Pipeline.defaults "step-01/single-2")
                    [ "step-00/single-1"; "step-00/single-2"; "step-00/mome" ]
                    "an Adam run seeds from earlier steps only"

                Expect.equal
                    (Pipeline.sources Pipeline.defaults "step-01/mome")
                    [
                        "step-00/single-1"
                        "step-00/single-2"
                        "step-00/mome"
                        "step-01/single-1"
                        "step-01/single-2"
                    ]
                    "MOME also seeds from its own step's Adam runs"
        ]
