(**
---
title: Novelty search
category: Tutorials
index: 5
---

# Novelty search

Some objectives deceive: following them leads to a dead end. Novelty search (Lehman and
Stanley 2011) ignores the objective and rewards being different: a solution enters the archive
when the mean distance from its measures to its k nearest entries is at least a threshold.
Novelty search with local competition (NSLC) keeps the objective for one thing, deciding between
close neighbours.

The task is the library's deceptive maze: a point robot starts inside a cup whose closed side
faces the goal; its 20 numbers are 10 velocity commands; the measures are where it ends; the
objective is how close that is to the goal (1 at the goal).
*)
#r "nuget: QdFunctional"

open System.IO
open QdFunctional

let task = Task.byName "maze" 20
let keys = KeyPlan.ofSeed 1UL
let x0: float[] = Array.zeroCreate 20

(**
## Three searches at one budget

`Archive.proximity d k threshold bounds` is novelty search's archive (the bounds only frame the
pictures); `StepOptions.noveltySearch` tells it the measures alone. `Archive.nslc` keeps the
objective, so its step is the plain one. MAP-Elites on a grid is the third.
*)
let population = Solutions.normal (KeyPlan.initialPopulation keys) 100 20

let search (archive: IArchive) (options: StepOptions) =
    let told =
        if options.TellObjectives then
            id
        else
            Evaluation.withoutObjectives

    Scheduler.create archive [ Emitter.gaussian 0.2 36 x0 ]
    |> Scheduler.insert population (told (Task.evaluate population task))
    |> RunState.start
    |> RunState.runToWith options 300 task keys

let bounds = Task.measureBounds task
let novelty = search (Archive.proximity 20 15 0.05 bounds) StepOptions.noveltySearch
let nslc = search (Archive.nslc 20 15 0.05 bounds) StepOptions.defaults
let mapElites = search (Archive.grid 20 [ 30; 30 ] bounds) StepOptions.defaults

(**
How far did each get? Novelty search's archive has no objective column, so the distance to the
goal is read off the task for its entries.
*)
let bestOf (state: RunState) =
    let rows = state.Archive |> Archive.elites |> Seq.map (fun e -> e.Solution.ToArray()) |> Seq.toArray
    Task.evaluateRows rows task |> fun e -> Array.max e.Objectives

for name, state in [ "novelty search", novelty; "NSLC", nslc; "MAP-Elites", mapElites ] do
    printfn "%-15s %4d entries, closest to the goal %.3f" name state.Archive.Stats.NumElites (bestOf state)
(*** include-output ***)

(**
## Where the robot ended

The heatmap of a proximity archive bins its entries; each dot is a place the robot reached.
*)
let out = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "data", "runs", "tutorials", "novelty-search")
Directory.CreateDirectory out |> ignore

for name, state in [ "novelty", novelty; "nslc", nslc; "map-elites", mapElites ] do
    Plot.heatmap (Archive.table state.Archive) (Path.Combine(out, $"{name}.png"))

printfn "pictures in %s" (Path.GetFullPath out)

(**
![Novelty search: where the robot ended](novelty-search/novelty.png)

![NSLC](novelty-search/nslc.png)

![MAP-Elites](novelty-search/map-elites.png)
*)
