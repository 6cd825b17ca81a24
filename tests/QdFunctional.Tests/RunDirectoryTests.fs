/// Run directories never lose work: a new run refuses a directory that holds one, a second
/// process is locked out, nothing is written before the arguments are accepted, a failed resume
/// changes nothing, and kill -9 releases the lock.
module RunDirectoryTests

open System
open System.Diagnostics
open System.IO
open System.Threading
open Expecto
open QdFunctional
open QdFunctional.Cli

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-rundir-tests", Guid.NewGuid().ToString("N"))

let private qd (args: string list) = Program.main (List.toArray args)

let private small out =
    [
        "run"
        "--dim"
        "10"
        "--archive"
        "grid:10x10"
        "--iterations"
        "20"
        "--out"
        out
        "--quiet"
    ]

/// Every file of a directory with its bytes, to compare before and after.
let private snapshot dir =
    Directory.EnumerateFiles dir
    |> Seq.filter (fun f -> Path.GetFileName f <> RunLock.FileName)
    |> Seq.map (fun f -> Path.GetFileName f, File.ReadAllBytes f)
    |> Seq.sortBy fst
    |> Seq.toList

/// A user's own task: a shifted sphere over d numbers, its first two numbers (clipped) as measures.
let private ownTask (name: string) (box: float) =
    { new QdFunctional.Core.Tasks.ITask with
        member _.Name = name
        member _.SolutionDim = 4
        member _.ObjectiveCount = 1
        member _.MeasureDim = 2
        member _.MeasureLow = [| -box; -box |]
        member _.MeasureHigh = [| box; box |]
        member _.ObjectiveRange = struct (0.0, 100.0)
        member _.HasGradients = false

        member _.Evaluate(solutions, _) =
            let n = solutions.Count
            let objectives = Array.zeroCreate n
            let measures = Array.zeroCreate (2 * n)

            for i in 0 .. n - 1 do
                let row = solutions.Row i
                let mutable f = 0.0

                for j in 0 .. row.Length - 1 do
                    f <- f + (row[j] - 0.5) * (row[j] - 0.5)

                objectives[i] <- 100.0 - f
                measures[2 * i] <- Math.Clamp(row[0], -box, box)
                measures[2 * i + 1] <- Math.Clamp(row[1], -box, box)

            QdFunctional.Core.Batches.Evaluation(n, 1, 2, objectives, measures)
    }

