(**
---
title: Robot locomotion: a brittle star
category: Tutorials
index: 7
---

# Robot locomotion: a brittle star

A five-armed brittle star in MuJoCo, driven by ten coupled oscillators (a central pattern
generator, CPG), and MAP-Elites mapping where it can walk in 5 simulated seconds. The settings are
small (32 episodes per iteration, 10 iterations) so the page builds in a minute on two cores;
`qd run --task brittle-star` runs the full case study, and `scripts/brittle_star.fsx` spells out
its controller and its metrics.

It needs MuJoCo 2.2.2 (`apt-get install libmujoco2.2.2`, which `./test` installs) and a build
(`./qd --version` builds). The robots come in their own package, `QdFunctional.Robots`, so a script
that only runs its own objective never loads MuJoCo's bindings; registering it once makes the robot
tasks known by name to `Task.byName`, run plans and run directories.
*)
#r "nuget: QdFunctional"
#r "nuget: QdFunctional.Robots"

open System.IO
open QdFunctional
open QdFunctional.Physics.Tasks

Robots.register ()

(**
## The robot and its genome

`Task.byName "brittle-star"` owns the MuJoCo model (a disk and 5 arms of 3 segments, 30 hinges
within ±30°, position actuators) and one simulation per core, so a batch of genomes becomes a batch
of episodes. A genome is 26 numbers: 10 amplitudes, 10 offsets, the frequency (index 20) and 5
phase biases. An episode's quality is minus the mean absolute actuator force (walk cheaply); its
measures are where the disk ends, in metres.
*)
let task = Task.byName "brittle-star" 0 :?> LocomotionTask
let box = Task.solutionBounds task |> Option.get
printfn "genome of %d numbers, measures within %A" task.SolutionDim (Task.measureBounds task)
(*** include-output ***)

(**
## MAP-Elites over where it ends

A 30 × 30 grid over the final position in [-3, 3]², Gaussian variation with σ = 0.1 clipped into the
genome's box, and a first batch drawn uniformly within the box.
*)
let keys = KeyPlan.ofSeed 7UL
let first = Solutions.uniform (KeyPlan.initialPopulation keys) 32 box
let x0 = Solutions.row 0 first

let final =
    Scheduler.create (Archive.grid 26 [ 30; 30 ] (Task.measureBounds task)) [ Emitter.gaussianIn box 0.1 32 x0 ]
    |> Scheduler.insert first (Task.evaluate first task)
    |> RunState.start
    |> RunState.runTo 10 task keys

let stats = final.Archive.Stats
printfn "%d episodes: %d cells reached, best quality %.3f" (32L + final.Evaluations) stats.NumElites stats.ObjMax
(*** include-output ***)

(**
## Where it walked

The heatmap colours each reached cell by its elite's quality. `RobotReport.spread` picks elites
spread over the map (the best first, then each time the one furthest from those chosen);
`Replay.elite` simulates each again and records the disk's path, which episodes reproduce exactly.
*)
let out = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "data", "runs", "tutorials", "robot-locomotion")
Directory.CreateDirectory out |> ignore
let table = Archive.table final.Archive
Plot.heatmap table (Path.Combine(out, "heatmap.png"))

let tracks =
    RobotReport.spread table 5
    |> List.map (fun i ->
        let r = Replay.elite task table i
        { Label = $"cell {r.Cell}"; X = Array.ofSeq r.Trajectory.X; Y = Array.ofSeq r.Trajectory.Y })

RobotPlot.trajectories tracks ((-3.0, 3.0), (-3.0, 3.0)) "brittle star: elites seen from above" (Path.Combine(out, "trajectories.png"))
task.Dispose()
printfn "pictures in %s" (Path.GetFullPath out)

(**
![Where the brittle star's elites end, coloured by quality](robot-locomotion/heatmap.png)

![The paths of five elites spread over the map, seen from above](robot-locomotion/trajectories.png)
*)
