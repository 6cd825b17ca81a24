// The CPG tutorial's case study, top to bottom: a five-armed brittle star in MuJoCo, driven by
// ten coupled oscillators, and MAP-Elites mapping where it can walk in 5 simulated seconds.
// Reduced settings (32 episodes per iteration, 12 iterations) so it ends in a minute or two on
// two cores; `qd run --task brittle-star` runs the tutorial's full settings.
// Needs MuJoCo 2.2.2 (apt-get install libmujoco2.2.2) and a build (./qd --help builds):
//     dotnet fsi scripts/brittle_star.fsx
#r "nuget: QdFunctional"
#r "nuget: QdFunctional.Robots"

open System.IO
open QdFunctional
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Diff
open QdFunctional.Physics
open QdFunctional.Physics.Control
open QdFunctional.Physics.Tasks

// 1. The robot and its task. The task owns the MuJoCo model (30 hinges, ±30°, position
//    actuators) and one simulation per core; a batch of genomes becomes a batch of episodes.
let task = new BrittleStarTask()

printfn
    "brittle star: %d actuators, %d physics steps of %g s per episode, control every %g s, %d workers"
    task.Model.ActuatorCount
    task.PhysicsSteps
    task.Model.Timestep
    task.ControlStep
    task.Workers

// 2. The controller. A genome is 26 numbers: 10 amplitudes, 10 offsets, the frequency (index 20)
//    and 5 phase biases. The CPG is written in the differentiable engine, so the joint targets
//    have a Jacobian with respect to the genome (the physics after it does not).
let lower, upper = task.SolutionLower, task.SolutionUpper
let root = Key.ofSeed 7UL
let genome = Array.init 26 (fun j -> 0.5 * (lower[j] + upper[j]))
genome[20] <- 5.0 // rad/s, a little under one stride per second
let x = Tensor.FromArray(genome, 1, 26)
let lastTargets (g: Tensor) = Tensor.Slice(CpgController.Rollout(g, 50, task.ControlStep), 49 * 10, 10)
let jacobian = Autodiff.ValueAndJacobian(lastTargets, x)

printfn
    "CPG after 1 s: in-plane target of arm 0 = %.3f rad, its derivative with respect to the frequency = %.3f"
    (jacobian.Value(0, 0))
    (jacobian.Derivative(0, 0, 20))

// 3. One episode: quality = minus the mean absolute actuator force, measures = where the disk ends.
let one = task.Evaluate(SolutionBatch(1, 26, genome))
printfn "one episode: quality %.3f, disk ends at (%.2f, %.2f)" one.Objectives[0] one.Measures[0] one.Measures[1]

// 4. MAP-Elites: a 30 × 30 grid over the final position in [-3, 3]², Gaussian variation σ = 0.1
//    clipped to the genome's box, the first batch drawn uniformly within the box.
let archive = Archive.grid 26 [ 30; 30 ] (Task.measureBounds task)
let bounds = EmitterBounds(lower, upper)
let emitter = GaussianEmitter(26, 0.1, 32, EmitterStart.UniformInBounds(), bounds) :> IEmitter

let step (scheduler, log) iteration =
    let scheduler, solutions = scheduler |> Scheduler.ask (root |> Key.foldIn iteration)
    let scheduler, _ = scheduler |> Scheduler.tell (task.Evaluate solutions)
    let a = Scheduler.archive scheduler
    // The tutorial's metrics: max, mean and min fitness, occupancy, furthest distance travelled.
    let row = RobotMetrics.Of(iteration, int64 (32 * iteration), a, true)
    printfn "iteration %2d: %3d cells, best %.3f, furthest %.2f m" iteration a.Stats.NumElites row.MaxFitness row.FurthestDistance
    scheduler, row :: log

let final, log = [ 1..12 ] |> List.fold step (Scheduler.create archive [ emitter ], [])

// 5. The results: the archive in Parquet, the fitness map over final positions, the tutorial's
//    curves, and the paths of six elites spread over the map (each simulated again).
let out = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, "..", "data", "runs", "script-brittle-star"))
Directory.CreateDirectory out |> ignore
let parquet = Path.Combine(out, "archive.parquet")
final |> Scheduler.archive |> Results.saveArchive parquet
let table = Results.loadArchive parquet
Plot.heatmap table (Path.Combine(out, "heatmap.png"))
RobotPlot.metrics (log |> List.rev |> Array.ofList) (Path.Combine(out, "robot-metrics.png"))

let tracks =
    RobotReport.spread table 6
    |> List.map (fun i ->
        let r = Replay.elite task table i
        { Label = $"cell {r.Cell}"; X = Array.ofSeq r.Trajectory.X; Y = Array.ofSeq r.Trajectory.Y })

RobotPlot.trajectories tracks ((-3.0, 3.0), (-3.0, 3.0)) "brittle star: elites seen from above" (Path.Combine(out, "trajectories.png"))
printfn "wrote %s, heatmap.png, robot-metrics.png and trajectories.png" parquet
task.Dispose()
