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
        this.objective = objective;
        Threshold = threshold;
        this.solution = solution;
        this.measures = measures;
        this.extra = extra;
        Index = index;
    }

    /// <summary>
    /// A multi-objective elite (MOME): <paramref name="objectives"/> holds its m values;
    /// <see cref="Objective"/> and <see cref="Threshold"/> report the first of them.
    /// </summary>
    internal Elite(int cell, double[] objectives, double[] solution, double[] measures, double[] extra, long index)
        : this(cell, objectives[0], objectives[0], solution, measures, extra, index)
    {
        this.objectives = objectives;
    }

    readonly double objective;
    readonly double[]? objectives;
    readonly double[] solution;
    readonly double[] measures;
    readonly double[] extra;

    /// <summary>The cell it occupies.</summary>
    public int Cell { get; }

    /// <summary>
    /// Its objective (0 in diversity-only runs). For a multi-objective elite, the first of its
    /// <see cref="Objectives"/>.
    /// </summary>
    public double Objective => objective;

    /// <summary>
    /// All its objectives: m values for a multi-objective elite (MOME), otherwise the single
    /// <see cref="Objective"/> as a one-value span (no allocation).
    /// </summary>
    public ReadOnlySpan<double> Objectives => objectives is null ? new ReadOnlySpan<double>(in objective) : objectives;

    /// <summary>m: 1 for single-objective elites, 2 or more for multi-objective ones.</summary>
    public int ObjectiveCount => objectives?.Length ?? 1;

    /// <summary>
    /// The cell's acceptance threshold: the objective itself for plain MAP-Elites; for CMA-MAE
    /// (learning rate below 1) the annealed threshold, which can lag behind the objective.
    /// Multi-objective cells have no threshold: there it equals <see cref="Objective"/>.
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

    /// <summary>The same single-objective elite in another cell (sharing its arrays): archives whose cells move re-file their elites with it.</summary>
    internal Elite InCell(int cell) => new(cell, objective, Threshold, solution, measures, extra, Index);
}
