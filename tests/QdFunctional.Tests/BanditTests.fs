module BanditTests

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

/// An emitter that asks for the same point every time: new once, never again.
let private samePoint (x: float) : IEmitter =
    { new IEmitter with
        member _.BatchSize = 1

        member this.Ask(_, _) =
            struct (this, SolutionBatch(1, 2, [| x; 0.5 |]))

        member this.Tell(_, _, _, _) = this
    }

/// An emitter that asks for a point in a fresh cell every time: always a success.
let rec private freshPoint (i: int) : IEmitter =
    { new IEmitter with
        member _.BatchSize = 1

        member _.Ask(_, _) =
            struct (freshPoint (i + 1), SolutionBatch(1, 2, [| 10.5 + float i; 0.5 |]))

        member this.Tell(_, _, _, _) = this
    }

/// Which pool members each of `iterations` asks used, with measures = solution and objective 1.
let private choices (bandit: BanditEmitter) iterations =
    let mutable archive =
        CellArchive.Grid(2, [| 1000; 1 |], [| 0.0; 0.0 |], [| 1000.0; 1.0 |]) :> IArchive

    let mutable emitter = bandit :> IEmitter

    [
        for it in 1..iterations do
            let struct (asked, solutions) = emitter.Ask(archive, Key.Of(uint64 it))
            let b = asked :?> BanditEmitter

            let evaluation =
                Evaluation(solutions.Count, 1, 2, Array.create solutions.Count 1.0, solutions.Values.ToArray())

            let struct (next, report) = archive.Add(solutions, evaluation)
            archive <- next
            emitter <- asked.Tell(next, solutions, evaluation, report)

            yield
                [
                    for i in 0 .. b.Pool.Length - 1 do
                        if b.Active[i] then
                            yield i
                ]
    ]

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-bandit", Guid.NewGuid().ToString("N"))

