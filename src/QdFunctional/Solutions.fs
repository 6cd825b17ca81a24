namespace QdFunctional

open System
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters

/// Solution batches from and to arrays of rows (a core row is a span, which an F# closure cannot
/// hold), and the initial populations `qd run` draws.
[<RequireQualifiedAccess>]
module Solutions =
    /// No solutions of dimension `dim`.
    let empty (dim: int) = SolutionBatch(0, dim, [||])

    /// A batch of the given rows (copied); every row must have the same length, at least 1.
    let ofRows (rows: float[][]) : SolutionBatch =
        if isNull rows || rows.Length = 0 then
            invalidArg "rows" "Solutions.ofRows needs at least one row (Solutions.empty makes a batch of none)."

        let dim = if isNull rows[0] then 0 else rows[0].Length

        if dim = 0 then
            invalidArg "rows" "Solutions.ofRows: row 0 is empty; a solution needs at least one number."

        rows
        |> Array.iteri (fun i row ->
            if isNull row || row.Length <> dim then
                invalidArg
                    "rows"
                    $"Solutions.ofRows: row {i} has {(if isNull row then 0 else row.Length)} numbers; row 0 has {dim}.")

        SolutionBatch(rows.Length, dim, Array.concat rows)

    /// Every row as an array (copied).
    let toRows (batch: SolutionBatch) : float[][] =
        Array.init batch.Count (fun i -> batch.Row(i).ToArray())

    /// Row `i` as an array (copied).
    let row (i: int) (batch: SolutionBatch) = batch.Row(i).ToArray()

    /// n: the number of solutions.
    let count (batch: SolutionBatch) = batch.Count

    /// d: numbers per solution.
    let dim (batch: SolutionBatch) = batch.Dim

    /// The batches' rows one after another (all of one dimension).
    let concat (batches: SolutionBatch list) =
        SolutionBatch.Concat(List.toArray batches)

    /// `n` solutions from N(0, I) in dimension `dim`: `qd run`'s initial population of an
    /// unbounded task, drawn from `KeyPlan.initialPopulation`.
    let normal (key: Key) (n: int) (dim: int) =
        if n < 0 || dim < 1 then
            invalidArg "n" $"Solutions.normal: need n >= 0 and dim >= 1, got n = {n}, dim = {dim}."

        let values: float[] = Array.zeroCreate (n * dim)
        key.Normal(Span<float>(values))
        SolutionBatch(n, dim, values)

    /// `n` solutions uniform in a box of (low, high) per coordinate: `qd run`'s initial population
    /// of a bounded task (a robot's genome, a MOME task).
    let uniform (key: Key) (n: int) (bounds: (float * float) list) =
        let low, high = bounds |> List.toArray |> Array.unzip
        let box = EmitterBounds(low, high)
        SolutionBatch(n, box.Dim, box.SampleUniform(key, n))
