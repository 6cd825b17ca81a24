(**
---
title: Gradients with the engine: CMA-MEGA
category: Tutorials
index: 3
---

# Gradients with the engine: CMA-MEGA

When the objective and the measures are differentiable, differentiable quality diversity
(Fontaine and Nikolaidis 2021) uses their gradients: CMA-MEGA keeps a search point θ, evaluates
it with the Jacobian of its objective and measures, and branches θ + c0 ∇f + Σ c_j ∇m_j with
coefficients c drawn by a CMA-ES; θ then moves along the better branches. Written in the
engine's tensor operations, your function gets its Jacobians by reverse mode.
*)
#r "nuget: QdFunctional"

open System.IO
open QdFunctional

(**
## The task as one tensor function

The engine works on the whole population at once: `x` is batch × d, one row per solution, and
every reduction goes over a row's numbers. The function returns batch × (1 + k): the objective
first, then the measures. Here the objective is a smooth bowl around 0.4 scaled into [0, 100] and
the measures are the sums of the first and of the second half of the numbers, squashed by tanh.
*)
let dim = 50

let myTask (x: Tensor) =
    let objective = 100.0 - Tensor.mean ((x - 0.4) ** 2.0) * 10.0
    let first = Tensor.tanh (Tensor.sum (Tensor.slice 0 (dim / 2) x) / 10.0)
    let second = Tensor.tanh (Tensor.sum (Tensor.slice (dim / 2) (dim / 2) x) / 10.0)
    Tensor.concat [ objective; first; second ]

let task = Task.differentiable "my-bowl" dim 1 [ (-1.0, 1.0); (-1.0, 1.0) ] (0.0, 100.0) myTask

(**
`AD.valueAndJacobian` shows what the algorithm will see for one solution:
*)
let r = AD.valueAndJacobian myTask (Tensor.ofRows [ Array.init dim (fun j -> 0.01 * float j) ])
printfn "objective %.3f, d objective / d x0 = %.4f, d measure 1 / d x0 = %.4f" (r.Value(0, 0)) (r.Derivative(0, 0, 0)) (r.Derivative(0, 1, 0))
(*** include-output ***)

(**
## One iteration, stage by stage

`Scheduler.step` runs the gradient stage first: `askGradients` names θ, the task evaluates it
with Jacobians, `tellGradients` hands them back; then `ask` makes the 35 branches and `tell`
adds them. Each stage draws from its own key of the iteration (`KeyPlan.gradientPoints`,
`KeyPlan.branches`). Spelled out:
*)
let keys = KeyPlan.ofSeed 3UL
let fresh () =
    Scheduler.create (Archive.grid dim [ 50; 50 ] (Task.measureBounds task)) [ Emitter.cmaMega 0.5 35 2 (Array.zeroCreate dim) ]

let k1 = keys |> KeyPlan.iteration 1
let s1, theta = fresh () |> Scheduler.askGradients (KeyPlan.gradientPoints k1)
let s2, _ = s1 |> Scheduler.tellGradients (Task.evaluateWithJacobians theta task)
let s3, branches = s2 |> Scheduler.ask (KeyPlan.branches k1)
let s4, report = s3 |> Scheduler.tell (Task.evaluate branches task)
printfn "θ and %d branches; %d branches took a new cell" (Solutions.count branches) (report.CountAtLeast AddStatus.New)
(*** include-output ***)

(**
## The whole run, and its relatives

CMA-MEGA for 300 iterations; CMA-MAEGA is the same emitter over CMA-MAE's annealing pair; OMG-MEGA
(no CMA-ES: random coefficients around sampled elites) is another gradient algorithm on the
same task.
*)
let run name (scheduler: Scheduler) =
    let final = RunState.start scheduler |> RunState.runTo 300 task keys
    let s = final.Archive.Stats
    printfn "%-10s %4d of 2500 cells, QD score %8.0f, %6d evaluations" name s.NumElites s.QdScore final.Evaluations
    final

let cmaMega = run "CMA-MEGA" (fresh ())

let cmaMaega =
    run
        "CMA-MAEGA"
        (Scheduler.createAnnealing
            (Archive.annealing 0.01 0.0 dim (Cells.grid [ 50; 50 ] (Task.measureBounds task)))
            [ Emitter.cmaMaega 0.5 35 2 (Array.zeroCreate dim) ])

let omgMega =
    run "OMG-MEGA" (Scheduler.create (Archive.grid dim [ 50; 50 ] (Task.measureBounds task)) [ Emitter.omgMega 0.5 18 (Array.zeroCreate dim) ])
(*** include-output ***)

(**
A function you cannot differentiate gets its Jacobians estimated from values alone: 50 mirrored
probe pairs per point (CMA-MEGA (ES)); the probes are counted as evaluations.
*)
let blackBox =
    Task.ofBatch "my-bowl-values" dim 1 [ (-1.0, 1.0); (-1.0, 1.0) ] (0.0, 100.0) (fun rows ->
        let e = Task.evaluateRows rows task
        Evaluation.objectiveRows e, Evaluation.measureRows e)

let es =
    RunState.start (fresh ())
    |> RunState.runToWith (StepOptions.estimating 50 0.02) 100 blackBox keys

printfn "CMA-MEGA (ES): %d cells after %d evaluations" es.Archive.Stats.NumElites es.Evaluations
(*** include-output ***)

(**
## Pictures
*)
let out = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "data", "runs", "tutorials", "cma-mega")
Directory.CreateDirectory out |> ignore
Plot.heatmap (Archive.table cmaMega.Archive) (Path.Combine(out, "cma-mega.png"))
Plot.heatmap (Archive.table omgMega.Archive) (Path.Combine(out, "omg-mega.png"))
printfn "pictures in %s" (Path.GetFullPath out)

(**
![CMA-MEGA's archive after 300 iterations](cma-mega/cma-mega.png)

![OMG-MEGA's archive after 300 iterations](cma-mega/omg-mega.png)
*)
