module EvolutionEmitterTests

open System
open Expecto
open Properties
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Emitters.Rankers
open QdFunctional.Core.Optimizers
open QdFunctional.Core.Random
open QdFunctional.Core.Scheduling
open QdFunctional.Core.Tasks

let private report (status: AddStatus[]) (values: float[]) =
    AddReport(status, values, Array.zeroCreate values.Length)

let private sphere = LinearProjection(LinearProjection.Function.Sphere, 10) :> ITask

let private archive () =
    CellArchive.Grid(10, [| 20; 20 |], sphere.MeasureLow, sphere.MeasureHigh)

/// One ask/evaluate/tell round of a plain emitter against an archive.
let private round (emitter: IEmitter) (a: IArchive) key =
    let struct (e, sols) = emitter.Ask(a, key)
    let ev = sphere.Evaluate sols
    let struct (a2, rep) = a.Add(sols, ev)
    e.Tell(a2, sols, ev, rep), a2, sols

[<Tests>]
let tests =
    testList
        "Evolution emitters"
        [
            testCase "two-stage improvement ranks new cells, then improvements, then the rest, each by value"
            <| fun () ->
                let r = TwoStageImprovementRanker()

                let st =
                    [|
                        AddStatus.Improved
                        AddStatus.New
                        AddStatus.NotAdded
                        AddStatus.New
                        AddStatus.Improved
                    |]

                let struct (indices, values) =
                    r.Rank(null, null, report st [| 5.0; 1.0; 9.0; 3.0; 7.0 |])

                Expect.equal indices [| 3; 1; 4; 0; 2 |] "order"
                Expect.equal values [| 3.0; 1.0; 7.0; 5.0; 9.0 |] "values in rank order"

            testCase "random direction ranks added solutions first, by projection onto the direction"
            <| fun () ->
                let r = RandomDirectionRanker [| 1.0; 0.0 |]

                let ev =
                    Evaluation(3, 1, 2, [| 0.0; 0.0; 0.0 |], [| 5.0; 0.0; 1.0; 0.0; 3.0; 0.0 |])

                let struct (indices, _) =
                    r.Rank(
                        null,
                        ev,
                        report [| AddStatus.NotAdded; AddStatus.Improved; AddStatus.New |] [| 0.0; 0.0; 0.0 |]
                    )

                Expect.equal indices [| 2; 1; 0 |] "added first (3 > 1), then the unadded 5"

                let drawn =
                    (RandomDirectionRanker()).Reset(archive (), Key.Of 1UL) :?> RandomDirectionRanker

                Expect.equal drawn.Direction.Length 2 "a direction in measure space"

                throwsWith<InvalidOperationException> [ "reset it" ] (fun () ->
                    (RandomDirectionRanker()).Rank(null, ev, report (Array.zeroCreate 3) (Array.zeroCreate 3))
                    |> ignore)

            testCase "CMA-ME: same key, same batch; tell leaves the original emitter unchanged"
            <| fun () ->
                let e =
                    EvolutionStrategyEmitter(
                        CmaEs.Create(ReadOnlySpan(Array.zeroCreate 10), 0.5, 12),
                        TwoStageImprovementRanker(),
                        RestartRule.NoImprovement()
                    )

                let struct (_, b1) = e.Ask(archive (), Key.Of 3UL)
                let struct (_, b2) = e.Ask(archive (), Key.Of 3UL)
                Expect.equal (b1.Values.ToArray()) (b2.Values.ToArray()) "deterministic"
                let meanBefore = e.Strategy.Mean.ToArray()
                let told, _, _ = round e (archive ()) (Key.Of 4UL)
                Expect.equal (e.Strategy.Mean.ToArray()) meanBefore "original unchanged"

                Expect.notEqual
                    ((told :?> EvolutionStrategyEmitter).Strategy.Mean.ToArray())
                    meanBefore
                    "the told copy moved"

            testCase "CMA-ME restarts at an elite when an iteration adds nothing"
            <| fun () ->
                let e =
                    EvolutionStrategyEmitter(
                        CmaEs.Create(ReadOnlySpan(Array.zeroCreate 10), 0.5, 12),
                        TwoStageImprovementRanker(),
                        RestartRule.NoImprovement()
                    )

                let told, a, _ = round e (archive ()) (Key.Of 5UL)
                // The same batch again improves nothing: the rule fires.
                let struct (again, sols) = told.Ask(a, Key.Of 5UL)
                let ev = sphere.Evaluate sols
                let struct (a2, rep) = a.Add(sols, ev)

                let stale =
                    (told :?> EvolutionStrategyEmitter)
                        .Tell(a2, sols, ev, AddReport(Array.zeroCreate 12, Array.zeroCreate 12, rep.Cells))
                    :?> EvolutionStrategyEmitter

                Expect.isTrue stale.PendingRestart "no improvement marks a restart"
                let struct (restarted, _) = stale.Ask(a2, Key.Of 6UL)
                let r = restarted :?> EvolutionStrategyEmitter
                Expect.equal r.Restarts 1 "one restart"
                let elites = a2.Elites |> Seq.map (fun el -> el.Solution.ToArray()) |> Seq.toList
                Expect.isTrue (elites |> List.contains (r.Strategy.Mean.ToArray())) "the new mean is an elite"
                ignore again

            testCase "CMA-MEGA: branches are theta plus coefficient-weighted gradients; a tell steps theta"
            <| fun () ->
                let task = LinearProjection(LinearProjection.Function.Sphere, 10) :> ITask

                let e =
                    GradientArborescenceEmitter(Array.zeroCreate 10, 2, 1.0, 8, GradientAscent(1.0))

                let a = archive ()
                let struct (e1, point) = e.AskGradients(a, Key.Of 7UL)
                Expect.equal (point.Values.ToArray()) (Array.zeroCreate 10) "the gradient point is theta"
                let pev = task.Evaluate(point, true)
                let struct (a1, prep) = a.Add(point, pev)
                let e2 = e1.TellGradients(a1, point, pev, prep) :?> GradientArborescenceEmitter
                let struct (e3, branches) = e2.Ask(a1, Key.Of 8UL)
                let g3 = e3 :?> GradientArborescenceEmitter
                let j = g3.Jacobian

                for i in 0..7 do
                    for d in 0..9 do
                        let expected =
                            Seq.sum [ for r in 0..2 -> g3.AskedCoefficients[i * 3 + r] * j[r * 10 + d] ]

                        Expect.floatClose Accuracy.high (branches.Row(i)[d]) expected "θ + Σ c_r ∇_r with θ = 0"

                let bev = task.Evaluate branches
                let struct (a2, brep) = a1.Add(branches, bev)
                let told = g3.Tell(a2, branches, bev, brep) :?> GradientArborescenceEmitter
                Expect.notEqual told.Theta g3.Theta "theta moved"
                Expect.equal g3.Theta (Array.zeroCreate 10) "the original emitter kept its theta"
                throwsWith<InvalidOperationException> [ "ask for gradients" ] (fun () -> e.Ask(a, Key.Of 1UL) |> ignore)

            testCase "CMA-MEGA beats MAP-Elites on LP-sphere by a clear margin in a short run"
            <| fun () ->
                let mega, me = shortRunScore "cma-mega" 100 300, shortRunScore "map-elites" 100 300
                Expect.isGreaterThan mega (3.0 * me) $"CMA-MEGA {mega:F2} vs MAP-Elites {me:F2}"

            testCase "CMA-ME fills more of LP-sphere than its mean alone would (it explores)"
            <| fun () ->
                let config =
                    { RunConfig.preset "lp-sphere" "cma-me" RunConfig.defaults with
                        Algorithm = "cma-me"
                        Dim = 20
                        Iterations = 150
                    }

                let task = Run.task (RunPlan.parse config)

                let final =
                    Run.init (RunPlan.parse config) task
                    |> Run.fold (RunPlan.parse config) task ignore

                Expect.isGreaterThan final.Archive.Stats.NumElites 50 "many cells found"
        ]
