(**
---
title: Several objectives: MOME
category: Tutorials
index: 4
---

# Several objectives: MOME

With two objectives that pull apart there is no single best solution per cell but a Pareto
front of trade-offs. Multi-objective MAP-Elites (MOME; Pierrot et al. 2022) keeps such a front,
of at most P solutions, in every cell, and scores an archive by the sum of its fronts'
hypervolumes (the MOQD score).
*)
#r "nuget: QdFunctional"

open System.IO
open System.Threading
open QdFunctional

(**
## A two-objective task

`Task.multiObjective` takes a function of the whole batch: rows in, each row's objectives and
measures out. MOME's variation needs to know where solutions live (a box it clips into) and
hypervolumes need a reference point below the worst objectives that should count.
*)
let dim = 8
let box = List.replicate dim (-2.0, 2.0)
let measures = [ (-2.0, 2.0); (-2.0, 2.0) ]

let towards (target: float) (x: float[]) =
    100.0 - (x |> Array.sumBy (fun v -> (v - target) ** 2.0)) / float dim * 10.0

let task =
    Task.multiObjective "two-targets" box measures [ 0.0; 0.0 ] (0.0, 100.0) (fun rows ->
        rows |> Array.map (fun x -> [| towards 1.0 x; towards -1.0 x |]),
        rows |> Array.map (fun x -> [| x[0]; x[1] |]))

(**
## MOME by hand

64 CVT cells, fronts of at most 10; the emitter is QDax's mixing emitter (iso-line crossover and
polynomial mutation), here the hybrid of uniformly chosen and objective-biased parents.
*)
let keys = KeyPlan.ofSeed 11UL
let cells = Cells.cvt 64 measures (KeyPlan.centroids keys)
let reference = Task.referencePoint task |> Option.get

let final =
    Scheduler.create (Archive.mome dim reference 10 cells) [ Emitter.mome { MomeEmitterSettings.standard with Kind = Hybrid } box 100 ]
    |> RunState.start
    |> RunState.runTo 100 task keys

let archive = final.Archive :?> MomeArchive
printfn "%d cells, %d solutions on fronts, MOQD score %.0f" archive.Stats.NumElites archive.NumSolutions archive.MoqdScore
(*** include-output ***)

(** One cell's front, best first in objective 0: *)
let occupied = archive.OccupiedCells.ToArray() |> Array.head

for elite in Archive.front occupied archive |> List.sortByDescending (fun e -> e.Objectives[0]) do
    printfn "  %.2f, %.2f" elite.Objectives[0] elite.Objectives[1]
(*** include-output ***)

(**
## Pictures

The global front of every stored solution, and each cell's hypervolume.
*)
let out = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "data", "runs", "tutorials", "mome")
Directory.CreateDirectory out |> ignore
let table = Archive.table archive
ParetoPlot.front table.Objectives 2 0 1 (Path.Combine(out, "front.png"))
ParetoPlot.hypervolumeMap table (List.toArray reference) (Path.Combine(out, "hypervolume.png"))

(**
![The global Pareto front of every stored solution](mome/front.png)

![Each cell's front hypervolume](mome/hypervolume.png)
*)

(**
## Through a run directory

The same task runs as `qd run --algorithm mome` does, with its preset, checkpoints, `qd report`
and resume: `RunConfig.forTask` gives the preset, `RunDirectory.startTask` the run.
*)
let dir = Path.Combine(out, "run")

let config =
    { RunConfig.forTask task "mome" with
        Archive = "cvt:64"
        Iterations = 50
        CheckpointEvery = 25
    }

let progress = RunDirectory.startTask task true dir config |> RunDirectory.execute dir CancellationToken.None ignore
printfn "run directory %s: %d iterations, MOQD score %.0f" (Path.GetFullPath dir) progress.State.Iteration progress.State.Archive.Stats.QdScore
