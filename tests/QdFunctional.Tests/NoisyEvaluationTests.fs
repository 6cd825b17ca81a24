/// Noisy evaluation (QDax's noisy tasks, sampling and re-evaluation): noise comes from keys only, so
/// noisy runs stay reproducible and resume bit for bit; samples are combined as asked; and
/// re-evaluating a noisy run's elites takes away the luck they were kept for.
module NoisyEvaluationTests

open System
open System.IO
open System.Threading
open Expecto
open QdFunctional
open QdFunctional.Core.Batches
open QdFunctional.Core.Random
open QdFunctional.Core.Tasks

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-noisy", Guid.NewGuid().ToString("N"))

let private batchOf (rows: float[][]) =
    SolutionBatch(rows.Length, rows[0].Length, Array.concat rows)

/// A random task whose values say where they came from: row r of a batch gets objective 10 r plus
/// the key's first uniform, and measures (r, key's first uniform), so sampling's layout and its
/// aggregate can be computed by hand.
type private Tagged(key: Key option) =
    interface IStochasticTask with
        member _.Name = "tagged"
        member _.SolutionDim = 1
        member _.ObjectiveCount = 1
        member _.MeasureDim = 2
        member _.MeasureLow = [| 0.0; 0.0 |]
        member _.MeasureHigh = [| 100.0; 1.0 |]
        member _.ObjectiveRange = (0.0, 1000.0)
        member _.HasGradients = false

        member _.Evaluate(solutions, _) =
            let u =
                match key with
                | Some k -> k.NextUniform()
                | None -> invalidOp "needs a key"

            let n = solutions.Count

            Evaluation(
                n,
                1,
                2,
                Array.init n (fun r -> 10.0 * float r + u),
                Array.init (2 * n) (fun i -> if i % 2 = 0 then float (i / 2) else u)
            )

        member _.Seeded key = Tagged(Some key)

let private noisyArmConfig iterations =
    { RunConfig.defaults with
        Task = "noisy-arm"
        Dim = 10
        Archive = "grid:20x20"
        Algorithm = "map-elites"
        Sigma = 0.1
        Iterations = iterations
        CheckpointEvery = 10
        InitialPopulation = 50
    }

