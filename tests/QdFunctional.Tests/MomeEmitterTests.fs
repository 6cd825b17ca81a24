module MomeEmitterTests

open System
open System.IO
open System.Threading
open Expecto
open Properties
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Random
open QdFunctional.Core.Tasks

let private rastrigin = MultiObjectiveRastrigin 10
let private sphere = MultiObjectiveSphere 6

let private boundsOf (task: IMultiObjectiveTask) =
    EmitterBounds(task.SolutionLower, task.SolutionUpper)

/// A MOME archive over a 10 × 10 grid of the task's measures, filled with `n` uniform solutions.
let private filled (task: IMultiObjectiveTask) n (seed: uint64) =
    let empty =
        MomeArchive.Grid(
            task.SolutionDim,
            task.ObjectiveCount,
            [| 10; 10 |],
            task.MeasureLow,
            task.MeasureHigh,
            task.ReferencePoint
        )

    let block = (boundsOf task).SampleUniform(Key.Of seed, n)
    let batch = SolutionBatch(n, task.SolutionDim, block)
    let struct (archive, _) = empty.Add(batch, task.Evaluate batch)
    archive

/// Central differences of every objective and measure of `task` at the rows of `batch`.
let private finiteJacobian (task: ITask) (batch: SolutionBatch) =
    let n, d = batch.Count, batch.Dim
    let rows = task.ObjectiveCount + task.MeasureDim
    let h = 1e-6
    let result = Array.zeroCreate (n * rows * d)

    let outputs (values: float[]) =
        let e = task.Evaluate(SolutionBatch(n, d, values))

        Array.init n (fun i ->
            Array.append
                (e.Objectives[i * e.ObjectiveCount .. (i + 1) * e.ObjectiveCount - 1])
                (e.MeasuresOf(i).ToArray()))

    for j in 0 .. d - 1 do
        let plus = batch.Values.ToArray()
        let minus = batch.Values.ToArray()

        for i in 0 .. n - 1 do
            plus[i * d + j] <- plus[i * d + j] + h
            minus[i * d + j] <- minus[i * d + j] - h

        let up, down = outputs plus, outputs minus

        for i in 0 .. n - 1 do
            for r in 0 .. rows - 1 do
                result[(i * rows + r) * d + j] <- (up[i][r] - down[i][r]) / (2.0 * h)

    result

