(**
---
title: CMA-ME and CMA-MAE
category: Tutorials
index: 2
---

# CMA-ME and CMA-MAE

MAP-Elites mutates elites blindly. CMA-ME (Fontaine et al. 2020) runs CMA-ES instead and ranks
its children by what they did to the archive: new cells first, then the improvement over the
cell's elite. CMA-MAE (Fontaine and Nikolaidis 2023) softens that: each cell has a threshold that
moves towards the objectives it accepts at a learning rate α, so the search keeps climbing the
objective after every cell is taken. It searches an annealing archive and reports a plain one.
*)
#r "nuget: QdFunctional"

open System.IO
open QdFunctional

(**
The objective is the one of the first tutorial: a shifted Rastrigin over 20 numbers, with the
two half-means as measures.
*)
let dim = 20

let rastrigin (x: float[]) =
    let raw =
        x
        |> Array.sumBy (fun v ->
            let z = v - 0.4
            z * z - 10.0 * cos (2.0 * System.Math.PI * z) + 10.0)

    let half (xs: float[]) = System.Math.Clamp(Array.average xs, -2.0, 2.0)
    100.0 - raw / float dim, [| half x[.. dim / 2 - 1]; half x[dim / 2 ..] |]

let task = Task.ofFunction "my-rastrigin" dim [ (-2.0, 2.0); (-2.0, 2.0) ] rastrigin
let keys = KeyPlan.ofSeed 7UL
let cells = Cells.grid [ 25; 25 ] (Task.measureBounds task)
let x0: float[] = Array.zeroCreate dim

(**
## CMA-ME

`Emitter.cmaMe σ0 λ x0` is CMA-ES with two-stage improvement ranking, recombining the children
that entered the archive, and restarting from a random elite when an iteration adds nothing.
Four emitters search one archive; each draws from its own fold of the iteration's key.
*)
let curve (name: string) (states: RunState list) =
    let last = List.last states
    printfn "%-8s QD score %7.0f, %3d cells, best %.2f" name last.Archive.Stats.QdScore last.Archive.Stats.NumElites last.Archive.Stats.ObjMax
    states |> List.map (Run.metrics 0.0)

let iterations = 150

let trace (state: RunState) =
    List.scan (fun s _ -> RunState.step task keys s) state [ 1..iterations ]

let cmaMe =
    Scheduler.create (Archive.ofCells dim cells) [ for _ in 1..4 -> Emitter.cmaMe 0.5 36 x0 ]
    |> RunState.start
    |> trace
    |> curve "CMA-ME"
(*** include-output ***)

(**
## CMA-MAE

`Archive.annealing α t_min` makes the pair: the search archive, whose thresholds start at
`t_min` and move as t ← (1 − α) t + α f with every accepted objective f, and the result archive
that keeps each cell's best. `Emitter.cmaMae` takes the better half of each batch (μ selection)
and restarts only when CMA-ES stops on its own. The paper's α is 0.01 with t_min 0.
*)
let annealing = Archive.annealing 0.01 0.0 dim cells

let cmaMaeStates =
    Scheduler.createAnnealing annealing [ for _ in 1..4 -> Emitter.cmaMae 0.5 36 x0 ]
    |> RunState.start
    |> trace

let cmaMae = curve "CMA-MAE" cmaMaeStates
(*** include-output ***)

(**
The thresholds are there to look at: in the search archive a cell's threshold trails its
elite's objective; in the result archive it is the elite's objective.
*)
let final = List.last cmaMaeStates
let best = final.Archive.Stats.BestElite
let search = Scheduler.archive final.Scheduler

printfn
    "best cell %d: elite %.2f, its threshold in the search archive %.2f"
    best.Cell
    best.Objective
    (Archive.threshold best.Cell search)
(*** include-output ***)

(**
## The curves

`Run.metrics` turns a state into a metrics row (QD score, coverage, best and mean objective);
`Plot.metrics` draws a run's rows.
*)
let out =
    Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "data", "runs", "tutorials", "cma-me-and-cma-mae")

Directory.CreateDirectory out |> ignore
Plot.metrics cmaMe (Path.Combine(out, "cma-me.png"))
Plot.metrics cmaMae (Path.Combine(out, "cma-mae.png"))
Plot.heatmap (Archive.table final.Archive) (Path.Combine(out, "cma-mae-archive.png"))
printfn "pictures in %s" (Path.GetFullPath out)

(**
![CMA-ME's curves: QD score, coverage and objective against iterations](cma-me-and-cma-mae/cma-me.png)

![CMA-MAE's curves](cma-me-and-cma-mae/cma-mae.png)

![CMA-MAE's result archive](cma-me-and-cma-mae/cma-mae-archive.png)
*)
