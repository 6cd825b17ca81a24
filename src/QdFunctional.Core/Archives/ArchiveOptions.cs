namespace QdFunctional.Core.Archives;

/// <summary>
/// Settings shared by grid and CVT archives, with pyribs' defaults.
/// </summary>
/// <param name="QdOffset">Subtracted from every objective in the QD score, so that scores are positive.</param>
/// <param name="LearningRate">
/// CMA-MAE's archive learning rate α in (0, 1]. 1 is plain MAP-Elites: a cell's threshold is its
/// elite's objective. Below 1, the threshold moves towards accepted objectives:
/// t ← (1 - α)^c t + (1 - (1 - α)^c) mean(f) for c accepted solutions (Fontaine and Nikolaidis 2023).
/// </param>
/// <param name="ThresholdMin">
/// The threshold of an empty cell. Minus infinity (the default) accepts anything in a new cell and
/// reports a new cell's value as its objective; CMA-MAE needs a finite value.
/// </param>
/// <param name="ExtraFields">Names of extra per-solution values to keep with each elite.</param>
public sealed record ArchiveOptions(
    double QdOffset = 0.0,
    double LearningRate = 1.0,
    double ThresholdMin = double.NegativeInfinity,
    string[]? ExtraFields = null
)
{
    /// <summary>The plain MAP-Elites settings.</summary>
    public static ArchiveOptions Default { get; } = new();

    internal void Validate()
    {
        if (!double.IsFinite(QdOffset))
            throw new ArgumentException($"QdOffset must be finite, got {QdOffset}.");
        if (!(LearningRate > 0 && LearningRate <= 1))
            throw new ArgumentException($"LearningRate must be in (0, 1], got {LearningRate}.");
        if (LearningRate < 1 && !double.IsFinite(ThresholdMin))
            throw new ArgumentException($"A learning rate below 1 (CMA-MAE) needs a finite ThresholdMin, got {ThresholdMin}.");
        if (double.IsNaN(ThresholdMin) || double.IsPositiveInfinity(ThresholdMin))
            throw new ArgumentException($"ThresholdMin must be finite or minus infinity, got {ThresholdMin}.");
        var seen = new HashSet<string>();
        foreach (var name in ExtraFields ?? [])
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
                throw new ArgumentException($"Extra field names must be non-empty and distinct; '{name}' is not.");
    }
}
