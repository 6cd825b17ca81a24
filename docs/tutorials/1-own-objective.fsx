(**
---
title: Your own objective with MAP-Elites and CVT
category: Tutorials
index: 1
---

# Your own objective with MAP-Elites and CVT

A quality-diversity search wants two things of your problem: how good a solution is (its
_objective_) and where it lies in a space of behaviours you care about (its _measures_). This
tutorial writes both as one plain F# function, searches with MAP-Elites on a grid and on CVT
cells, and draws the archives.

Build first (`./qd --version` builds), then run this file with `dotnet fsi`.
*)
#r "nuget: QdFunctional"

open System.IO
open QdFunctional

(**
## The objective

A Rastrigin-like landscape over 10 numbers, shifted so its best point is at 0.4 in every
coordinate, and scaled into [0, 100]; the measures are the mean of the first half of the numbers
and the mean of the second half, each clipped into [-2, 2]. One solution in, `(objective,
measures)` out: that is all `Task.ofFunction` needs.
*)
let dim = 10

let rastrigin (x: float[]) =
    let raw =
        x
        |> Array.sumBy (fun v ->
            let z = v - 0.4
            z * z - 10.0 * cos (2.0 * System.Math.PI * z) + 10.0)

    let half (xs: float[]) = System.Math.Clamp(Array.average xs, -2.0, 2.0)
    100.0 - raw / float dim, [| half x[.. dim / 2 - 1]; half x[dim / 2 ..] |]

let task = Task.ofFunction "my-rastrigin" dim [ (-2.0, 2.0); (-2.0, 2.0) ] rastrigin

(**
## MAP-Elites on a grid

`KeyPlan.ofSeed` is the run's key plan: every random draw (the initial population, the CVT
centroids, iteration i) comes from its own key, so the same seed always gives the same archive,
whatever the machine. An initial population of 100 solutions from N(0, I) is evaluated and
inserted; then `RunState.runTo` folds `Scheduler.step` over 200 iterations of 36 children from
the Iso+LineDD operator.
*)
let keys = KeyPlan.ofSeed 42UL
let population = Solutions.normal (KeyPlan.initialPopulation keys) 100 dim

let mapElites (archive: IArchive) =
    Scheduler.create archive [ Emitter.isoLine 0.3 0.2 36 (Array.zeroCreate dim) ]
    |> Scheduler.insert population (Task.evaluate population task)
    |> RunState.start
    |> RunState.runTo 200 task keys

let onGrid = mapElites (Archive.grid dim [ 30; 30 ] (Task.measureBounds task))
let stats = onGrid.Archive.Stats
printfn "grid: %d of 900 cells, QD score %.0f, best %.2f" stats.NumElites stats.QdScore stats.ObjMax
(*** include-output ***)

(**
## The same on CVT cells

A grid's cell count grows as the product of its resolutions; CVT cells (a centroidal Voronoi
tessellation, pyribs' CVTArchive) keep any number of cells spread evenly over the measure box.
`Cells.cvt` finds 400 centroids by k-means from the key plan's centroid key; `Cells.centroids`
gives them back (to save beside the archive, or to build the same cells again with
`Cells.ofCentroids`).
*)
let cells = Cells.cvt 400 (Task.measureBounds task) (KeyPlan.centroids keys)
let onCvt = mapElites (Archive.ofCells dim cells)
printfn "CVT: %d of %d cells, QD score %.0f" onCvt.Archive.Stats.NumElites (Cells.count cells) onCvt.Archive.Stats.QdScore
printfn "first centroid: %A" (Cells.centroids cells |> Option.get |> Array.head)
(*** include-output ***)

(**
## Pictures and files

An archive is a table of elites: `Results.saveArchive` writes it as Parquet, `Plot.heatmap`
draws it (a Voronoi picture for CVT cells), and `Elites.top` lists the best.
*)
let out = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "data", "runs", "tutorials", "own-objective")
Directory.CreateDirectory out |> ignore

for name, state in [ "grid", onGrid; "cvt", onCvt ] do
    let table = Archive.table state.Archive
    Results.saveArchive (Path.Combine(out, $"{name}.parquet")) state.Archive
    Plot.heatmap table (Path.Combine(out, $"{name}.png"))

(**
![The grid archive: each cell coloured by its elite's objective](own-objective/grid.png)

![The CVT archive: each Voronoi cell coloured by its elite's objective](own-objective/cvt.png)

The best three elites of the CVT archive:
*)
for row in Elites.top 3 (Archive.table onCvt.Archive) do
    printfn "objective %.3f at measures %A" row.Objective row.Measures
(*** include-output ***)

printfn "pictures in %s" (Path.GetFullPath out)
