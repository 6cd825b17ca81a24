namespace QdFunctional

open System
open QdFunctional.Core.Batches
open QdFunctional.Core.Tasks

/// A task made from a plain F# function over a whole batch of rows: `evaluate` takes the
/// solutions as arrays (a row of the core's batch is a span, which an F# closure cannot hold)
/// and returns each row's objectives and measures. Shapes are checked on every call, naming the
/// task, the row and what was expected.
type FunctionTask
    (
        name: string,
        dim: int,
        objectives: int,
        measureLow: float[],
        measureHigh: float[],
        objectiveRange: float * float,
        evaluate: float[][] -> float[][] * float[][]
    ) =
    do
        if dim < 1 then
            invalidArg "dim" $"task {name}: the solution dimension must be at least 1, got {dim}."

        if objectives < 0 then
            invalidArg "objectives" $"task {name}: the objective count must be 0 or more, got {objectives}."

        if measureLow.Length = 0 || measureLow.Length <> measureHigh.Length then
            invalidArg "measureBounds" $"task {name}: give one (low, high) pair per measure, at least one."

        for j in 0 .. measureLow.Length - 1 do
            if not (measureLow[j] < measureHigh[j]) then
                invalidArg
                    "measureBounds"
                    $"task {name}: measure {j} has bounds ({measureLow[j]}, {measureHigh[j]}); low must be below high."

    interface ITask with
        member _.Name = name
        member _.SolutionDim = dim
        member _.ObjectiveCount = objectives
        member _.MeasureDim = measureLow.Length
        member _.MeasureLow = Array.copy measureLow
        member _.MeasureHigh = Array.copy measureHigh
        member _.ObjectiveRange = struct (fst objectiveRange, snd objectiveRange)
        member _.HasGradients = false

        member _.Evaluate(solutions: SolutionBatch, withJacobians: bool) =
            if withJacobians then
                raise (
                    NotSupportedException(
                        $"task {name} gives values only; gradient algorithms estimate its Jacobians (--gradients es)."
                    )
                )

            if solutions.Dim <> dim then
                invalidArg "solutions" $"task {name}: solutions have {solutions.Dim} numbers; the task takes {dim}."

            let n = solutions.Count
            let rows = Array.init n (fun i -> solutions.Row(i).ToArray())
            let objectiveRows, measureRows = evaluate rows
            let k = measureLow.Length

            let check (what: string) (expected: int) (rows: float[][]) =
                if isNull rows || rows.Length <> n then
                    invalidOp
                        $"task {name}: {n} solutions in, {(if isNull rows then 0 else rows.Length)} {what} rows out."

                rows
                |> Array.iteri (fun i row ->
                    if isNull row || row.Length <> expected then
                        invalidOp
                            $"task {name}: row {i} has {(if isNull row then 0 else row.Length)} {what}; expected {expected}.")

            check "objective" objectives objectiveRows
            check "measure" k measureRows
            Evaluation(n, objectives, k, Array.concat objectiveRows, Array.concat measureRows)

/// A several-objective task from a batch function (see FunctionTask) that MOME can run: it names
/// the box its solutions live in (MOME's variation clips into it) and the reference point its
/// hypervolumes are measured from.
type MultiObjectiveFunctionTask
    (
        name: string,
        solutionLow: float[],
        solutionHigh: float[],
        objectives: int,
        measureLow: float[],
        measureHigh: float[],
        referencePoint: float[],
        objectiveRange: float * float,
        evaluate: float[][] -> float[][] * float[][]
    ) =
    let inner =
        FunctionTask(name, solutionLow.Length, objectives, measureLow, measureHigh, objectiveRange, evaluate) :> ITask

    do
        if objectives < 2 then
            invalidArg
                "objectives"
                $"task {name}: a multi-objective task needs at least 2 objectives, got {objectives}."

        if referencePoint.Length <> objectives then
            invalidArg
                "referencePoint"
                $"task {name}: the reference point has {referencePoint.Length} values; give one per objective ({objectives})."

        if solutionLow.Length <> solutionHigh.Length then
            invalidArg
                "solutionBounds"
                $"task {name}: {solutionLow.Length} lower and {solutionHigh.Length} upper bounds."

        for j in 0 .. solutionLow.Length - 1 do
            if not (solutionLow[j] < solutionHigh[j]) then
                invalidArg
                    "solutionBounds"
                    $"task {name}: solution coordinate {j} has bounds ({solutionLow[j]}, {solutionHigh[j]}); low must be below high."

    interface IMultiObjectiveTask with
        member _.ReferencePoint = Array.copy referencePoint
        member _.SolutionLower = Array.copy solutionLow
        member _.SolutionUpper = Array.copy solutionHigh
        member _.Name = inner.Name
        member _.SolutionDim = inner.SolutionDim
        member _.ObjectiveCount = inner.ObjectiveCount
        member _.MeasureDim = inner.MeasureDim
        member _.MeasureLow = inner.MeasureLow
        member _.MeasureHigh = inner.MeasureHigh
        member _.ObjectiveRange = inner.ObjectiveRange
        member _.HasGradients = false

        member _.Evaluate(solutions: SolutionBatch, withJacobians: bool) =
            inner.Evaluate(solutions, withJacobians)
