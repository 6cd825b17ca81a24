/// A user's own objective as a task: a plain function over rows, a batch function, or an engine
/// function with Jacobians, each run through the scheduler and a run directory.
module FunctionTaskTests

open System
open System.IO
open System.Threading
open Expecto
open QdFunctional
open QdFunctional.Core.Batches
open QdFunctional.Core.Tasks

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-function-tasks", Guid.NewGuid().ToString("N"))

/// The shifted sphere of the README: objective 100 − Σ(x − 0.5)², measures the first two numbers.
let private sphere (x: float[]) =
    100.0 - (x |> Array.sumBy (fun v -> (v - 0.5) * (v - 0.5))), [| x[0]; x[1] |]

let private bounds = [ (-2.0, 2.0); (-2.0, 2.0) ]

[<Tests>]
let tests =
    testList
        "Function tasks"
        [
            testCase "Task.ofFunction evaluates every row as the function says"
            <| fun () ->
                let task = Task.ofFunction "shifted-sphere" 3 bounds sphere
                let rows = [| [| 0.5; 0.5; 0.5 |]; [| 1.5; -1.0; 0.0 |] |]
                let e = task.Evaluate(SolutionBatch(2, 3, Array.concat rows))

                for i in 0..1 do
                    let o, m = sphere rows[i]
                    Expect.equal e.Objectives[i] o $"row {i} objective"
                    Expect.equal (e.MeasuresOf(i).ToArray()) m $"row {i} measures"

            testCase "a function that returns the wrong shape is named with its row"
            <| fun () ->
                let task =
                    Task.ofFunction "broken" 3 bounds (fun x -> 0.0, (if x[0] > 0.0 then [| 1.0 |] else [| 1.0; 2.0 |]))

                Expect.throwsC
                    (fun () ->
                        task.Evaluate(SolutionBatch(2, 3, [| -1.0; 0.0; 0.0; 1.0; 0.0; 0.0 |]))
                        |> ignore)
                    (fun e ->
                        Expect.stringContains e.Message "broken" "names the task"
                        Expect.stringContains e.Message "row 1" "names the row"
                        Expect.stringContains e.Message "expected 2" "says what was expected")

                Expect.throwsT<ArgumentException>
                    (fun () -> Task.ofFunction "inverted" 3 [ (1.0, -1.0); (0.0, 1.0) ] sphere |> ignore)
                    "low above high is refused"

            testCase "Task.ofBatch can search by diversity alone (no objective)"
            <| fun () ->
                let task =
                    Task.ofBatch "diversity" 2 0 bounds (0.0, 1.0) (fun rows -> rows |> Array.map (fun _ -> [||]), rows)

                let e = task.Evaluate(SolutionBatch(1, 2, [| 0.25; -0.75 |]))
                Expect.equal e.ObjectiveCount 0 "no objective"
                Expect.equal (e.MeasuresOf(0).ToArray()) [| 0.25; -0.75 |] "measures"

            testCase "Task.differentiable gives Jacobians equal to central differences"
            <| fun () ->
                let f (x: Tensor) =
                    Tensor.concat
                        [
                            100.0 - Tensor.sum ((x - 0.5) ** 2.0)
                            Tensor.slice 0 1 x
                            Tensor.sum (Tensor.sin x)
                        ]

                let task = Task.differentiable "engine-sphere" 3 1 bounds (0.0, 100.0) f
                let x = [| 0.3; -0.7; 1.1 |]
                let e = task.Evaluate(SolutionBatch(1, 3, x), true)
                let h = 1e-6

                for output in 0..2 do
                    for j in 0..2 do
                        let at (delta: float) =
                            let y = Array.copy x
                            y[j] <- y[j] + delta
                            let v = task.Evaluate(SolutionBatch(1, 3, y))

                            if output = 0 then
                                v.Objectives[0]
                            else
                                v.Measures[output - 1]

                        let numeric = (at h - at -h) / (2.0 * h)
                        // Row 0 of an n × (m + k) × d Jacobian.
                        Expect.floatClose
                            Accuracy.medium
                            e.Jacobians[output * 3 + j]
                            numeric
                            $"d output {output} / d x{j}"

            testCase "a plain-function task runs, resumes bit for bit and refuses another task"
            <| fun () ->
                let task = Task.ofFunction "shifted-sphere" 4 bounds sphere

                let config =
                    { Recipes.presetFor (TaskFacts.Of task) "map-elites" RunConfig.defaults with
                        Archive = "grid:10x10"
                        Iterations = 20
                        Batch = 16
                        CheckpointEvery = 10
                    }

                let whole, split = tempDir (), tempDir ()

                RunDirectory.startTask task false whole config
                |> RunDirectory.execute whole CancellationToken.None ignore
                |> ignore

                RunDirectory.startTask task false split { config with Iterations = 10 }
                |> RunDirectory.execute split CancellationToken.None ignore
                |> ignore

                RunDirectory.resumeTask task split (Some 20)
                |> RunDirectory.execute split CancellationToken.None ignore
                |> ignore

                Expect.equal
                    (File.ReadAllBytes(RunDirectory.archivePath split))
                    (File.ReadAllBytes(RunDirectory.archivePath whole))
                    "resumed = uninterrupted"

                let other = Task.ofFunction "shifted-sphere" 4 [ (-3.0, 3.0); (-3.0, 3.0) ] sphere

                Expect.throwsT<ArgumentException>
                    (fun () -> RunDirectory.resumeTask other split (Some 30) |> ignore)
                    "a task with other bounds is refused"

            testCase "CMA-MEGA runs on an engine task through its Jacobians"
            <| fun () ->
                let task =
                    Task.differentiable "engine-sphere" 6 1 bounds (0.0, 100.0) (fun x ->
                        Tensor.concat [ 100.0 - Tensor.sum ((x - 0.5) ** 2.0); Tensor.slice 0 2 x ])

                let config =
                    { Recipes.presetFor (TaskFacts.Of task) "cma-mega" RunConfig.defaults with
                        Archive = "grid:10x10"
                        Iterations = 30
                        SigmaG = 0.5
                    }

                let dir = tempDir ()

                let final =
                    RunDirectory.startTask task false dir config
                    |> RunDirectory.execute dir CancellationToken.None ignore

                Expect.isGreaterThan final.State.Archive.Stats.NumElites 10 "the arborescence spreads over cells"
        ]
