module SchedulerTests

open System
open Expecto
open Properties
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Random
open QdFunctional.Core.Scheduling

/// An emitter that records what it was told, to check the scheduler's slicing.
type private Recorder(tag: float, size: int, told: (float * float[]) list) =
    member _.Told = told

    interface IEmitter with
        member _.BatchSize = size

        member this.Ask(_, _) =
            struct (this :> IEmitter, SolutionBatch(size, 2, Array.create (2 * size) tag))

        member _.Tell(_, solutions, _, report) =
            Recorder(tag, size, (solutions.Row(0)[0], report.Value) :: told) :> IEmitter

let private archive () =
    CellArchive.Grid(2, [| 10; 10 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])

[<Tests>]
let tests =
    testList
        "Scheduler"
        [
            testCase "asks every emitter in order and tells each its own slice"
            <| fun () ->
                let s =
                    Scheduler.Create(archive (), [ Recorder(1.0, 2, []) :> IEmitter; Recorder(2.0, 3, []) ])

                let struct (s1, batch) = s.Ask(Key.Of 1UL)
                Expect.equal batch.Count 5 "2 + 3 solutions"
                Expect.equal (batch.Row(0)[0], batch.Row(4)[0]) (1.0, 2.0) "emitter order"
                let objectives = [| 1.0; 2.0; 3.0; 4.0; 5.0 |]
                let measures = Array.init 10 (fun i -> 0.05 + 0.2 * float (i / 2))
                let struct (s2, report) = s1.Tell(evaluation objectives measures)
                Expect.equal report.Count 5 "one report row per solution"
                let first = s2.Emitters[0] :?> Recorder
                let second = s2.Emitters[1] :?> Recorder
                Expect.equal first.Told [ 1.0, [| 1.0; 2.0 |] ] "first emitter got rows 0-1"
                Expect.equal second.Told [ 2.0, [| 3.0; 4.0; 5.0 |] ] "second emitter got rows 2-4"
                Expect.equal s2.Archive.Stats.NumElites 5 "archive updated"
                Expect.equal s.Archive.Stats.NumElites 0 "the original scheduler is unchanged"

            testCase "each emitter draws from its own key, independent of the others"
            <| fun () ->
                let g =
                    GaussianEmitter(2, 1.0, 4, EmitterStart.FromPoint [| 0.0; 0.0 |]) :> IEmitter

                let struct (_, one) = Scheduler.Create(archive (), [ g ]).Ask(Key.Of 3UL)
                let struct (_, two) = Scheduler.Create(archive (), [ g; g ]).Ask(Key.Of 3UL)

                Expect.equal
                    (two.Values.Slice(0, 8).ToArray())
                    (one.Values.ToArray())
                    "adding an emitter leaves the first's draws alone"

                Expect.notEqual
                    (two.Values.Slice(8, 8).ToArray())
                    (one.Values.ToArray())
                    "the second emitter draws differently"

            // Gaussian and iso-line emitters write their rows straight into the scheduler's one batch once
            // the archive has elites; the batch must be what asking each alone and concatenating gives.
            testCase "several emitters asked into one batch give their own asks' rows, in order"
            <| fun () ->
                let start = EmitterStart.FromPoint [| 0.5; 0.5 |]
                let bounds = EmitterBounds([| 0.1; 0.0 |], [| 0.9; 1.0 |])

                let emitters: IEmitter list =
                    [
                        GaussianEmitter(2, 0.2, 5, start)
                        IsoLineEmitter(2, 0.05, 0.3, 3, start)
                        GaussianEmitter(2, 0.4, 4, start, bounds)
                        IsoLineEmitter(2, 0.1, 0.2, 6, start, bounds)
                    ]

                let struct (seeded, _) =
                    let values = Array.init 40 (fun i -> 0.05 + 0.9 * float ((i * 7) % 19) / 19.0)
                    (archive ()).Add(SolutionBatch(20, 2, values), evaluation (Array.init 20 float) values)

                let struct (_, batch) = Scheduler.Create(seeded, emitters).Ask(Key.Of 5UL)

                let alone =
                    emitters
                    |> List.mapi (fun i e ->
                        let struct (_, b) = e.Ask(seeded, (Key.Of 5UL).FoldIn i)
                        b.Values.ToArray())
                    |> Array.concat

                Expect.equal batch.Count 18 "5 + 3 + 4 + 6 rows"
                Expect.sequenceEqual (batch.Values.ToArray()) alone "the same rows as each emitter's own ask"

            testCase "diversity optimization: tell without objectives"
            <| fun () ->
                let g =
                    GaussianEmitter(2, 0.3, 50, EmitterStart.FromPoint [| 0.5; 0.5 |]) :> IEmitter

                let struct (s, batch) = Scheduler.Create(archive (), [ g ]).Ask(Key.Of 4UL)

                let struct (s, report) =
                    s.Tell(Evaluation(batch.Count, 0, 2, [||], batch.Values.ToArray()))

                let newCells =
                    [
                        for i in 0 .. report.Count - 1 do
                            if report.Status[i] = AddStatus.New then
                                report.Cells[i]
                    ]
                    |> List.distinct

                Expect.equal s.Archive.Stats.NumElites newCells.Length "one elite per new cell"
                Expect.isGreaterThan newCells.Length 5 "the batch spread over several cells"
                Expect.equal s.Archive.Stats.QdScore 0.0 "no objective, no QD score"

            testCase "ask twice, tell without ask, and a wrong-sized tell are refused"
            <| fun () ->
                let s = Scheduler.Create(archive (), [ Recorder(1.0, 2, []) :> IEmitter ])
                let struct (s1, _) = s.Ask(Key.Of 1UL)

                throwsWith<InvalidOperationException> [ "tell the previous batch" ] (fun () ->
                    s1.Ask(Key.Of 2UL) |> ignore)

                throwsWith<InvalidOperationException> [ "without a pending ask" ] (fun () ->
                    s.Tell(evaluation [| 1.0 |] [| 0.5; 0.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "asked for 2"; "got 1" ] (fun () ->
                    s1.Tell(evaluation [| 1.0 |] [| 0.5; 0.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "at least one emitter" ] (fun () ->
                    Scheduler.Create(archive (), []) |> ignore)

            testCase "Iteration.Step's pooled batches give ask/tell's archives and never change an earlier one"
            <| fun () ->
                let d = 20

                let task =
                    QdFunctional.Core.Tasks.LinearProjection(
                        QdFunctional.Core.Tasks.LinearProjection.Function.Sphere,
                        d
                    )

                let x0 = EmitterStart.FromPoint(Array.zeroCreate d)

                let emitters: IEmitter list =
                    [
                        GaussianEmitter(d, 0.3, 7, x0)
                        IsoLineEmitter(d, 0.1, 0.2, 5, x0)
                        GaussianEmitter(d, 0.5, 3, x0)
                    ]

                let start =
                    let values = Array.zeroCreate (50 * d)
                    (Key.Of 9UL).Normal(Span values, 0.0, 2.0)
                    let pop = SolutionBatch(50, d, values)

                    let grid = CellArchive.Grid(d, [| 20; 20 |], task.MeasureLow, task.MeasureHigh)

                    let struct (filled, _) = grid.Add(pop, task.Evaluate pop)
                    Scheduler.Create(filled, emitters)

                let keys = RunKeys(4UL)
                // A fresh copy of the archive's columns.
                let snapshot (s: Scheduler) =
                    let t = s.Archive.ToTable()
                    t.Cells, t.Objectives, t.Solutions

                let mutable pooled = start
                let mutable plain = start
                let kept = ResizeArray()

                for i in 1..40 do
                    let struct (next, _) =
                        Iteration.Step(pooled, task, keys.Iteration i, IterationOptions())

                    pooled <- next
                    kept.Add(next, snapshot next)
                    let struct (asked, batch) = plain.Ask((keys.Iteration i).Key)
                    let struct (told, _) = asked.Tell(task.Evaluate batch)
                    plain <- told

                Expect.equal (snapshot pooled) (snapshot plain) "the same archive as plain ask/tell"

                for s, before in kept do
                    Expect.equal (snapshot s) before "an earlier archive is as it was when it was made"

            testCase "SampleInto draws the elites Sample draws"
            <| fun () ->
                let a =
                    let struct (filled, _) =
                        (archive ())
                            .Add(
                                SolutionBatch(5, 2, [| 0.1; 0.1; 0.3; 0.3; 0.5; 0.5; 0.7; 0.7; 0.9; 0.9 |]),
                                evaluation
                                    [| 1.0; 2.0; 3.0; 4.0; 5.0 |]
                                    [| 0.1; 0.1; 0.3; 0.3; 0.5; 0.5; 0.7; 0.7; 0.9; 0.9 |]
                            )

                    filled

                for count in [ 0; 1; 37; 300 ] do
                    let into = Array.zeroCreate count
                    a.SampleInto(Key.Of 6UL, Span into)
                    Expect.sequenceEqual into (a.Sample(Key.Of 6UL, count)) $"{count} elites, the same draws"
        ]
