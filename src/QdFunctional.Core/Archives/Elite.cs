namespace QdFunctional.Core.Archives;

/// <summary>
/// One archived solution. Immutable, so archive versions share elites freely: adding a batch
/// allocates only the elites it creates.
/// </summary>
public sealed class Elite
{
    internal Elite(int cell, double objective, double threshold, double[] solution, double[] measures, double[] extra, long index)
    {
        Cell = cell;
        Objective = objective;
        Threshold = threshold;
        this.solution = solution;
        this.measures = measures;
        this.extra = extra;
        Index = index;
    }

    readonly double[] solution;
    readonly double[] measures;
    readonly double[] extra;

    /// <summary>The cell it occupies.</summary>
    public int Cell { get; }

    /// <summary>Its objective (0 in diversity-only runs).</summary>
    public double Objective { get; }

    /// <summary>
    /// The cell's acceptance threshold: the objective itself for plain MAP-Elites; for CMA-MAE
    /// (learning rate below 1) the annealed threshold, which can lag behind the objective.
    /// </summary>
    public double Threshold { get; }

    /// <summary>The solution (d values).</summary>
    public ReadOnlySpan<double> Solution => solution;

    /// <summary>Its measures (k values).</summary>
    public ReadOnlySpan<double> Measures => measures;

    /// <summary>Extra fields, in the archive's <c>ExtraFields</c> order.</summary>
    public ReadOnlySpan<double> Extra => extra;

    /// <summary>Order of insertion over the archive's life (0, 1, 2, ...): a stable tie-breaker.</summary>
    public long Index { get; }
}
