/// The F# front's modules, each by what a script relies on: rows in and out without index
/// arithmetic, CMA-MAE's pair annealing at its learning rate, CVT centroids that round-trip,
/// the gradient stage as functions with Core's key plan, checkpoints that resume a hand-built
/// fold bit for bit, and errors that name what is wrong.
module FrontTests

open System
open System.IO
open Expecto
open QdFunctional
open QdFunctional.Core.Emitters

let private tempFile () =
    Path.Combine(Path.GetTempPath(), "qd-front-tests", Guid.NewGuid().ToString("N"), "checkpoint.bin")

let private throwsWith (f: unit -> unit) (parts: string list) =
    Expect.throwsC f (fun e ->
        for p in parts do
            Expect.stringContains e.Message p $"the message names {p}")

let private bounds2 = [ (-1.0, 1.0); (-1.0, 1.0) ]

/// A solution of `dim` numbers whose measures are its first two numbers and whose objective is `f`.
let private evaluationOf (objective: float) (measures: float[]) =
    Evaluation.ofObjectives [| objective |] [| measures |]

let private solutions =
    testList
        "Solutions and Evaluation"
        [
            testCase "rows go in and come back as they were"
            <| fun () ->
                let rows = [| [| 1.0; 2.0; 3.0 |]; [| -4.0; 5.5; 6.0 |] |]
                let batch = Solutions.ofRows rows
                Expect.equal (Solutions.toRows batch) rows "round trip"
                Expect.equal (Solutions.row 1 batch) rows[1] "one row"
                Expect.equal (Solutions.count batch, Solutions.dim batch) (2, 3) "shape"

                let e =
                    Evaluation.ofRows [| [| 10.0 |]; [| 20.0 |] |] [| [| 0.1; 0.2 |]; [| 0.3; 0.4 |] |]

                Expect.equal (Evaluation.objectiveRows e) [| [| 10.0 |]; [| 20.0 |] |] "objectives by row"
                Expect.equal (Evaluation.measureRows e) [| [| 0.1; 0.2 |]; [| 0.3; 0.4 |] |] "measures by row"
                Expect.equal (e.MeasuresOf(1).ToArray()) [| 0.3; 0.4 |] "the core sees row 1's measures"

                let pairs = Evaluation.ofPairs [| 10.0, [| 0.1; 0.2 |]; 20.0, [| 0.3; 0.4 |] |]
                Expect.equal pairs.Objectives e.Objectives "pairs = rows"
                Expect.equal (Evaluation.ofMeasures [| [| 0.5; 0.5 |] |]).ObjectiveCount 0 "diversity alone"

            testCase "Jacobians given per row land where the core reads them"
            <| fun () ->
                // Two solutions, d = 3, one objective and two measures: each row is a 3 × 3 matrix.
                let jac i =
                    Array.init 3 (fun output -> Array.init 3 (fun c -> float (100 * i + 10 * output + c)))

                let e =
                    Evaluation.ofRows [| [| 1.0 |]; [| 2.0 |] |] [| [| 0.0; 0.0 |]; [| 1.0; 1.0 |] |]
                    |> Evaluation.withJacobians [| jac 0; jac 1 |]

                Expect.equal e.SolutionDim 3 "d"

                for i in 0..1 do
                    for output in 0..2 do
                        for c in 0..2 do
                            Expect.equal
                                e.Jacobians[(i * 3 + output) * 3 + c]
                                (float (100 * i + 10 * output + c))
                                "n × (m + k) × d"

                Expect.equal (Evaluation.jacobianRows e) (Some [| jac 0; jac 1 |]) "and back"

            testCase "a ragged row, a missing row or a short Jacobian is named"
            <| fun () ->
                throwsWith
                    (fun () -> Solutions.ofRows [| [| 1.0; 2.0 |]; [| 1.0 |] |] |> ignore)
                    [ "row 1"; "1 numbers"; "2" ]

                throwsWith
                    (fun () ->
                        Evaluation.ofRows [| [| 1.0 |]; [| 2.0 |] |] [| [| 0.1; 0.2 |]; [| 0.3 |] |]
                        |> ignore)
                    [ "measures row 1"; "1 values"; "row 0 has 2" ]

                throwsWith
                    (fun () -> Evaluation.ofRows [| [| 1.0 |] |] [| [| 0.1 |]; [| 0.2 |] |] |> ignore)
                    [ "1 objective rows"; "2 measure rows" ]

                let e = Evaluation.ofObjectives [| 1.0 |] [| [| 0.0; 0.0 |] |]

                throwsWith
                    (fun () -> e |> Evaluation.withJacobians [| [| [| 1.0 |]; [| 1.0 |] |] |] |> ignore)
                    [ "solution 0"; "2 gradient rows"; "expected 3" ]
        ]

