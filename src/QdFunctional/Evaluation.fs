namespace QdFunctional

/// What a task returns for a batch (objectives, measures, optional Jacobians); see the `Evaluation` module.
type Evaluation = QdFunctional.Core.Batches.Evaluation

/// Evaluations from arrays of rows, and back: row i of every argument belongs to solution i, so a
/// script never computes an offset into the core's row-major blocks. Shapes are checked here,
/// naming the argument, the row and what was expected.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Evaluation =
    let private width (what: string) (rows: float[][]) =
        if isNull rows then
            invalidArg what $"Evaluation: {what} is null; give one row per solution."

        if rows.Length = 0 then
            0
        else
            let w = if isNull rows[0] then 0 else rows[0].Length

            rows
            |> Array.iteri (fun i row ->
                let n = if isNull row then 0 else row.Length

                if n <> w then
                    invalidArg what $"Evaluation: {what} row {i} has {n} values; row 0 has {w}.")

            w

    let private sameCount (a: string) (na: int) (b: string) (nb: int) =
        if na <> nb then
            invalidArg b $"Evaluation: {na} {a} rows but {nb} {b} rows; give one of each per solution."

    /// An evaluation of `objectives[i]` (m values) and `measures[i]` (k values, at least 1) for
    /// each solution i. m = 0 (empty rows) searches by diversity alone; m >= 2 is for MOME.
    let ofRows (objectives: float[][]) (measures: float[][]) : Evaluation =
        let m = width "objectives" objectives
        let k = width "measures" measures
        sameCount "objective" objectives.Length "measure" measures.Length

        if measures.Length > 0 && k = 0 then
            invalidArg "measures" "Evaluation: measure rows are empty; every solution needs at least one measure."

        // A batch of no rows still needs its widths; with no rows there are none to read.
        Evaluation(measures.Length, m, max k 1, Array.concat objectives, Array.concat measures)

    /// An evaluation from one (objective, measures) pair per solution, as `Task.ofFunction`'s
    /// function returns them: `rows |> Array.map f |> Evaluation.ofPairs`.
    let ofPairs (rows: (float * float[])[]) : Evaluation =
        ofRows (rows |> Array.map (fun (o, _) -> [| o |])) (rows |> Array.map snd)

    /// An evaluation with one objective per solution.
    let ofObjectives (objectives: float[]) (measures: float[][]) : Evaluation =
        ofRows (objectives |> Array.map (fun o -> [| o |])) measures

    /// An evaluation of measures alone (no objective: novelty and diversity search).
    let ofMeasures (measures: float[][]) : Evaluation =
        ofRows (measures |> Array.map (fun _ -> [||])) measures

    /// The evaluation with Jacobians: `jacobians[i]` is solution i's (m + k) × d matrix, one row
    /// per objective then per measure, each the gradient with respect to the solution.
    let withJacobians (jacobians: float[][][]) (evaluation: Evaluation) : Evaluation =
        let n = evaluation.Count
        let outputs = evaluation.ObjectiveCount + evaluation.MeasureDim

        if isNull jacobians || jacobians.Length <> n then
            invalidArg
                "jacobians"
                $"Evaluation.withJacobians: {n} solutions but {(if isNull jacobians then 0 else jacobians.Length)} Jacobians."

        let d =
            match Array.tryHead jacobians with
            | Some first when not (isNull first) && first.Length > 0 && not (isNull first[0]) -> first[0].Length
            | _ -> 0

        jacobians
        |> Array.iteri (fun i rows ->
            let count = if isNull rows then 0 else rows.Length

            if count <> outputs then
                invalidArg
                    "jacobians"
                    $"Evaluation.withJacobians: solution {i} has {count} gradient rows; expected {outputs} ({evaluation.ObjectiveCount} objectives, then {evaluation.MeasureDim} measures)."

            rows
            |> Array.iteri (fun j gradient ->
                let length = if isNull gradient then 0 else gradient.Length

                if length <> d || d = 0 then
                    invalidArg
                        "jacobians"
                        $"Evaluation.withJacobians: solution {i}, gradient row {j} has {length} values; row 0 of solution 0 has {d}."))

        Evaluation(
            n,
            evaluation.ObjectiveCount,
            evaluation.MeasureDim,
            evaluation.Objectives,
            evaluation.Measures,
            jacobians |> Array.collect Array.concat,
            d,
            evaluation.Extra
        )

    /// The evaluation with an extra named column (one value per solution), kept with each elite
    /// of an archive made with that field.
    let withExtra (name: string) (values: float[]) (evaluation: Evaluation) : Evaluation =
        let extra = System.Collections.Generic.Dictionary<string, float[]>(evaluation.Extra)
        extra[name] <- Array.copy values

        Evaluation(
            evaluation.Count,
            evaluation.ObjectiveCount,
            evaluation.MeasureDim,
            evaluation.Objectives,
            evaluation.Measures,
            evaluation.Jacobians,
            evaluation.SolutionDim,
            extra
        )

    /// The same evaluation with no objective (what novelty search tells its archive).
    let withoutObjectives (evaluation: Evaluation) = evaluation.WithoutObjectives()

    /// n: the number of solutions.
    let count (evaluation: Evaluation) = evaluation.Count

    /// Each solution's objectives (m values each).
    let objectiveRows (evaluation: Evaluation) : float[][] =
        Array.init evaluation.Count (fun i -> evaluation.ObjectivesOf(i).ToArray())

    /// Each solution's measures (k values each).
    let measureRows (evaluation: Evaluation) : float[][] =
        Array.init evaluation.Count (fun i -> evaluation.MeasuresOf(i).ToArray())

    /// Each solution's (m + k) × d Jacobian, when the evaluation has them.
    let jacobianRows (evaluation: Evaluation) : float[][][] option =
        match evaluation.Jacobians with
        | null -> None
        | values ->
            let d = evaluation.SolutionDim
            let outputs = evaluation.ObjectiveCount + evaluation.MeasureDim

            Some(
                Array.init evaluation.Count (fun i ->
                    Array.init outputs (fun j -> Array.sub values ((i * outputs + j) * d) d))
            )
