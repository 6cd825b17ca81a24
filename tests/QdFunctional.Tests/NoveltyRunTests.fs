module NoveltyRunTests

open System
open System.IO
open System.Threading
open Expecto
open Properties
open QdFunctional
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Persistence
open QdFunctional.Core.Tasks

let private tempDir () =
    let d = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory d |> ignore
    d

let private runTo dir config =
    RunDirectory.start dir config
    |> RunDirectory.execute dir CancellationToken.None ignore

let private bytes dir =
    File.ReadAllBytes(RunDirectory.archivePath dir)

/// The config `qd run --task maze --algorithm ALGORITHM` builds, with a few iterations.
let private maze algorithm iterations =
    { RunConfig.preset "maze" algorithm { RunConfig.defaults with Dim = 20 } with
        Task = "maze"
        Dim = 20
        Algorithm = algorithm
        Iterations = iterations
        CheckpointEvery = 0
    }


[<Tests>]
let tests =
    testList
        "Novelty search"
        [
            testCase
                "the maze's walls stop the robot: straight up ends under the cup's ceiling, a detour reaches the goal"
            <| fun () ->
                let task = TaskCatalog.Create("maze", 20)
                // Ten steps of at most 0.16 per axis: full speed up; then down, left, up and right.
                let up = Array.init 20 (fun i -> if i % 2 = 1 then 1.0 else 0.0)

                let detour =
                    [|
                        0.0, -1.0 // down out of the cup
                        -1.0, 0.0
                        -1.0, 0.0 // left past the side wall
                        0.0, 1.0
                        0.0, 1.0
                        0.0, 1.0
                        0.0, 1.0 // up beside the cup, under the shelf
                        1.0, 0.6
                        1.0, 0.6 // right and up round the ceiling's corner... and the shelf's end
                        0.0, 0.3
                    |]
                    |> Array.collect (fun (x, y) -> [| x; y |])

                let e = task.Evaluate(SolutionBatch(2, 20, Array.append up detour))
                let straight = e.MeasuresOf(0).ToArray()
                Expect.floatClose Accuracy.high straight[0] 0.5 "x unchanged"
                Expect.isLessThan straight[1] 0.6 "stopped below the ceiling"
                Expect.isGreaterThan straight[1] 0.43 "but climbed towards it"
                let around = e.MeasuresOf(1).ToArray()
                Expect.isGreaterThan around[1] 0.6 "the detour ends above the ceiling"
                Expect.isGreaterThan e.Objectives[1] e.Objectives[0] "and closer to the goal"

            testCase "the maze in the engine has exact gradients along free steps (finite differences)"
            <| fun () ->
                let task = TaskCatalog.Create("maze", 4)
                // Two steps in open space below the cup: nothing blocks, so position is linear in the commands.
                let x = [| 0.1; -0.2; -0.3; -0.4 |]
                let e = task.Evaluate(SolutionBatch(1, 4, x), true)
                let j = e.Jacobians
                let h = 1e-6

                for output in 0..2 do
                    for input in 0..3 do
                        let shifted sign =
                            let y = Array.copy x
                            y[input] <- y[input] + sign * h
                            let v = task.Evaluate(SolutionBatch(1, 4, y))

                            if output = 0 then
                                v.Objectives[0]
                            else
                                v.Measures[output - 1]

                        let fd = (shifted 1.0 - shifted -1.0) / (2.0 * h)
                        Expect.floatClose Accuracy.medium j[output * 4 + input] fd $"d output {output} / d x{input}"

            testCase
                "novelty search reaches the goal region; objective-only search, same budget and seed, stalls under the ceiling"
            <| fun () ->
                let ns = MazeStudy.run "novelty-search" 42UL 1000
                let obj = MazeStudy.run "objective-only" 42UL 1000
                Expect.equal ns.Evaluations obj.Evaluations "same budget"
                Expect.equal ns.Evaluations 36100L "100 initial solutions and 1,000 iterations of 36"
                Expect.isLessThan ns.NearestToGoal 0.1 "novelty search ends a solution within 0.1 of the goal"

                Expect.isGreaterThan
                    obj.NearestToGoal
                    0.25
                    "objective-only search never gets past the ceiling (0.3 below the goal)"

                Expect.isGreaterThan
                    (float ns.Cells)
                    (1.5 * float obj.Cells)
                    $"novelty search covers more cells ({ns.Cells} vs {obj.Cells})"

                Expect.isGreaterThan
                    ns.CellsAboveCeiling
                    (3 * obj.CellsAboveCeiling)
                    $"above the ceiling, novelty search ends in far more cells ({ns.CellsAboveCeiling} vs {obj.CellsAboveCeiling})"

                let config = MazeStudy.config "novelty-search" 42UL 1000
                let task = Run.task (RunPlan.parse config)

                let final =
                    Run.init (RunPlan.parse config) task
                    |> Run.fold (RunPlan.parse config) task ignore

                let inArchive =
                    final.Archive.Elites
                    |> Seq.map (fun e -> MazeStudy.distanceToGoal (e.Measures.ToArray()))
                    |> Seq.min

                Expect.isLessThan inArchive 0.1 "the goal-reaching solution is in the archive"

            testCase
                "novelty search is told no objective: every entry scores 0; NSLC keeps objectives and replaces by them"
            <| fun () ->
                let ns = maze "novelty-search" 40
                let task = Run.task (RunPlan.parse ns)

                let final =
                    Run.init (RunPlan.parse ns) task |> Run.fold (RunPlan.parse ns) task ignore

                Expect.isTrue (final.Archive :? ProximityArchive) "a proximity archive"
                Expect.isTrue (final.Archive.Elites |> Seq.forall (fun e -> e.Objective = 0.0)) "no objectives"
                Expect.equal (final.Archive.ToTable().ObjectiveCount) 0 "and no objective column to save"

                let lc = maze "nslc" 40
                let task = Run.task (RunPlan.parse lc)

                let final =
                    Run.init (RunPlan.parse lc) task |> Run.fold (RunPlan.parse lc) task ignore

                Expect.isGreaterThan final.Archive.Stats.ObjMax 0.5 "objectives kept"
                let archive = final.Archive :?> ProximityArchive
                Expect.isTrue archive.Options.LocalCompetition "local competition on"
                Expect.equal (archive.ToTable().ObjectiveCount) 1 "NSLC saves its objectives"
                // Some entry was replaced: its insertion index is newer than entries in later slots.
                let indices = archive.Elites |> Seq.map (fun e -> e.Index) |> Seq.toArray

                Expect.isTrue
                    (indices |> Array.pairwise |> Array.exists (fun (a, b) -> a > b))
                    "local competition replaced entries in place"

            testCase
                "a novelty-search run stopped at a checkpoint and resumed ends with the same archive, byte for byte"
            <| fun () ->
                for algorithm in [ "novelty-search"; "nslc" ] do
                    let config = maze algorithm 60
                    let whole, split = tempDir (), tempDir ()
                    runTo whole config |> ignore
                    runTo split { config with Iterations = 25 } |> ignore

                    let resumed =
                        RunDirectory.resume split (Some 60)
                        |> RunDirectory.execute split CancellationToken.None ignore

                    Expect.equal resumed.State.Iteration 60 $"{algorithm}: ran to the end"
                    Expect.equal (bytes split) (bytes whole) $"{algorithm}: identical archive.parquet"
                    let table = ArchiveParquet.Read(RunDirectory.archivePath whole)
                    Expect.equal table.Layout.Kind "proximity" "saved as a proximity archive"

            testCase
                "a novelty run logs the mean novelty: the last row's equals a brute-force recomputation from archive.parquet's entries"
            <| fun () ->
                for algorithm in [ "novelty-search"; "nslc" ] do
                    let dir = tempDir ()

                    let final =
                        runTo
                            dir
                            { maze algorithm 30 with
                                CheckpointEvery = 10
                            }

                    let k = (final.State.Archive :?> ProximityArchive).Options.Neighbours
                    let table = ArchiveParquet.Read(RunDirectory.archivePath dir)
                    let dims = table.Layout.MeasureDim

                    let entries =
                        Array.init table.Count (fun i -> table.Measures[i * dims .. i * dims + dims - 1])

                    // Each entry's mean distance to its k nearest entries (itself, at 0, among them), averaged.
                    let novelty (e: float[]) =
                        entries
                        |> Array.map (fun o -> sqrt (Array.fold2 (fun s a b -> s + (a - b) * (a - b)) 0.0 e o))
                        |> Array.sort
                        |> Array.truncate k
                        |> Array.average

                    let brute = entries |> Array.averageBy novelty
                    let rows = Results.loadMetrics (RunDirectory.metricsPath dir)
                    let last = Array.last rows
                    Expect.equal last.Iteration 30 $"{algorithm}: the last row"
                    Expect.isGreaterThan entries.Length k $"{algorithm}: more entries than neighbours"
                    Expect.floatClose Accuracy.high last.MeanNovelty brute $"{algorithm}: mean novelty"
                    Expect.equal last.NumElites entries.Length $"{algorithm}: entries"

                    for r in rows do
                        if r.Iteration % 10 = 0 then
                            Expect.isFalse
                                (Double.IsNaN r.MeanNovelty)
                                $"{algorithm}: checkpoint row {r.Iteration} has it"

                        Expect.isTrue (Double.IsNaN r.GlobalHypervolume) $"{algorithm}: no hypervolume"

            testCase "archive specs: proximity goes with novelty search only, and bad parts are named"
            <| fun () ->
                let spec = "proximity:k=7,threshold=0.25,max=500"

                Expect.equal
                    (ProximitySpec.tryParse spec)
                    (Some
                        {
                            Neighbours = 7
                            Threshold = 0.25
                            MaxSize = 500
                            InitialCapacity = 128
                            BatchNovelty = false
                        })
                    "parsed"

                Expect.equal (ProximitySpec.tryParse spec |> Option.map ProximitySpec.format) (Some spec) "round trip"
                Expect.equal (ProximitySpec.tryParse "grid:10x10") None "not a proximity spec"

                throwsWith<ArgumentException> [ "k must be"; "zero" ] (fun () ->
                    ProximitySpec.tryParse "proximity:k=zero" |> ignore)

                throwsWith<ArgumentException> [ "unknown part"; "r=2" ] (fun () ->
                    ProximitySpec.tryParse "proximity:r=2" |> ignore)

                throwsWith<ArgumentException> [ "novelty-search or nslc" ] (fun () ->
                    RunConfig.validate
                        { RunConfig.defaults with
                            Archive = spec
                        }
                    |> ignore)

                throwsWith<ArgumentException>
                    [ "novelty-search searches with a proximity archive"; "grid:100x100" ]
                    (fun () ->
                        RunConfig.validate
                            { RunConfig.defaults with
                                Algorithm = "novelty-search"
                            }
                        |> ignore)

                Expect.equal (maze "novelty-search" 1).Archive "proximity:k=15,threshold=0.05" "the maze's preset"
        ]
