namespace QdFunctional.Core.Archives;

using QdFunctional.Core.Batches;

/// <summary>
/// The input checks every archive makes before an add or a lookup, with messages that name the
/// row and the value, so bad input fails loudly instead of corrupting an archive.
/// </summary>
internal static class AddChecks
{
    /// <summary>A single measure vector: right length, finite values.</summary>
    public static void Measures(ReadOnlySpan<double> measures, int measureDim, string who)
    {
        if (measures.Length != measureDim)
            throw new ArgumentException($"{who}: expected {measureDim} measures, got {measures.Length}.", nameof(measures));
        for (int j = 0; j < measures.Length; j++)
            if (!double.IsFinite(measures[j]))
                throw new ArgumentException($"{who}: measure {j} is {measures[j]}; measures must be finite.", nameof(measures));
    }

    /// <summary>
    /// A batch and its evaluation: shapes against the archive, extra fields present and not NaN,
    /// objectives and measures finite. The objective count is each archive's own rule.
    /// </summary>
    public static void Batch(
        SolutionBatch solutions,
        Evaluation evaluation,
        int solutionDim,
        int measureDim,
        IReadOnlyList<string> extraFields
    )
    {
        if (solutions.Dim != solutionDim)
            throw new ArgumentException($"Add: solutions have dimension {solutions.Dim}; the archive holds dimension {solutionDim}.");
        if (evaluation.Count != solutions.Count)
            throw new ArgumentException($"Add: {solutions.Count} solutions but {evaluation.Count} evaluations.");
        if (evaluation.MeasureDim != measureDim)
            throw new ArgumentException($"Add: measures have {evaluation.MeasureDim} dimensions; the archive has {measureDim}.");
        foreach (var name in extraFields)
        {
            if (!evaluation.Extra.TryGetValue(name, out var column))
                throw new ArgumentException($"Add: the archive keeps extra field '{name}', which the evaluation lacks.");
            for (int i = 0; i < column.Length; i++)
                if (double.IsNaN(column[i]))
                    throw new ArgumentException($"Add: extra field '{name}' of row {i} is NaN.");
        }
        var objectives = evaluation.Objectives;
        int m = evaluation.ObjectiveCount;
        for (int i = 0; i < objectives.Length; i++)
            if (!double.IsFinite(objectives[i]))
                throw new ArgumentException(
                    m == 1
                        ? $"Add: objective of row {i} is {objectives[i]}; objectives must be finite."
                        : $"Add: objective {i % m} of row {i / m} is {objectives[i]}; objectives must be finite."
                );
        var measures = evaluation.Measures;
        for (int i = 0; i < measures.Length; i++)
            if (!double.IsFinite(measures[i]))
                throw new ArgumentException(
                    $"Add: measure {i % measureDim} of row {i / measureDim} is {measures[i]}; measures must be finite."
                );
    }
}
