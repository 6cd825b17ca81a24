namespace QdFunctional.Core.Archives;

/// <summary>
/// Archive statistics kept incrementally: each add moves them by its own changes, so reading
/// them never scans the archive. Sums use Neumaier compensation so that millions of small
/// updates agree with a recomputation from scratch to rounding.
/// </summary>
public sealed record ArchiveStats
{
    internal ArchiveStats(int cells, double offset, int numElites, double objSum, double objSumComp, Elite? best)
    {
        CellCount = cells;
        QdOffset = offset;
        NumElites = numElites;
        ObjectiveSum = objSum;
        ObjectiveSumCompensation = objSumComp;
        BestElite = best;
    }

    internal double ObjectiveSum { get; }
    internal double ObjectiveSumCompensation { get; }

    /// <summary>Total cells of the tessellation.</summary>
    public int CellCount { get; }

    /// <summary>The offset subtracted from each objective in the QD score (pyribs' qd_offset).</summary>
    public double QdOffset { get; }

    /// <summary>Occupied cells.</summary>
    public int NumElites { get; }

    /// <summary>NumElites / CellCount.</summary>
    public double Coverage => (double)NumElites / CellCount;

    /// <summary>Sum over elites of (objective - offset).</summary>
    public double QdScore => ObjectiveSum + ObjectiveSumCompensation - QdOffset * NumElites;

    /// <summary>QD score divided by the number of cells: comparable across archive sizes.</summary>
    public double NormQdScore => QdScore / CellCount;

    /// <summary>Mean objective of the elites; NaN when empty.</summary>
    public double ObjMean => NumElites == 0 ? double.NaN : (ObjectiveSum + ObjectiveSumCompensation) / NumElites;

    /// <summary>Best objective; NaN when empty.</summary>
    public double ObjMax => BestElite?.Objective ?? double.NaN;

    /// <summary>The elite with the best objective (earliest inserted among equals); null when empty.</summary>
    public Elite? BestElite { get; }

    internal static ArchiveStats Empty(int cells, double offset) => new(cells, offset, 0, 0.0, 0.0, null);

    /// <summary>Adds <paramref name="delta"/> to the compensated objective sum.</summary>
    internal static (double, double) Accumulate(double sum, double comp, double delta)
    {
        double t = sum + delta;
        comp += Math.Abs(sum) >= Math.Abs(delta) ? (sum - t) + delta : (delta - t) + sum;
        return (t, comp);
    }
}