[<Tests>]
let tests =
    testList
        "MOME emitters and tasks"
        [
            testCase "polynomial mutation stays in bounds and changes at most floor(p·d) genes per row"
            <| fun () ->
                let d, n = 20, 200
                let bounds = EmitterBounds.Uniform(d, -2.0, 4.0)
                let parents = bounds.SampleUniform(Key.Of 3UL, n)
                let children = Array.copy parents
                Variation.PolynomialMutation(children, d, 1.0, 0.3, bounds, Key.Of 4UL)

                for i in 0 .. n - 1 do
                    let changed =
                        [ 0 .. d - 1 ]
                        |> List.filter (fun j -> children[i * d + j] <> parents[i * d + j])

                    Expect.isLessThanOrEqual changed.Length 6 "at most floor(0.3 × 20) genes"

                Expect.isTrue (children |> Array.forall (fun v -> v >= -2.0 && v <= 4.0)) "within bounds"
                Expect.notEqual children parents "something moved"

            testCase "polynomial mutation with a large eta stays near the parent, a small eta moves further"
            <| fun () ->
                let d, n = 10, 500
                let bounds = EmitterBounds.Uniform(d, 0.0, 1.0)
                let parents = Array.create (n * d) 0.5

                let meanStep eta =
                    let c = Array.copy parents
                    Variation.PolynomialMutation(c, d, eta, 1.0, bounds, Key.Of 9UL)
                    Array.averageBy (fun v -> abs (v - 0.5)) c

                Expect.isLessThan (meanStep 100.0) (meanStep 1.0 / 5.0) "eta 100 is much tighter than eta 1"

            testCase
                "the mixing emitter splits its batch between crossover and mutation, within bounds, deterministically"
            <| fun () ->
                let archive = filled rastrigin 300 1UL
                let e = MixingEmitter(10, 64, boundsOf rastrigin, crossoverShare = 0.25)
                Expect.equal (e.CrossoverCount 64) 16 "a quarter by crossover"
                let struct (_, a) = e.Ask(archive, Key.Of 5UL)
                let struct (_, b) = e.Ask(archive, Key.Of 5UL)
                let struct (_, c) = e.Ask(archive, Key.Of 6UL)
                Expect.equal a.Count 64 "batch"
                Expect.equal (a.Values.ToArray()) (b.Values.ToArray()) "same key, same children"
                Expect.notEqual (a.Values.ToArray()) (c.Values.ToArray()) "another key, other children"

                Expect.isTrue
                    (a.Values.ToArray() |> Array.forall (fun v -> v >= -2.0 && v <= 4.0))
                    "children within [-2, 4]"

            testCase "the mixing emitter starts uniformly within the bounds on an empty archive"
            <| fun () ->
                let empty =
                    MomeArchive.Grid(
                        10,
                        2,
                        [| 5; 5 |],
                        rastrigin.MeasureLow,
                        rastrigin.MeasureHigh,
                        rastrigin.ReferencePoint
                    )

                let struct (_, first) =
                    MixingEmitter(10, 50, boundsOf rastrigin).Ask(empty, Key.Of 1UL)

                let v = first.Values.ToArray()
                Expect.isTrue (v |> Array.forall (fun x -> x >= -2.0 && x <= 4.0)) "in bounds"
                Expect.isGreaterThan (Array.max v - Array.min v) 5.0 "spread over the box"

            testCase "softmax parents favour the chosen objective, and a hot softmax is close to uniform"
            <| fun () ->
                let archive = filled rastrigin 400 2UL
                let elites = archive.Elites |> Seq.toArray
                let values = elites |> Array.map (fun e -> e.Objectives[1])

                let meanOf (picks: Elite[]) =
                    picks |> Array.averageBy (fun e -> e.Objectives[1])

                let cold = SoftmaxParents(1, 0.02).Pick(archive, Key.Of 1UL, 2000)
                let hot = SoftmaxParents(1, 1000.0).Pick(archive, Key.Of 1UL, 2000)
                let best, mean = Array.max values, Array.average values
                Expect.isGreaterThan (meanOf cold) (mean + 0.5 * (best - mean)) "cold picks are near the best"
                Expect.isLessThan (abs (meanOf hot - mean)) (0.15 * (best - mean)) "hot picks average like all"

            testCase "a dynamic temperature falls from T to the final temperature as coverage grows"
            <| fun () ->
                let s = SoftmaxParents(0, 1.0, true, 0.1)
                Expect.floatClose Accuracy.veryHigh (s.TemperatureAt 0.0) 1.0 "empty"
                Expect.floatClose Accuracy.veryHigh (s.TemperatureAt 0.5) 0.55 "half"
                Expect.floatClose Accuracy.veryHigh (s.TemperatureAt 1.0) 0.1 "full"
                Expect.floatClose Accuracy.veryHigh (SoftmaxParents(0, 1.0).TemperatureAt 1.0) 1.0 "static"

                throwsWith<ArgumentOutOfRangeException> [ "temperature" ] (fun () -> SoftmaxParents(0, 0.0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "Final temperature" ] (fun () ->
                    SoftmaxParents(0, 0.5, true, 0.9) |> ignore)

            testCase "the gradient emitter steps each parent along its objective's gradient"
            <| fun () ->
                let archive = filled sphere 200 3UL

                let e =
                    MomeGradientEmitter(sphere.SolutionDim, 32, 1, 0.05, bounds = boundsOf sphere)

                let struct (e, points) = e.AskGradients(archive, Key.Of 1UL)
                let withJ = sphere.Evaluate(points, true)
                let struct (_, report) = archive.Add(points, withJ)
                let e = e.TellGradients(archive, points, withJ, report)
                let struct (_, branches) = e.Ask(archive, Key.Of 2UL)
                let before = withJ.Objectives
                let after = (sphere.Evaluate branches).Objectives
                let d = sphere.SolutionDim

                for i in 0..31 do
                    // With no noise the step is a non-negative multiple of the objective's gradient.
                    let step = Array.init d (fun j -> branches.Row(i)[j] - points.Row(i)[j])
                    let g = Array.init d (fun j -> withJ.Jacobians[(i * 5 + 1) * d + j])
                    let dot = Array.fold2 (fun s a b -> s + a * b) 0.0 step g

                    let norms =
                        sqrt (Array.sumBy (fun a -> a * a) step) * sqrt (Array.sumBy (fun a -> a * a) g)

                    Expect.isTrue (norms = 0.0 || abs (dot - norms) < 1e-9 * (1.0 + norms)) "parallel to the gradient"

                    Expect.isGreaterThanOrEqual
                        (after[i * 3 + 1])
                        (before[i * 3 + 1] - 1e-12)
                        "objective 1 does not fall"

                throwsWith<ArgumentException> [ "objective 4"; "3 objectives" ] (fun () ->
                    MomeGradientEmitter(d, 4, 4, 0.1, bounds = boundsOf sphere)
                        .TellGradients(archive, points, withJ, report)
                    |> ignore)

            testCase "hybrid shares split a batch exactly, nest, and give every part its own rows"
            <| fun () ->
                Expect.equal (HybridEmitter.Sizes(100, [| 0.2; 0.8 |])) [| 20; 80 |] "20/80"

                Expect.equal
                    (HybridEmitter.Sizes(10, [| 1.0; 1.0; 1.0 |]))
                    [| 4; 3; 3 |]
                    "largest remainder, earlier first"

                Expect.equal (HybridEmitter.Sizes(3, [| 0.98; 0.01; 0.01 |])) [| 1; 1; 1 |] "every part gets one"

                throwsWith<ArgumentException> [ "at least 3" ] (fun () ->
                    HybridEmitter.Sizes(2, [| 1.0; 1.0; 1.0 |]) |> ignore)

                let config =
                    { RunConfig.preset "mo-sphere" "mome" RunConfig.defaults with
                        Task = "mo-sphere"
                        Algorithm = "mome"
                        Dim = 6
                        Mome =
                            { MomeSettings.defaults with
                                Emitter = "mega-hybrid"
                            }
                    }

                let mega = Run.emitters (RunPlan.parse config) sphere |> List.head :?> HybridEmitter
                let inner = mega.Parts[1] :?> HybridEmitter
                Expect.equal mega.BatchSize 100 "whole batch"
                Expect.equal (mega.Parts |> Seq.map _.BatchSize |> Seq.toList) [ 20; 80 ] "20% gradient, 80% inner"

                Expect.equal
                    (inner.Parts |> Seq.map _.BatchSize |> Seq.toList)
                    [ 16; 64 ]
                    "inner 20% biased, 80% standard"

                Expect.isTrue (mega.Parts[0] :? MomeGradientEmitter) "gradient part"
                Expect.isTrue ((mega :> IGradientEmitter).NeedsGradients) "needs gradients through its gradient part"
                Expect.isFalse ((inner :> IGradientEmitter).NeedsGradients) "the inner hybrid does not"

                // Through a scheduler: the gradient stage asks only the gradient part; the branch
                // stage asks all 100 and every part's slice comes back to it.
                let archive = filled sphere 100 4UL

                let scheduler =
                    QdFunctional.Core.Scheduling.Scheduler.Create(archive, [ mega :> IEmitter ])

                let struct (s, points) = scheduler.AskGradients(Key.Of 1UL)
                Expect.equal points.Count 20 "gradient points of the gradient part only"
                let struct (s, _) = s.TellGradients(sphere.Evaluate(points, true))
                let struct (s, children) = s.Ask(Key.Of 2UL)
                Expect.equal children.Count 100 "all children"
                let struct (s, _) = s.Tell(sphere.Evaluate children)
                let told = s.Emitters[0] :?> HybridEmitter
                Expect.isEmpty told.PendingCounts "nothing pending after tell"

                let plain =
                    QdFunctional.Core.Scheduling.Scheduler.Create(archive, [ inner :> IEmitter ])

                Expect.isFalse plain.NeedsGradients "a gradient-free hybrid skips the gradient stage"

            testCase "MO-Rastrigin: objectives, measures and exact Jacobians agree with finite differences"
            <| fun () ->
                let batch = SolutionBatch(4, 10, (boundsOf rastrigin).SampleUniform(Key.Of 8UL, 4))
                let e = rastrigin.Evaluate(batch, true)
                let numeric = finiteJacobian rastrigin batch

                for i in 0 .. e.Jacobians.Length - 1 do
                    Expect.isLessThan (abs (e.Jacobians[i] - numeric[i])) 1e-4 $"Jacobian entry {i}"

                let zero = rastrigin.Evaluate(SolutionBatch(1, 10, Array.zeroCreate 10))
                Expect.floatClose Accuracy.high zero.Objectives[0] 0.0 "f1 is 0 at its optimum"
                Expect.isLessThan zero.Objectives[1] -100.0 "f2 is poor there"
                Expect.equal (e.MeasuresOf(2).ToArray()) (batch.Row(2).Slice(0, 2).ToArray()) "measures are x0, x1"

            testCase
                "mo-sphere: three objectives from the engine, Jacobians equal finite differences, all above the reference"
            <| fun () ->
                let batch = SolutionBatch(5, 6, (boundsOf sphere).SampleUniform(Key.Of 9UL, 5))
                let e = sphere.Evaluate(batch, true)
                Expect.equal e.ObjectiveCount 3 "three objectives"
                let numeric = finiteJacobian sphere batch

                for i in 0 .. e.Jacobians.Length - 1 do
                    Expect.isLessThan (abs (e.Jacobians[i] - numeric[i])) 1e-6 $"Jacobian entry {i}"

                let corners =
                    SolutionBatch(2, 6, Array.append (Array.create 6 -2.0) (Array.create 6 2.0))

                let c = sphere.Evaluate corners

                for v in c.Objectives do
                    Expect.isGreaterThan v -10.0 "every objective is above the reference point"

            testList
                "MOME runs resume bit for bit"
                [
                    for emitter in RunConfig.momeEmitters ->
                        testCase emitter
                        <| fun () ->
                            let config =
                                { RunConfig.preset "mo-rastrigin" "mome" RunConfig.defaults with
                                    Task = "mo-rastrigin"
                                    Algorithm = "mome"
                                    Dim = 8
                                    Archive = "cvt:32"
                                    Iterations = 20
                                    Batch = 24
                                    CheckpointEvery = 0
                                    Mome =
                                        { MomeSettings.defaults with
                                            Emitter = emitter
                                            ParetoLength = 5
                                            Temperature = 0.5
                                            DynamicTemperature = true
                                        }
                                }

                            let tempDir () =
                                let d = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))
                                Directory.CreateDirectory d |> ignore
                                d

                            let runTo dir c =
                                RunDirectory.start dir c
                                |> RunDirectory.execute dir CancellationToken.None ignore

                            let whole, split = tempDir (), tempDir ()
                            let final = runTo whole config
                            runTo split { config with Iterations = 7 } |> ignore

                            RunDirectory.resume split (Some 20)
                            |> RunDirectory.execute split CancellationToken.None ignore
                            |> ignore

                            let bytes dir =
                                File.ReadAllBytes(RunDirectory.archivePath dir)

                            Expect.equal (bytes split) (bytes whole) "identical archive after resume"
                            let mome = final.State.Archive :?> MomeArchive
                            Expect.isGreaterThan mome.NumSolutions mome.OccupiedCount "fronts hold several solutions"

                            let table = Results.loadArchive (RunDirectory.archivePath whole)
                            Expect.equal table.ObjectiveCount 2 "both objectives in the Parquet file"
                            Expect.equal table.Cells.Length mome.NumSolutions "one row per solution"
                ]

            testCase "a MOME checkpoint is refused by a run whose archive is a cell archive"
            <| fun () ->
                let dir = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))
                Directory.CreateDirectory dir |> ignore

                let config =
                    { RunConfig.preset "mo-sphere" "mome" RunConfig.defaults with
                        Task = "mo-sphere"
                        Algorithm = "mome"
                        Dim = 4
                        Archive = "grid:5x5"
                        Iterations = 3
                        Batch = 8
                    }

                RunDirectory.start dir config
                |> RunDirectory.execute dir CancellationToken.None ignore
                |> ignore

                let cell = CellArchive.Grid(4, [| 5; 5 |], [| -2.0; -2.0 |], [| 2.0; 2.0 |])

                throwsWith<QdFunctional.Core.Persistence.CorruptFileException> [ "MOME"; "CellArchive" ] (fun () ->
                    QdFunctional.Core.Checkpoints.ArchiveCheckpoint.Read(RunDirectory.checkpointPath dir, cell)
                    |> ignore)

            testCase
                "qd report on a MOME run draws the hypervolume map and the front; the map's cells sum to the MOQD score"
            <| fun () ->
                let dir = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))

                let code =
                    QdFunctional.Cli.Program.main
                        [|
                            "run"
                            "--task"
                            "mo-rastrigin"
                            "--algorithm"
                            "mome"
                            "--dim"
                            "6"
                            "--iterations"
                            "15"
                            "--archive"
                            "cvt:24"
                            "--out"
                            dir
                            "--quiet"
                        |]

                Expect.equal code 0 "run"
                Expect.equal (QdFunctional.Cli.Program.main [| "report"; dir |]) 0 "report"

                for picture in [ "heatmap.png"; "hypervolume.png"; "front.png"; "metrics.png" ] do
                    Expect.isGreaterThan (FileInfo(Path.Combine(dir, picture)).Length) 1000L $"{picture} drawn"

                let table = Results.loadArchive (RunDirectory.archivePath dir)
                let task = MultiObjectiveRastrigin 6
                let cells = ParetoPlot.cellHypervolumes table task.ReferencePoint
                let metrics = Results.loadMetrics (RunDirectory.metricsPath dir)
                Expect.equal cells.Count (table.Cells |> Array.distinct |> Array.length) "one row per occupied cell"

                Expect.floatClose
                    Accuracy.high
                    (Array.sum cells.Objectives)
                    (Array.last metrics).QdScore
                    "per-cell hypervolumes add up to the MOQD score"

            testCase "mome configurations are checked by field"
            <| fun () ->
                let mome =
                    { RunConfig.preset "mo-rastrigin" "mome" RunConfig.defaults with
                        Task = "mo-rastrigin"
                        Algorithm = "mome"
                        Dim = 10
                    }

                throwsWith<ArgumentException> [ "MOME emitter"; "mega-hybrid" ] (fun () ->
                    RunConfig.validate
                        { mome with
                            Mome =
                                { MomeSettings.defaults with
                                    Emitter = "fancy"
                                }
                        }
                    |> ignore)

                throwsWith<ArgumentException> [ "multi-objective" ] (fun () ->
                    RunConfig.validate { mome with Task = "lp-sphere" } |> ignore)

                throwsWith<ArgumentException> [ "--algorithm mome" ] (fun () ->
                    RunConfig.validate { mome with Algorithm = "map-elites" } |> ignore)

                throwsWith<ArgumentException> [ "objective 2"; "mo-rastrigin" ] (fun () ->
                    Run.emitters
                        (RunPlan.parse
                            { mome with
                                Mome =
                                    { MomeSettings.defaults with
                                        Objective = 2
                                    }
                            })
                        rastrigin
                    |> ignore)
        ]