let private cells =
    testList
        "Cells and archives"
        [
            testCase "CVT centroids come back, and cells made from them place every measure the same way"
            <| fun () ->
                let cvt = Cells.cvt 40 bounds2 (KeyPlan.ofSeed 7UL |> KeyPlan.centroids)
                let centroids = Cells.centroids cvt |> Option.get
                Expect.equal centroids.Length 40 "one centroid per cell"

                for c in centroids do
                    Expect.isTrue (c |> Array.forall (fun v -> v >= -1.0 && v <= 1.0)) "inside the bounds"

                let again = Cells.ofCentroids centroids bounds2
                let archive = Archive.ofCells 3 cvt
                Expect.equal (Archive.centroids archive) (Some centroids) "the archive's centroids"
                let key = Key.ofSeed 3UL

                for probe in Solutions.toRows (Solutions.uniform key 200 bounds2) do
                    Expect.equal (Cells.cellOf probe again) (Cells.cellOf probe cvt) "same cell"

                Expect.isNone (Cells.centroids (Cells.grid [ 4; 4 ] bounds2)) "a grid has none"
                Expect.equal (Cells.count (Cells.grid [ 4; 5 ] bounds2)) 20 "4 × 5 cells"

            testCase "CMA-MAE's pair anneals a cell's threshold at the learning rate and keeps the best in the result"
            <| fun () ->
                let alpha = 0.01
                let pair = Archive.annealing alpha 0.0 2 (Cells.grid [ 2; 2 ] bounds2)
                let at = [| 0.5; 0.5 |]
                let cell = Archive.cellOf at pair.Search
                Expect.equal (Archive.threshold cell pair.Search) 0.0 "an empty cell's threshold is the minimum"

                let add (objective: float) (s: Scheduler) =
                    Scheduler.insert (Solutions.ofRows [| at |]) (evaluationOf objective at) s

                let s1 =
                    Scheduler.createAnnealing pair [ Emitter.gaussian 0.1 4 [| 0.0; 0.0 |] ]
                    |> add 50.0

                let t1 = (1.0 - alpha) * 0.0 + alpha * 50.0

                Expect.floatClose
                    Accuracy.veryHigh
                    (Archive.threshold cell (Scheduler.archive s1))
                    t1
                    "t ← (1 − α) t_min + α f"

                // 30 is below the elite's 50 but above the threshold: CMA-MAE takes it; the result keeps 50.
                let s2 = add 30.0 s1
                let t2 = (1.0 - alpha) * t1 + alpha * 30.0
                Expect.floatClose Accuracy.veryHigh (Archive.threshold cell (Scheduler.archive s2)) t2 "annealed again"

                Expect.equal
                    (Archive.tryElite cell (Scheduler.archive s2)).Value.Objective
                    30.0
                    "the search archive took 30"

                Expect.equal (Archive.tryElite cell (Scheduler.results s2)).Value.Objective 50.0 "the result keeps 50"

                // Below the threshold: nothing changes in the search archive.
                let s3 = add (t2 / 2.0) s2

                Expect.equal
                    (Archive.threshold cell (Scheduler.archive s3))
                    (Archive.threshold cell (Scheduler.archive s2))
                    "not added"

                throwsWith
                    (fun () -> Archive.annealing 1.0 0.0 2 (Cells.grid [ 2; 2 ] bounds2) |> ignore)
                    [ "(0, 1)"; "ofCells" ]

            testCase "a MOME archive keeps each cell's Pareto front"
            <| fun () ->
                let archive = Archive.mome 2 [ 0.0; 0.0 ] 10 (Cells.grid [ 1; 1 ] bounds2)
                let at = [| 0.0; 0.0 |]
                let rows = [| at; at; at |]
                // (3, 1) and (1, 3) trade off; (1, 1) is dominated by both.
                let e =
                    Evaluation.ofRows [| [| 3.0; 1.0 |]; [| 1.0; 3.0 |]; [| 1.0; 1.0 |] |] [| at; at; at |]

                let next, report = archive |> Archive.addRows rows e
                Expect.equal report.Status [| AddStatus.New; AddStatus.New; AddStatus.NotAdded |] "statuses"

                let front =
                    Archive.front 0 next
                    |> List.map (fun elite -> elite.Objectives.ToArray())
                    |> List.sort

                Expect.equal front [ [| 1.0; 3.0 |]; [| 3.0; 1.0 |] ] "the non-dominated pair"

            testCase "NSLC replaces a close entry by a better one; plain novelty search does not"
            <| fun () ->
                let first = Evaluation.ofObjectives [| 1.0 |] [| [| 0.0; 0.0 |] |]
                let close = Evaluation.ofObjectives [| 5.0 |] [| [| 0.001; 0.0 |] |]

                let run (archive: IArchive) =
                    archive
                    |> Archive.addRows [| [| 1.0 |] |] first
                    |> fst
                    |> Archive.addRows [| [| 2.0 |] |] close
                    |> fst
                    |> Archive.elites
                    |> Seq.map (fun e -> e.Objective)
                    |> Seq.toList

                Expect.equal (run (Archive.nslc 1 3 0.1 bounds2)) [ 5.0 ] "local competition"
                Expect.equal (run (Archive.proximity 1 3 0.1 bounds2)) [ 1.0 ] "novelty alone"
        ]

