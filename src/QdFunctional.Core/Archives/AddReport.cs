namespace QdFunctional.Core.Archives;

/// <summary>
/// Per solution of an added batch: its status and value, where value is the improvement over
/// the cell's threshold before the batch (objective - threshold; the objective itself for a new
/// cell when the archive has no minimum threshold). Negative or zero when not added. This is
/// all CMA-ME's improvement ranking needs, so no emitter looks at the archive twice.
/// </summary>
public sealed class AddReport
{
    /// <summary>Wraps the arrays (equal length) without copying.</summary>
    /// <param name="status">One status per solution.</param>
    /// <param name="value">One improvement value per solution.</param>
    /// <param name="cells">The cell each solution fell into.</param>
    /// <param name="novelty">Novelty per solution, from archives that measure it (proximity), else null.</param>
    /// <param name="localCompetition">
    /// Per solution, how many of its k nearest entries it beats on the objective (a proximity archive
    /// with local competition), else null.
    /// </param>
    public AddReport(AddStatus[] status, double[] value, int[] cells, double[]? novelty = null, int[]? localCompetition = null)
    {
        if (status.Length != value.Length || status.Length != cells.Length)
            throw new ArgumentException("AddReport: status, value and cells must have one entry per solution.");
        if (
            (novelty is not null && novelty.Length != status.Length)
            || (localCompetition is not null && localCompetition.Length != status.Length)
        )
            throw new ArgumentException("AddReport: novelty and local competition must have one entry per solution.");
        Status = status;
        Value = value;
        Cells = cells;
        Novelty = novelty;
        LocalCompetition = localCompetition;
    }

    /// <summary>One status per solution, in batch order.</summary>
    public AddStatus[] Status { get; }

    /// <summary>One improvement value per solution, in batch order.</summary>
    public double[] Value { get; }

    /// <summary>The cell each solution fell into.</summary>
    public int[] Cells { get; }

    /// <summary>Novelty per solution (what novelty rankers order by), or null when the archive does not measure it.</summary>
    public double[]? Novelty { get; }

    /// <summary>Neighbours each solution beats on the objective (NSLC's second score), or null.</summary>
    public int[]? LocalCompetition { get; }

    /// <summary>Number of solutions reported.</summary>
    public int Count => Status.Length;

    /// <summary>Rows [start, start + count), for handing each emitter its share.</summary>
    public AddReport Slice(int start, int count) =>
        new(
            Status.AsSpan(start, count).ToArray(),
            Value.AsSpan(start, count).ToArray(),
            Cells.AsSpan(start, count).ToArray(),
            Novelty?.AsSpan(start, count).ToArray(),
            LocalCompetition?.AsSpan(start, count).ToArray()
        );

    /// <summary>How many solutions had status at least <paramref name="atLeast"/>.</summary>
    public int CountAtLeast(AddStatus atLeast)
    {
        int n = 0;
        foreach (var s in Status)
            if (s >= atLeast)
                n++;
        return n;
    }
}