[<Tests>]
let tests =
    testSequenced
    <| testList
        "Run directory"
        [
            testCase "a second qd run into a directory that holds a run is refused and changes nothing"
            <| fun () ->
                let out = tempDir ()
                Expect.equal (qd (small out)) 0 "first run"
                let before = snapshot out
                Expect.notEqual (qd (small out @ [ "--iterations"; "30" ])) 0 "second run refused"
                Expect.equal (snapshot out) before "every file as it was"

            testCase "--overwrite replaces the run whole, pictures included"
            <| fun () ->
                let out = tempDir ()
                Expect.equal (qd (small out)) 0 "first run"
                Expect.equal (qd [ "report"; out ]) 0 "report"
                Expect.isTrue (File.Exists(Path.Combine(out, "heatmap.png"))) "a picture of the old run"
                Expect.equal (qd (small out @ [ "--iterations"; "5"; "--overwrite" ])) 0 "overwrite"
                Expect.isFalse (File.Exists(Path.Combine(out, "heatmap.png"))) "old pictures gone"
                let metrics = Results.loadMetrics (RunDirectory.metricsPath out)
                Expect.equal (metrics |> Array.last).Iteration 5 "the new run's metrics"

            testCase "a refused run writes nothing, even with --overwrite"
            <| fun () ->
                let out = tempDir ()
                Expect.equal (qd (small out)) 0 "first run"
                let before = snapshot out
                // Unknown ranker: refused while parsing.
                Expect.equal (qd (small out @ [ "--ranker"; "best"; "--overwrite" ])) 2 "bad option"
                Expect.equal (qd (small out @ [ "--task"; "walker"; "--overwrite" ])) 2 "unknown task"
                Expect.equal (snapshot out) before "every file as it was"

            testCase "an algorithm the task cannot serve is refused before anything is written"
            <| fun () ->
                let out = tempDir ()
                Expect.equal (qd (small out)) 0 "first run"
                let before = snapshot out
                // The brittle star gives values only; CMA-MEGA needs Jacobians (or --gradients es).
                let code =
                    qd
                        [
                            "run"
                            "--algorithm"
                            "cma-mega"
                            "--task"
                            "brittle-star"
                            "--out"
                            out
                            "--overwrite"
                            "--quiet"
                        ]

                Expect.notEqual code 0 "refused"
                Expect.equal (snapshot out) before "every file as it was"

            testCase "a run refused once it holds the lock leaves no directory and no lock file behind"
            <| fun () ->
                let out = Path.Combine(tempDir (), "new-run")
                // Refused in the initial population, under the lock: CMA-MEGA needs Jacobians the brittle star lacks.
                let code =
                    qd
                        [
                            "run"
                            "--algorithm"
                            "cma-mega"
                            "--task"
                            "brittle-star"
                            "--out"
                            out
                            "--quiet"
                        ]

                Expect.notEqual code 0 "refused"
                Expect.isFalse (Directory.Exists out) "no directory made only to be locked"

            testCase "a failed resume changes nothing"
            <| fun () ->
                let out = tempDir ()
                Expect.equal (qd (small out)) 0 "first run"
                let before = snapshot out
                Expect.equal (qd [ "resume"; out; "--iterations"; "-5"; "--quiet" ]) 2 "bad iteration count"
                // A corrupt checkpoint: the resume fails and config.json keeps its iteration count.
                let checkpoint = RunDirectory.checkpointPath out
                let good = File.ReadAllBytes checkpoint
                let bad = Array.copy good
                bad[bad.Length / 2] <- bad[bad.Length / 2] ^^^ 0xFFuy
                File.WriteAllBytes(checkpoint, bad)
                Expect.notEqual (qd [ "resume"; out; "--iterations"; "40"; "--quiet" ]) 0 "corrupt checkpoint"
                File.WriteAllBytes(checkpoint, good)
                Expect.equal (snapshot out) before "every file as it was"

            // A run drawn by the Box-Muller stream (stream 1) cannot continue under the ziggurat: its
            // config (no Stream field, or 0 or 1) and its checkpoint (format 3) each refuse the resume
            // in one line that names the file and both streams, and nothing changes.
            testCase "a checkpoint written by the old random stream is refused with one clear line"
            <| fun () ->
                let out = tempDir ()
                Expect.equal (qd (small out)) 0 "first run"
                let config = RunDirectory.configPath out
                let text = File.ReadAllText config

                Expect.stringContains
                    text
                    $"\"Stream\": {QdFunctional.Core.Random.Key.StreamVersion}"
                    "config.json records the stream"

                let before = snapshot out

                let lines =
                    Text.RegularExpressions.Regex.Replace(text, "\"Stream\": \\d+,?\\s*", "")

                File.WriteAllText(config, lines)
                let old = snapshot out

                Expect.throwsT<QdFunctional.Core.Checkpoints.StreamVersionException>
                    (fun () -> RunDirectory.resume out (Some 40) |> ignore)
                    "refused by the config"

                let error = new StringWriter()
                let saved = Console.Error
                Console.SetError error

                let code =
                    try
                        qd [ "resume"; out; "--iterations"; "40"; "--quiet" ]
                    finally
                        Console.SetError saved

                Expect.equal code 1 "exit code 1"
                let message = error.ToString().Trim()
                Expect.isFalse (message.Contains '\n') $"one line: {message}"
                Expect.stringContains message "random stream 1 (Box-Muller normals)" "names the old stream"
                Expect.stringContains message "stream 2 (ziggurat normals)" "names this stream"
                Expect.stringContains message "checkpoint.bin" "names the file"
                Expect.equal (snapshot out) old "nothing written"
                // The checkpoint alone says so too: format 3 (no stream field) was written by stream 1.
                File.WriteAllText(config, text)
                Expect.equal (snapshot out) before "config restored"
                let checkpoint = RunDirectory.checkpointPath out
                let bytes = File.ReadAllBytes checkpoint

                let payload =
                    Array.append (Array.append bytes[0..3] (BitConverter.GetBytes 3)) bytes[12 .. bytes.Length - 9]

                let mutable hash = 14695981039346656037UL

                for b in payload do
                    hash <- (hash ^^^ uint64 b) * 1099511628211UL

                File.WriteAllBytes(checkpoint, Array.append payload (BitConverter.GetBytes hash))

                let e = Expect.throwsC (fun () -> RunDirectory.resume out (Some 40) |> ignore) id

                Expect.isTrue
                    (e :? QdFunctional.Core.Checkpoints.StreamVersionException)
                    $"refused by the checkpoint: {e.Message}"

            testCase "a directory in use by another process is refused; the lock goes with its holder"
            <| fun () ->
                let out = tempDir ()
                Expect.equal (qd (small out)) 0 "first run"
                let before = snapshot out

                do
                    use _ = RunLock.Acquire out
                    Expect.isTrue (RunLock.IsHeld out) "held"
                    Expect.notEqual (qd [ "resume"; out; "--iterations"; "30"; "--quiet" ]) 0 "refused while held"
                    Expect.equal (snapshot out) before "nothing written"

                    let fresh = tempDir ()
                    use _ = RunLock.Acquire fresh
                    Expect.notEqual (qd (small fresh)) 0 "a new run into a locked directory is refused"
                    Expect.isFalse (File.Exists(RunDirectory.configPath fresh)) "and writes no config"

                Expect.isFalse (RunLock.IsHeld out) "released"
                Expect.equal (qd [ "resume"; out; "--iterations"; "30"; "--quiet" ]) 0 "resumes once released"

            testCase "kill -9 of a running qd releases its lock; the run resumes"
            <| fun () ->
                let out = tempDir ()
                let info = ProcessStartInfo(Environment.ProcessPath)
                info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qd.dll"))

                for a in small out @ [ "--iterations"; "100000000"; "--checkpoint-every"; "200" ] do
                    info.ArgumentList.Add a

                info.RedirectStandardOutput <- true
                info.RedirectStandardError <- true
                use p = Process.Start info
                let clock = Stopwatch.StartNew()

                while not (File.Exists(RunDirectory.checkpointPath out))
                      && clock.Elapsed.TotalSeconds < 60.0 do
                    Thread.Sleep 50

                Expect.isTrue (RunLock.IsHeld out) "held while running"
                p.Kill()
                p.WaitForExit()
                Expect.isFalse (RunLock.IsHeld out) "released by the kernel"
                Expect.equal (qd [ "resume"; out; "--iterations"; "210"; "--quiet" ]) 0 "resumes"

            testCase "a script's own task runs, resumes, reports and compares through a run directory"
            <| fun () ->
                let dir = tempDir ()
                let task = ownTask "shifted-sphere" 2.0

                let config =
                    { Recipes.presetFor (QdFunctional.Core.Tasks.TaskFacts.Of task) "map-elites" RunConfig.defaults with
                        Archive = "grid:8x8"
                        Iterations = 10
                        Batch = 16
                        InitialPopulation = 8
                        CheckpointEvery = 5
                    }

                let first =
                    RunDirectory.startTask task false dir config
                    |> RunDirectory.execute dir CancellationToken.None ignore

                Expect.equal first.State.Iteration 10 "ran"
                let saved = Results.loadArchive (RunDirectory.archivePath dir)
                Expect.isGreaterThan saved.Count 1 "an archive of the task's elites"

                let resumed =
                    RunDirectory.resumeTask task dir (Some 20)
                    |> RunDirectory.execute dir CancellationToken.None ignore

                Expect.equal resumed.State.Iteration 20 "resumed and extended"
                // The same run uninterrupted gives the same bytes.
                let whole = tempDir ()

                RunDirectory.startTask task false whole { config with Iterations = 20 }
                |> RunDirectory.execute whole CancellationToken.None ignore
                |> ignore

                Expect.equal
                    (File.ReadAllBytes(RunDirectory.archivePath dir))
                    (File.ReadAllBytes(RunDirectory.archivePath whole))
                    "resume is exact"

                Expect.equal (qd [ "report"; dir ]) 0 "qd report draws it"
                Expect.isTrue (File.Exists(Path.Combine(dir, "heatmap.png"))) "heatmap"
                let chart = Path.Combine(tempDir (), "compare.png")
                Directory.CreateDirectory(Path.GetDirectoryName chart) |> ignore
                Expect.equal (qd [ "compare"; dir; whole; "--out"; chart ]) 0 "qd compare draws both"

                // Another task (another measure box) or the command line cannot resume it.
                let before = snapshot dir

                Expect.throwsC
                    (fun () -> RunDirectory.resumeTask (ownTask "shifted-sphere" 3.0) dir (Some 30) |> ignore)
                    (fun e -> Expect.stringContains e.Message "another task" "the refusal says why")

                Expect.equal (qd [ "resume"; dir; "--quiet" ]) 2 "qd resume refuses a script's task"
                Expect.equal (snapshot dir) before "nothing written by either refusal"
                Expect.isFalse (RunLock.IsHeld dir) "no lock left behind"
        ]
