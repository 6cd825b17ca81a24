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

    /// A task by name, as `qd run --task` names it ("lp-sphere", "arm", or "brittle-star" once the
    /// QdFunctional.Robots package is registered); robot tasks have their own genome size and ignore `dim`.
    let byName name dim = Extensions.createTask name dim None

    /// `task` evaluated with Gaussian noise (QDax's noisy tasks): `solution` added to each solution
    /// value, `objective` and `measures` as fractions of the objective range and of each measure's
    /// span. A noisy task evaluates under a key: `Task.seeded`, or an iteration's own.
    let noisy (solution: float) (objective: float) (measures: float) (task: ITask) : ITask =
        NoisyTask.Create(task, NoiseSpec(solution, objective, measures))

    /// `task` evaluated `samples` times per solution, by the mean of each value (QDax's sampling).
    let sampled (samples: int) (task: ITask) : ITask = SampledTask.Create(task, samples)

    /// `task` evaluated `samples` times per solution, by the median of each value.
    let sampledMedian (samples: int) (task: ITask) : ITask =
        SampledTask.Create(task, samples, SampleAggregate.Median)

    /// `task` evaluating with the randomness of `key` (a noisy or sampled task), or `task` itself.
    let seeded (key: QdFunctional.Core.Random.Key) (task: ITask) = task.Seeded key

    /// A task from a plain function of one solution that returns its objective and its measures:
    /// `Task.ofFunction "my-task" dim [ (-1.0, 1.0); (-1.0, 1.0) ] (fun x -> f x, [| m1 x; m2 x |])`.
    /// The objective range (for colour scales and normalized scores) is taken as [0, 100].
    let ofFunction
        (name: string)
        (dim: int)
        (measureBounds: (float * float) list)
        (f: float[] -> float * float[])
        : ITask =
        let low, high = measureBounds |> List.toArray |> Array.unzip

        FunctionTask(
            name,
            dim,
            1,
            low,
            high,
            (0.0, 100.0),
            fun rows ->
                let results = rows |> Array.map f
                results |> Array.map (fun (o, _) -> [| o |]), results |> Array.map snd
        )

    /// A task from a function of the whole batch (rows in; each row's objectives and measures
    /// out), for vectorised or several-objective evaluation; `objectives` = 0 searches by
    /// diversity alone, 2 or more runs with MOME.
    let ofBatch
        (name: string)
        (dim: int)
        (objectives: int)
        (measureBounds: (float * float) list)
        (objectiveRange: float * float)
        (f: float[][] -> float[][] * float[][])
        : ITask =
        let low, high = measureBounds |> List.toArray |> Array.unzip
        FunctionTask(name, dim, objectives, low, high, objectiveRange, f)

    /// A several-objective task MOME can run (`qd run --algorithm mome` on it through
    /// `RunDirectory.startTask`): `f` takes the batch's rows and returns each row's objectives
    /// (as many as `referencePoint` has values, at least 2) and measures; solutions live in
    /// `solutionBounds` (one (low, high) per coordinate, which also gives the dimension), and
    /// hypervolumes are measured from `referencePoint`.
    let multiObjective
        (name: string)
        (solutionBounds: (float * float) list)
        (measureBounds: (float * float) list)
        (referencePoint: float list)
        (objectiveRange: float * float)
        (f: float[][] -> float[][] * float[][])
        : ITask =
        let low, high = measureBounds |> List.toArray |> Array.unzip
        let solutionLow, solutionHigh = solutionBounds |> List.toArray |> Array.unzip
        let reference = List.toArray referencePoint

        MultiObjectiveFunctionTask(
            name,
            solutionLow,
            solutionHigh,
            reference.Length,
            low,
            high,
            reference,
            objectiveRange,
            f
        )

    /// A task from a function written in the differentiable engine (batch × dim in; batch ×
    /// (objectives + measures) out, objectives first): values in one forward pass, Jacobians by
    /// reverse mode, so the gradient algorithms (CMA-MEGA, OMG-MEGA, …) run on it.
    let differentiable
        (name: string)
        (dim: int)
        (objectives: int)
        (measureBounds: (float * float) list)
        (objectiveRange: float * float)
        (f: Tensor -> Tensor)
        : ITask =
        let low, high = measureBounds |> List.toArray |> Array.unzip

        DifferentiableTask(
            name,
            dim,
            objectives,
            low,
            high,
            struct (fst objectiveRange, snd objectiveRange),
            System.Func<_, _> f
        )

    /// The task's facts (what presets need of it): `RunConfig.forTask` reads them.
    let facts (task: ITask) = TaskFacts.Of task

    /// A built-in task written in the differentiable engine (Jacobians by reverse mode, in `dtype`).
    let byNameInEngine name dim (dtype: Dtype) =
        TaskCatalog.CreateInEngine(name, dim, dtype)

    /// Evaluates rows (see `Solutions.ofRows`), values only.
    let evaluateRows (rows: float[][]) (task: ITask) =
        task.Evaluate(Solutions.ofRows rows, false)

    /// Evaluates a batch (values only).
    let evaluate (solutions: SolutionBatch) (task: ITask) = task.Evaluate(solutions, false)

    /// Evaluates a batch with Jacobians.
    let evaluateWithJacobians (solutions: SolutionBatch) (task: ITask) = task.Evaluate(solutions, true)

    /// The box a bounded task's solutions live in (a robot's genome, a MOME task), as (low, high)
    /// per coordinate; None when the task has none.
    let solutionBounds (task: ITask) =
        match task with
        | :? IBoundedTask as b -> Some(List.zip (List.ofArray b.SolutionLower) (List.ofArray b.SolutionUpper))
        | _ -> None

    /// The reference point of a several-objective task (what `Archive.mome` takes), if it has one.
    let referencePoint (task: ITask) =
        match task with
        | :? IMultiObjectiveTask as mo -> Some(List.ofArray mo.ReferencePoint)
        | _ -> None

    /// Measure bounds as (low, high) pairs, ready for `Archive.grid`.
    let measureBounds (task: ITask) =
        List.zip (List.ofArray task.MeasureLow) (List.ofArray task.MeasureHigh)
