namespace QdFunctional

open QdFunctional.Core.Batches
open QdFunctional.Core.Tasks

/// Benchmark tasks and evaluation.
[<RequireQualifiedAccess>]
module Task =
    /// LP-sphere in dimension `dim` (objective in [0, 100], two clipped-projection measures).
    let lpSphere dim : ITask =
        LinearProjection(LinearProjection.Function.Sphere, dim)

    /// LP-Rastrigin in dimension `dim`.
    let lpRastrigin dim : ITask =
        LinearProjection(LinearProjection.Function.Rastrigin, dim)

    /// The planar arm with `joints` unit links.
    let arm joints : ITask = PlanarArm(joints)

    /// A built-in task by name ("lp-sphere", "lp-rastrigin", "arm").
    let byName name dim = TaskCatalog.Create(name, dim)

    /// Evaluates a batch (values only).
    let evaluate (solutions: SolutionBatch) (task: ITask) = task.Evaluate(solutions, false)

    /// Evaluates a batch with Jacobians.
    let evaluateWithJacobians (solutions: SolutionBatch) (task: ITask) = task.Evaluate(solutions, true)

    /// Measure bounds as (low, high) pairs, ready for `Archive.grid`.
    let measureBounds (task: ITask) =
        List.zip (List.ofArray task.MeasureLow) (List.ofArray task.MeasureHigh)