let private emitters =
    testList
        "Emitters"
        [
            testCase "each algorithm's emitter has the literature's choices"
            <| fun () ->
                let x0 = Array.zeroCreate 4
                let es (e: IEmitter) = e :?> EvolutionStrategyEmitter
                Expect.isTrue (es (Emitter.cmaMe 0.5 36 x0)).SelectAdded "CMA-ME filters"
                Expect.isFalse (es (Emitter.cmaMeMu 0.5 36 x0)).SelectAdded "μ selection"
                Expect.isFalse (es (Emitter.cmaMae 0.5 36 x0)).SelectAdded "CMA-MAE: μ selection"

                Expect.equal
                    (es (Emitter.cmaMae 0.5 36 x0)).Restart
                    (RestartRule.Basic())
                    "CMA-MAE restarts on stop conditions"

                Expect.equal
                    (es (Emitter.cmaMe 0.5 36 x0)).Restart
                    (RestartRule.NoImprovement())
                    "CMA-ME on no improvement"

                Expect.equal (Emitter.cmaMe 0.5 36 x0).BatchSize 36 "λ"

                let separable =
                    Emitter.evolutionStrategy
                        { EvolutionStrategySettings.cmaMe with
                            Strategy = Separable
                        }
                        x0

                Expect.isTrue
                    ((es separable).Strategy :? QdFunctional.Core.Optimizers.SeparableCmaEs)
                    "separable CMA-ES on request"

                let mega = Emitter.cmaMega 10.0 35 2 x0 :?> GradientArborescenceEmitter
                Expect.equal mega.BatchSize 35 "35 branches"
                Expect.isTrue mega.NormalizeGradients "normalized gradients"

                let adam = Emitter.cmaMegaAdam 10.0 0.002 35 2 x0 :?> GradientArborescenceEmitter
                Expect.isTrue (adam.Optimizer :? QdFunctional.Core.Optimizers.Adam) "θ climbs by Adam"

                let omg = Emitter.omgMega 10.0 18 x0 :?> GradientOperatorEmitter
                Expect.isTrue (omg.MeasureGradients && omg.NormalizeGradients && omg.Sigma0 = 0.0) "OMG-MEGA"
                let og = Emitter.ogMapElites 0.5 0.1 18 x0 :?> GradientOperatorEmitter
                Expect.isFalse (og.MeasureGradients || og.NormalizeGradients) "OG-MAP-Elites"

            testCase "MOME's mega-hybrid splits 100 children 20 gradient, then 16 biased and 64 standard"
            <| fun () ->
                let box = List.replicate 3 (0.0, 1.0)

                let mega =
                    Emitter.mome
                        { MomeEmitterSettings.standard with
                            Kind = MegaHybrid
                        }
                        box
                        100
                    :?> HybridEmitter

                let parts = mega.Parts |> Seq.toList
                Expect.equal (parts |> List.map _.BatchSize) [ 20; 80 ] "20 / 80"
                Expect.isTrue (parts[0] :? MomeGradientEmitter) "the gradient part first"
                let inner = parts[1] :?> HybridEmitter |> _.Parts |> Seq.toList
                Expect.equal (inner |> List.map _.BatchSize) [ 16; 64 ] "20% biased, 80% standard"
                let biased = inner[0] :?> MixingEmitter
                Expect.isTrue (biased.Selection :? SoftmaxParents) "biased parents"
                Expect.equal (inner[1] :?> MixingEmitter).Selection ParentSelection.Uniform "standard parents"
        ]

