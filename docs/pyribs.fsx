(**
---
title: Moving from pyribs
category: Reference
categoryindex: 2
index: 1
---

# Moving from pyribs

pyribs and QdFunctional have the same three families: archives that keep the best solution per
cell, emitters that propose solutions, and a scheduler that asks the emitters and tells the
archive. Three things differ in how you hold them:

- **Values, not objects.** Our archives, emitters and schedulers are immutable: `Scheduler.tell`
  returns a new scheduler instead of changing one, so a run is a fold and any earlier state can be
  kept, compared or saved.
- **Keys, not seeds.** pyribs takes a `seed` per archive and emitter; we take a `Key` at every call
  that draws (`Scheduler.ask key`), split from one root key (`Key.ofSeed`, or `KeyPlan.ofSeed`,
  which is what `qd run --seed` uses). The same keys give the same archive on every machine.
- **An evaluation, not two arrays.** `tell` takes an `Evaluation` (objectives and measures per
  solution, Jacobians for the gradient algorithms); `Task.evaluate` makes one from a task, and
  `Evaluation.ofPairs`, `Evaluation.ofRows` or `Evaluation.ofObjectives` from your own numbers.

## The same loop

pyribs:

```python
import numpy as np
from ribs.archives import GridArchive
from ribs.emitters import EvolutionStrategyEmitter
from ribs.schedulers import Scheduler

archive = GridArchive(solution_dim=10, dims=[20, 20], ranges=[(-1, 1), (-1, 1)])
emitters = [
    EvolutionStrategyEmitter(archive, x0=np.zeros(10), sigma0=0.5, ranker="2imp", batch_size=36)
    for _ in range(3)
]
scheduler = Scheduler(archive, emitters)
for itr in range(1, 101):
    solutions = scheduler.ask()
    objective = 100 - np.sum(solutions**2, axis=1)
    scheduler.tell(objective, solutions[:, :2])
print(archive.stats.num_elites, archive.stats.qd_score)
```

QdFunctional (this page is an F# script, run when the site is built; what it printed follows the code):
*)
#r "nuget: QdFunctional"
open QdFunctional

let dim = 10
let sphere (x: float[]) = 100.0 - Array.sumBy (fun v -> v * v) x, [| x[0]; x[1] |]
let task = Task.ofFunction "sphere" dim [ (-1.0, 1.0); (-1.0, 1.0) ] sphere

let archive = Archive.grid dim [ 20; 20 ] [ (-1.0, 1.0); (-1.0, 1.0) ]
let emitters = [ for _ in 1..3 -> Emitter.cmaMe 0.5 36 (Array.zeroCreate dim) ]
let root = Key.ofSeed 42UL

let iteration scheduler (i: int) =
    let scheduler, solutions = scheduler |> Scheduler.ask (root |> Key.foldIn i)
    let scheduler, _report = scheduler |> Scheduler.tell (Task.evaluate solutions task)
    scheduler

let final = List.fold iteration (Scheduler.create archive emitters) [ 1..100 ]
let stats = Archive.stats (Scheduler.archive final)
printfn "%d cells, QD score %.0f" stats.NumElites stats.QdScore
(*** include-output ***)

(**
`RunState.start scheduler |> RunState.runTo 100 task keys` is the same fold with the key plan of
`qd run`, counting iterations and evaluations.

## Call by call

"—" means there is no equivalent yet. `qd run` options are given where the command line can do
the same; `qd run --help` lists them all.

### Archives

| pyribs | QdFunctional (F#) | `qd run` |
| --- | --- | --- |
| `GridArchive(solution_dim=d, dims=[20, 20], ranges=[(-1, 1), (-1, 1)])` | `Archive.grid d [ 20; 20 ] [ (-1.0, 1.0); (-1.0, 1.0) ]` | `--archive grid:20x20` |
| `CVTArchive(solution_dim=d, cells=400, ranges=...)` | `Archive.cvt d 400 bounds key`, or `Archive.ofCells d (Cells.cvt 400 bounds key)` to keep the cells | `--archive cvt:400` |
| `CVTArchive(..., centroids=array)` | `Archive.ofCells d (Cells.ofCentroids centroids bounds)` | — |
| `archive.centroids` | `Archive.centroids archive` (an option: `None` for a grid) | — |
| `GridArchive(..., learning_rate=0.01, threshold_min=0)` (CMA-MAE) | `Archive.annealing 0.01 0.0 d cells` (the search archive and its result archive) | `--algorithm cma-mae --learning-rate 0.01 --threshold-min 0` |
| `ProximityArchive(solution_dim=d, measure_dim=2, k_neighbors=15, novelty_threshold=0.05)` | `Archive.proximity d 15 0.05 bounds`; with local competition `Archive.nslc` | `--algorithm novelty-search --archive proximity:k=15,threshold=0.05`; `--algorithm nslc` |
| `archive.add(solution, objective, measures)` → `add_info` with `"status"`, `"value"` | `Archive.add solutions evaluation archive` → the new archive and a report (status and value per solution) | — |
| `archive.stats.num_elites`, `.coverage`, `.qd_score`, `.norm_qd_score`, `.obj_max`, `.obj_mean` | `(Archive.stats archive).NumElites`, `.Coverage`, `.QdScore`, `.NormQdScore`, `.ObjMax`, `.ObjMean` | `metrics.parquet` of the run |
| `archive.best_elite` | `(Archive.stats archive).BestElite` | `qd report RUN` |
| `archive.sample_elites(n)` | `Archive.sample key n archive` | — |
| `archive.retrieve(measures)` | `Archive.tryFind measures archive` (an option) | — |
| `archive.index_of(measures)` | `Archive.cellOf measures archive` | — |
| `archive.data()` | `Archive.table archive` (columns), `Elites.rows` (rows), `Elites.top n` | `archive.parquet` of the run |
| `archive.data(return_type="pandas")`, formerly `archive.as_pandas()` | `Export.write Csv Pyribs (Archive.table archive) "archive.csv"`, then `pandas.read_csv` | `qd export RUN --to csv --layout pyribs` |
| `ribs.archives.cqd_score(archive, ...)` | — | — |

### Emitters

| pyribs | QdFunctional (F#) | `qd run` |
| --- | --- | --- |
| `GaussianEmitter(archive, sigma=0.5, x0=x0, batch_size=36)` | `Emitter.gaussian 0.5 36 x0` | `--algorithm map-elites --sigma 0.5 --batch 36` |
| `GaussianEmitter(..., bounds=bounds)` | `Emitter.gaussianIn bounds 0.5 36 x0` | — |
| `GaussianEmitter(..., initial_solutions=batch)` | `Emitter.startingFrom batch (Emitter.gaussian 0.5 36 x0)`, or `Scheduler.insert` a population first | `--init-pop 100` |
| `IsoLineEmitter(archive, iso_sigma=0.5, line_sigma=0.2, x0=x0, batch_size=36)` | `Emitter.isoLine 0.5 0.2 36 x0` (`Emitter.isoLineIn bounds` to clip) | `--algorithm map-elites-line --sigma 0.5 --line-sigma 0.2` |
| `EvolutionStrategyEmitter(archive, x0=x0, sigma0=0.5, ranker="2imp", batch_size=36)` (CMA-ME) | `Emitter.cmaMe 0.5 36 x0` | `--algorithm cma-me` |
| the same with `selection_rule="mu"` | `Emitter.cmaMeMu 0.5 36 x0` | `--algorithm cma-me-mu` |
| the same with `selection_rule="mu", restart_rule="basic"` over a `learning_rate` archive (CMA-MAE) | `Emitter.cmaMae 0.5 36 x0` | `--algorithm cma-mae` |
| `ranker="2imp"` / `"imp"` / `"2rd"` / `"rd"` / `"obj"` / `"2obj"` | `Ranker = TwoStageImprovement` / `Improvement` / `TwoStageRandomDirection` / `ProjectionOnly` / `ObjectiveRanking` / `TwoStageObjective` in `EvolutionStrategySettings`, then `Emitter.evolutionStrategy settings x0` (our `RandomDirection` is the paper's: added first, in one group) | `--ranker 2imp` (= `imp`) / `1imp` / `2rd` / `1rd` / `obj` / `2obj` |
| `ranker="nov"` / `"nslc"` over a `ProximityArchive` (ns_cma, nslc) | `EvolutionStrategySettings.nsCma` / `.nslcCma` over `Archive.proximity` / `Archive.nslc`, with `Scheduler.createWithResult` | `--algorithm ns-cma` / `nslc-cma` |
| emitters with different rankers (cma_me_mixed) | `Emitter.evolutionStrategyPool settings [ TwoStageRandomDirection, 7; TwoStageImprovement, 8 ] x0` | `--ranker 2rd:7,2imp:8 --emitters 15` |
| `restart_rule="no_improvement"` / `"basic"` / `n` | `Restart = NoImprovement` / `StopConditions` / `EveryIterations n` | `--restart no-improvement` / `basic` / `n` |
| `es="sep_cma_es"` | `Strategy = Separable` | `--strategy sep-cma-es` |
| `GradientArborescenceEmitter(archive, x0=x0, sigma0=10, lr=1, grad_opt="gradient_ascent", batch_size=35)` (CMA-MEGA) | `Emitter.cmaMega 10.0 35 measureDim x0` | `--algorithm cma-mega --sigma-g 10 --step-size 1` |
| the same with `grad_opt="adam", lr=0.002` | `Emitter.cmaMegaAdam 10.0 0.002 35 measureDim x0` | `--algorithm cma-mega-adam` |
| the same over a `learning_rate` archive (CMA-MAEGA) | `Emitter.cmaMaega 10.0 35 measureDim x0` with `Scheduler.createAnnealing` | `--algorithm cma-maega` |
| `GradientOperatorEmitter` (OG-MAP-Elites, OMG-MEGA) | `Emitter.ogMapElites`, `Emitter.omgMega` | `--algorithm og-map-elites`, `omg-mega` |

### Schedulers and runs

| pyribs | QdFunctional (F#) | `qd run` |
| --- | --- | --- |
| `Scheduler(archive, emitters)` | `Scheduler.create archive emitters` | — |
| `BanditScheduler(archive, pool, num_active=15, reselect="terminated")` | `Scheduler.create archive [ Emitter.bandit BanditReselect.Terminated 15 pool ]` (gradient emitters cannot join, as in pyribs) | `--algorithm me-map-elites` (`me-map-elites-all`: `reselect="all"`) |
| `Scheduler(archive, emitters, result_archive=result)` | `Scheduler.createWithResult result archive emitters`; for CMA-MAE's pair `Scheduler.createAnnealing (Archive.annealing ...) emitters` | — |
| `scheduler.result_archive` | `Scheduler.results scheduler` | — |
| `scheduler.ask()` | `Scheduler.ask key scheduler` → the new scheduler and the solutions | — |
| `scheduler.tell(objective, measures)` | `Scheduler.tell evaluation scheduler` → the new scheduler and the add report | — |
| `scheduler.ask_dqd()` | `Scheduler.askGradients key scheduler` | — |
| `scheduler.tell_dqd(objective, measures, jacobian)` | `Scheduler.tellGradients (Task.evaluateWithJacobians points task) scheduler`, or `Evaluation.withJacobians` on your own | `--gradients analytic`, `engine` or `es` |
| the whole loop (`ask_dqd`, `tell_dqd`, `ask`, `tell`) | `Scheduler.step task (KeyPlan.iteration i keys) scheduler`; `RunState.runTo n task keys` for n iterations | `--iterations n` |
| `seed=42` on each archive and emitter | `KeyPlan.ofSeed 42UL`, one key plan for the run | `--seed 42` |
| `pickle.dump(scheduler, f)` | `Checkpoint.save path state`, `Checkpoint.load path fresh` | `--checkpoint-every`, `qd resume RUN` |
| `ribs.visualize.grid_archive_heatmap(archive)`, `cvt_archive_heatmap(archive)` | `Plot.heatmap (Archive.table archive) "heatmap.png"` (a Voronoi picture for CVT cells) | `qd report RUN` |

Everything that is not a call is the same idea under another name: pyribs' `objective` and
`measures` are ours; its `solution_dim` is our `dim` or `d`; its `ranges` are our `bounds`, a list of
`(low, high)` pairs. [Reading results](tutorials/6-reading-results.html) shows pyribs' column
layout (`index`, `objective`, `measures_0..`, `solution_0..`, `threshold`) read by DuckDB and
pandas.
*)