[<Tests>]
let tests =
    testList
        "Bandit scheduler"
        [
            testCase "UCB1 scores and the choice match a hand computation"
            <| fun () ->
                // S = 15, ln 15 = 2.70805; sᵢ/nᵢ + 0.05 √(ln S / nᵢ).
                let scores =
                    BanditEmitter.Scores(
                        ReadOnlySpan [| 10L; 0L; 5L; 0L |],
                        ReadOnlySpan [| 100L; 50L; 20L; 0L |],
                        0.05
                    )

                Expect.floatClose Accuracy.veryHigh scores[0] 0.10822807723757838 "0.1 + 0.05 √(2.708/100)"
                Expect.floatClose Accuracy.veryHigh scores[1] 0.011636258421636679 "0 + 0.05 √(2.708/50)"
                Expect.floatClose Accuracy.veryHigh scores[2] 0.2683985400273439 "0.25 + 0.05 √(2.708/20)"
                Expect.equal scores[3] infinity "never chosen: +∞"

                let zero =
                    BanditEmitter.Scores(ReadOnlySpan [| 0L; 0L |], ReadOnlySpan [| 4L; 8L |], 0.05)

                Expect.equal zero [| 0.0; 0.0 |] "no success yet: no bonus (pyribs: NaN)"

                // Member 0 stays active; two more come: 3 (+∞), then 2 (0.268 > 0.108 > 0.012).
                Expect.equal
                    (BanditEmitter.Choose(ReadOnlySpan [| true; false; false; false |], scores, 3))
                    [| true; false; true; true |]
                    "the best inactive members"

            testCase "on a rigged pool the bandit tries each member once, then keeps the one that succeeds"
            <| fun () ->
                // Hand-run: 0 (first ask), 1 and 2 (+∞, lower index first), 0 (all at 1 + 0.05 √(ln 3),
                // lowest index), 1 (1.052 against 0's 0.537), 2, and from then on 2: the same points fail.
                let expected =
                    [ [ 0 ]; [ 1 ]; [ 2 ]; [ 0 ]; [ 1 ]; [ 2 ]; [ 2 ]; [ 2 ]; [ 2 ]; [ 2 ] ]

                for reselect in [ BanditReselect.All; BanditReselect.Terminated ] do
                    let bandit =
                        BanditEmitter([| samePoint 0.5; samePoint 1.5; freshPoint 0 |], 1, reselect)

                    Expect.equal
                        (choices bandit 10)
                        expected
                        $"{reselect}: emitters that never restart are reselected every time"

                let bandit = BanditEmitter([| samePoint 0.5; samePoint 1.5; freshPoint 0 |], 1)

                let struct (asked, _) =
                    (bandit :> IEmitter)
                        .Ask(CellArchive.Grid(2, [| 10; 1 |], [| 0.0; 0.0 |], [| 1000.0; 1.0 |]), Key.Of 1UL)

                Expect.equal
                    (Seq.toArray bandit.Successes)
                    [| 0L; 0L; 0L |]
                    "asking leaves the original bandit as it was"

                Expect.isTrue (asked :?> BanditEmitter).Active[0] "the first ask uses the first members"

            testCase "an evolution strategy stays active until its search ends; the active count never changes"
            <| fun () ->
                let task = LinearProjection(LinearProjection.Function.Sphere, 10) :> ITask
                let x0 = Array.zeroCreate 10

                let pool =
                    Emitter.evolutionStrategyPool
                        { EvolutionStrategySettings.cmaMe with
                            Batch = 6
                        }
                        [ ObjectiveRanking, 3; TwoStageImprovement, 3 ]
                        x0
                    @ [ for _ in 1..3 -> Emitter.isoLine 0.01 0.1 6 x0 ]

                let mutable archive =
                    CellArchive.Grid(10, [| 20; 20 |], task.MeasureLow, task.MeasureHigh) :> IArchive

                let mutable emitter = Emitter.bandit BanditReselect.Terminated 3 pool
                let mutable previous: BanditEmitter option = None
                let mutable kept = 0

                for it in 1..60 do
                    let struct (asked, solutions) = emitter.Ask(archive, Key.Of(uint64 it))
                    let b = asked :?> BanditEmitter
                    Expect.equal (b.Active |> Seq.filter id |> Seq.length) 3 $"iteration {it}: three active"
                    Expect.equal solutions.Count 18 $"iteration {it}: three emitters' batches"

                    match previous with
                    | Some p ->
                        for i in 0 .. p.Pool.Length - 1 do
                            match p.Pool[i] with
                            | :? EvolutionStrategyEmitter as es when p.Active[i] && not es.Terminated ->
                                Expect.isTrue b.Active[i] $"iteration {it}: member {i} was running and stays"
                                kept <- kept + 1
                            | _ -> ()
                    | None -> ()

                    let evaluation = task.Evaluate solutions
                    let struct (next, report) = archive.Add(solutions, evaluation)
                    archive <- next
                    emitter <- asked.Tell(next, solutions, evaluation, report)
                    previous <- Some(emitter :?> BanditEmitter)

                Expect.isGreaterThan kept 0 "some evolution strategies ran on across iterations"

            testCase "gradient emitters cannot join, and a pool smaller than the active count is refused"
            <| fun () ->
                let x0 = Array.zeroCreate 10

                throwsWith<ArgumentException> [ "gradient emitters cannot join" ] (fun () ->
                    Emitter.bandit BanditReselect.Terminated 1 [ Emitter.cmaMe 0.5 6 x0; Emitter.cmaMega 10.0 5 2 x0 ]
                    |> ignore)

                throwsWith<ArgumentException> [ "fewer than the 3 active" ] (fun () ->
                    Emitter.bandit BanditReselect.Terminated 3 [ Emitter.cmaMe 0.5 6 x0; Emitter.cmaMe 0.5 6 x0 ]
                    |> ignore)

            testCase "me-map-elites, ns-cma and nslc-cma runs are deterministic and resume to the same bytes"
            <| fun () ->
                for algorithm, tune in
                    [
                        "me-map-elites",
                        fun (c: RunConfig) ->
                            { c with
                                Emitters = 3
                                Ranker = "obj:2,2rd:2,2imp:2"
                            }
                        "me-map-elites-all",
                        fun c ->
                            { c with
                                Emitters = 2
                                Ranker = "2rd:2,2imp:1"
                            }
                        "ns-cma", fun c -> { c with Emitters = 3 }
                        "nslc-cma", fun c -> { c with Emitters = 3 }
                        "nslc-cma", fun c -> { c with Emitters = 3; Ranker = "2imp" }
                    ] do
                    let config =
                        { RunConfig.preset "lp-sphere" algorithm { RunConfig.defaults with Dim = 10 } with
                            Iterations = 30
                            CheckpointEvery = 10
                            Batch = 6
                        }
                        |> tune

                    let whole, again, split = tempDir (), tempDir (), tempDir ()

                    for dir in [ whole; again ] do
                        RunDirectory.start dir config
                        |> RunDirectory.execute dir CancellationToken.None ignore
                        |> ignore

                    RunDirectory.start split { config with Iterations = 12 }
                    |> RunDirectory.execute split CancellationToken.None ignore
                    |> ignore

                    RunDirectory.resume split (Some 30)
                    |> RunDirectory.execute split CancellationToken.None ignore
                    |> ignore

                    let bytes dir =
                        File.ReadAllBytes(RunDirectory.archivePath dir)

                    Expect.equal (bytes again) (bytes whole) $"{algorithm} {config.Ranker}: same seed, same archive"
                    Expect.equal (bytes split) (bytes whole) $"{algorithm} {config.Ranker}: resumed = uninterrupted"
                    Expect.isGreaterThan (bytes whole).Length 1000 $"{algorithm}: an archive with elites"
        ]