let private scheduler =
    testList
        "Scheduler"
        [
            testCase "Scheduler.step is the gradient stage and the branches with the key plan's keys"
            <| fun () ->
                let task = Task.byNameInEngine "lp-sphere" 6 Dtype.Float64
                let keys = KeyPlan.ofSeed 11UL

                let fresh () =
                    Scheduler.create
                        (Archive.grid 6 [ 8; 8 ] (Task.measureBounds task))
                        [ Emitter.cmaMega 10.0 12 2 (Array.zeroCreate 6) ]

                let stepped =
                    [ 1..5 ]
                    |> List.fold (fun s i -> Scheduler.step task (keys |> KeyPlan.iteration i) s) (fresh ())

                // The same iterations spelled out: points with Jacobians, then branches with values.
                let byHand (s: Scheduler) i =
                    let k = keys |> KeyPlan.iteration i
                    Expect.isTrue (Scheduler.needsGradients s) "CMA-MEGA has a gradient stage"
                    let s, points = s |> Scheduler.askGradients (KeyPlan.gradientPoints k)
                    let s, _ = s |> Scheduler.tellGradients (Task.evaluateWithJacobians points task)
                    let s, branches = s |> Scheduler.ask (KeyPlan.branches k)
                    s |> Scheduler.tell (Task.evaluate branches task) |> fst

                let manual = [ 1..5 ] |> List.fold byHand (fresh ())
                let table (s: Scheduler) = Scheduler.results s |> Archive.table
                Expect.equal (table manual).Solutions (table stepped).Solutions "same elites, bit for bit"
                Expect.equal (table manual).Objectives (table stepped).Objectives "same objectives"

            testCase "a task of another dimension or measure count is refused by name"
            <| fun () ->
                let archive = Archive.grid 5 [ 4; 4 ] bounds2
                let s = Scheduler.create archive [ Emitter.gaussian 0.1 4 (Array.zeroCreate 5) ]
                let keys = KeyPlan.ofSeed 1UL |> KeyPlan.iteration 1

                throwsWith
                    (fun () -> Scheduler.step (Task.lpSphere 6) keys s |> ignore)
                    [ "lp-sphere"; "dimension 6"; "dimension 5" ]

                let oneMeasure =
                    Task.ofFunction "one-measure" 5 [ (-1.0, 1.0) ] (fun x -> x[0], [| x[1] |])

                throwsWith
                    (fun () -> Scheduler.step oneMeasure keys s |> ignore)
                    [ "one-measure"; "1 measures"; "span 2" ]

            testCase "a hand-built CMA-MAE fold checkpointed at iteration 8 and resumed ends as an uninterrupted one"
            <| fun () ->
                let task = Task.lpSphere 8
                let keys = KeyPlan.ofSeed 5UL

                let fresh () =
                    Scheduler.createAnnealing
                        (Archive.annealing 0.01 0.0 8 (Cells.grid [ 10; 10 ] (Task.measureBounds task)))
                        [ Emitter.cmaMae 0.5 12 (Array.zeroCreate 8) ]

                let run (first: int) (last: int) (state: RunState) =
                    [ first..last ]
                    |> List.fold
                        (fun (st: RunState) i ->
                            let s, cost =
                                Scheduler.stepCounted
                                    StepOptions.defaults
                                    task
                                    (keys |> KeyPlan.iteration i)
                                    st.Scheduler

                            {
                                Scheduler = s
                                Iteration = i
                                Evaluations = st.Evaluations + cost
                            })
                        state

                let whole = RunState.start (fresh ()) |> run 1 16
                let path = tempFile ()
                Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
                RunState.start (fresh ()) |> run 1 8 |> Checkpoint.save path
                let loaded = Checkpoint.load path (fresh ())
                Expect.equal (loaded.Iteration, loaded.Evaluations) (8, 96L) "iteration and evaluations"
                let resumed = loaded |> run 9 16
                let bytes (s: RunState) = (Archive.table s.Archive).Solutions
                Expect.equal (bytes resumed) (bytes whole) "same result archive"

                Expect.equal
                    (Archive.table (Scheduler.archive resumed.Scheduler)).Objectives
                    (Archive.table (Scheduler.archive whole.Scheduler)).Objectives
                    "same search archive"

                Expect.isNone (Checkpoint.tryLoad (path + ".absent") (fresh ())) "no file, no state"
        ]

[<Tests>]
let tests = testList "F# front" [ solutions; cells; emitters; scheduler ]