[<Tests>]
let tests =
    testList
        "Noisy evaluation"
        [
            test "a noise spec parses, prints back, and refuses bad fields and values in one line" {
                let spec = NoiseSpec.Parse "solution=0.05, objective=0.01,measures=0.02"
                Expect.equal spec (NoiseSpec(0.05, 0.01, 0.02)) "parsed"
                Expect.equal (NoiseSpec.Parse(spec.ToString())) spec "round trip"
                Expect.isTrue (NoiseSpec.Parse "none").IsNone "none"
                Expect.isTrue (NoiseSpec.Parse null).IsNone "null"

                for bad, says in
                    [
                        "solution=-1", "0 or more"
                        "speed=1", "unknown field 'speed'"
                        "measures=abc", "not field=number"
                        "objective=NaN", "finite"
                    ] do
                    let e = Expect.throwsC (fun () -> NoiseSpec.Parse bad |> ignore) id
                    Expect.stringContains e.Message says bad
            }

            test "a noisy task evaluates only under a key: the same key gives the same values, another key others" {
                let task = Task.byName "noisy-arm" 10
                let batch = batchOf [| Array.create 10 0.3; Array.create 10 -0.2 |]
                Expect.throwsT<InvalidOperationException> (fun () -> task.Evaluate batch |> ignore) "no key"
                let a = (Task.seeded (Key.Of 1UL) task).Evaluate batch
                let b = (Task.seeded (Key.Of 1UL) task).Evaluate batch
                let c = (Task.seeded (Key.Of 2UL) task).Evaluate batch
                Expect.equal a.Objectives b.Objectives "same key, same objectives"
                Expect.equal a.Measures b.Measures "same key, same measures"
                Expect.notEqual a.Objectives c.Objectives "another key, other objectives"
            }

            test "no noise is the inner task exactly, and objective noise has the standard deviation asked" {
                let arm = Task.arm 10
                let rows = Array.init 4000 (fun i -> Array.create 10 (0.0001 * float i))
                let batch = batchOf rows
                let clean = arm.Evaluate batch

                let quiet = (Task.noisy 0.0 0.0 0.0 arm |> Task.seeded (Key.Of 3UL)).Evaluate batch
                Expect.equal quiet.Objectives clean.Objectives "objectives untouched"
                Expect.equal quiet.Measures clean.Measures "measures untouched"

                let noisy = (Task.noisy 0.0 0.02 0.0 arm |> Task.seeded (Key.Of 3UL)).Evaluate batch
                let deviations = Array.map2 (-) noisy.Objectives clean.Objectives
                let mean = Array.average deviations
                let sd = sqrt (deviations |> Array.averageBy (fun x -> (x - mean) ** 2.0))
                // 2% of the arm's objective range [0, 100] is 2; 4000 draws pin the sd within a few percent.
                Expect.isLessThan (abs (sd - 2.0)) 0.1 $"sd {sd}"
                Expect.isLessThan (abs mean) 0.1 $"mean {mean}"
                Expect.equal noisy.Measures clean.Measures "measures untouched"
            }

            test "sampling evaluates every solution samples times under the key and combines them value by value" {
                let tagged = Tagged None :> ITask
                let batch = batchOf [| [| 0.0 |]; [| 0.0 |]; [| 0.0 |] |]
                let key = Key.Of 5UL
                let u = key.NextUniform()

                let mean = (Task.sampled 4 tagged |> Task.seeded key).Evaluate batch
                let median = (Task.sampledMedian 3 tagged |> Task.seeded key).Evaluate batch
                // One call of 4 × 3 rows, sample-major: solution r is rows r, 3 + r, 6 + r and 9 + r.
                Expect.equal mean.Objectives [| for r in 0..2 -> 10.0 * (float r + 4.5) + u |] "mean objectives"

                Expect.equal
                    mean.Measures
                    [|
                        for r in 0..2 do
                            yield float r + 4.5
                            yield u
                    |]
                    "mean measures"

                Expect.equal median.Objectives [| for r in 0..2 -> 10.0 * (float r + 3.0) + u |] "median objectives"
            }

            test "sampling a deterministic task changes nothing, and fewer than one sample is refused" {
                let arm = Task.arm 6

                let batch =
                    batchOf (Array.init 5 (fun i -> Array.init 6 (fun j -> 0.1 * float (i - j))))

                let sampled = (Task.sampled 3 arm |> Task.seeded (Key.Of 9UL)).Evaluate batch
                let clean = arm.Evaluate batch
                Expect.sequenceEqual sampled.Measures clean.Measures "measures"

                for i in 0 .. clean.Objectives.Length - 1 do
                    Expect.floatClose Accuracy.high sampled.Objectives[i] clean.Objectives[i] "objective"

                Expect.throwsT<ArgumentOutOfRangeException> (fun () -> Task.sampled 0 arm |> ignore) "0 samples"
            }

            test "re-evaluating a noisy run's elites lowers its QD score; without noise it changes nothing" {
                let dims = [ (-10.0, 10.0); (-10.0, 10.0) ]
                let arm = Task.arm 10
                let lucky = Task.noisy 0.0 0.05 0.0 arm
                let keys = KeyPlan.ofSeed 11UL

                let runOn (task: ITask) =
                    Scheduler.create (Archive.grid 10 [ 20; 20 ] dims) [ Emitter.gaussian 0.1 64 (Array.zeroCreate 10) ]
                    |> RunState.start
                    |> RunState.runTo 60 task keys

                let noisy = runOn lucky
                let corrected = Archive.reevaluate (Key.Of 12UL) 32 lucky noisy.Archive
                Expect.isLessThan corrected.Stats.QdScore noisy.Archive.Stats.QdScore "luck taken away"
                Expect.isGreaterThan corrected.Stats.QdScore (0.8 * noisy.Archive.Stats.QdScore) "but not the elites"

                let clean = runOn arm
                let same = Archive.reevaluate (Key.Of 12UL) 4 arm clean.Archive
                Expect.equal same.Stats.NumElites clean.Archive.Stats.NumElites "same elites"
                Expect.floatClose Accuracy.high same.Stats.QdScore clean.Archive.Stats.QdScore "same score"
            }

            test "re-evaluation refuses archives without fixed cells" {
                let arm = Task.arm 4
                let proximity = Archive.proximity 4 5 0.1 [ (-4.0, 4.0); (-4.0, 4.0) ]

                let e =
                    Expect.throwsC (fun () -> Archive.reevaluate (Key.Of 1UL) 2 arm proximity |> ignore) id

                Expect.stringContains e.Message "cell archives" "says which archives"
            }

            test "a noisy run resumes to the same bytes, and qd reevaluate repeats the run's own re-evaluation" {
                let whole, split = tempDir (), tempDir ()

                try
                    RunDirectory.start whole (noisyArmConfig 30)
                    |> RunDirectory.execute whole CancellationToken.None ignore
                    |> ignore

                    RunDirectory.start split (noisyArmConfig 12)
                    |> RunDirectory.execute split CancellationToken.None ignore
                    |> ignore

                    RunDirectory.resume split (Some 30)
                    |> RunDirectory.execute split CancellationToken.None ignore
                    |> ignore

                    Expect.equal
                        (File.ReadAllBytes(RunDirectory.archivePath split))
                        (File.ReadAllBytes(RunDirectory.archivePath whole))
                        "resumed = uninterrupted"

                    let first = Reevaluate.ofRun whole None 8 SampleAggregate.Mean
                    let again = Reevaluate.ofRun split None 8 SampleAggregate.Mean
                    Expect.equal again first "same run, same key, same re-evaluation"
                    Expect.isLessThan first.CorrectedQdScore first.QdScore "the noisy arm's elites were partly luck"

                    Expect.isTrue
                        (File.Exists(Path.Combine(whole, Reevaluate.archiveFileName)))
                        "corrected archive written"
                finally
                    for d in [ whole; split ] do
                        if Directory.Exists d then
                            Directory.Delete(d, true)
            }

            test "the run plan refuses a bad noise spec, aggregate or sample count, all at once" {
                match
                    RunPlan.tryParse
                        { RunConfig.defaults with
                            Noise = "solution=-1"
                            Aggregate = "mode"
                            Samples = -2
                        }
                with
                | Ok _ -> failtest "accepted"
                | Error errors ->
                    let all = String.concat " | " errors
                    Expect.stringContains all "0 or more" "noise"
                    Expect.stringContains all "aggregate must be one of mean, median" "aggregate"
                    Expect.stringContains all "samples must be 1 or more" "samples"
            }
        ]
