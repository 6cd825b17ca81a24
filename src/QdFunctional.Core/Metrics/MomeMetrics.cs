namespace QdFunctional.Core.Metrics;

using QdFunctional.Core.Archives;

/// <summary>
/// The figures MOME reports (Pierrot et al. 2022, "Multi-Objective Quality Diversity Optimization";
/// QDax's <c>compute_moqd_metrics</c>), all for maximized objectives and one reference point.
/// </summary>
/// <param name="MoqdScore">MOQD score: Σ over cells of the hypervolume of the cell's Pareto front.</param>
/// <param name="GlobalHypervolume">Hypervolume of the Pareto front of all stored solutions together.</param>
/// <param name="MaxSumOfScores">max over stored solutions of the sum of their objectives (NaN when empty).</param>
/// <param name="Coverage">Occupied cells over all cells, in [0, 1].</param>
/// <param name="NumSolutions">Solutions stored over all fronts.</param>
/// <param name="OccupiedCells">Cells holding a front.</param>
public sealed record MomeMetrics(
    double MoqdScore,
    double GlobalHypervolume,
    double MaxSumOfScores,
    double Coverage,
    int NumSolutions,
    int OccupiedCells
)
{
    /// <summary>
    /// The metrics w.r.t. the archive's own reference point. MOQD score, maximum sum, coverage and
    /// counts come from figures the archive keeps up to date on each add (no rescan); the global
    /// hypervolume gathers every stored solution once (O(N log N) for m ≤ 3).
    /// </summary>
    public static MomeMetrics Of(MomeArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return new MomeMetrics(
            archive.MoqdScore,
            GlobalHypervolumeOf(archive, archive.ReferencePoint),
            archive.MaxSumOfScores,
            archive.Stats.Coverage,
            archive.NumSolutions,
            archive.OccupiedCount
        );
    }

    /// <summary>
    /// The metrics w.r.t. another reference point (m values): every cell's hypervolume is
    /// recomputed from its front, so this scans the archive.
    /// </summary>
    /// <exception cref="ArgumentException">The reference point does not have m finite values.</exception>
    public static MomeMetrics Of(MomeArchive archive, double[] referencePoint)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(referencePoint);
        return new MomeMetrics(
            MoqdScoreOf(archive, referencePoint),
            GlobalHypervolumeOf(archive, referencePoint),
            archive.MaxSumOfScores,
            archive.Stats.Coverage,
            archive.NumSolutions,
            archive.OccupiedCount
        );
    }

    /// <summary>The MOQD score recomputed from scratch: Σ over cells of Hypervolume.Of(front).</summary>
    public static double MoqdScoreOf(MomeArchive archive, ReadOnlySpan<double> referencePoint)
    {
        ArgumentNullException.ThrowIfNull(archive);
        int m = archive.ObjectiveCount;
        if (referencePoint.Length != m)
            throw new ArgumentException(
                $"MOME metrics: the reference point has {referencePoint.Length} values; expected {m} (one per objective).",
                nameof(referencePoint)
            );
        double total = 0.0;
        var points = new double[archive.Options.ParetoFrontMaxLength * m];
        foreach (var cell in archive.Cells)
        {
            var front = cell.Front;
            for (int i = 0; i < front.Length; i++)
                front[i].Objectives.CopyTo(points.AsSpan(i * m, m));
            total += Hypervolume.Of(points.AsSpan(0, front.Length * m), m, referencePoint);
        }
        return total;
    }

    /// <summary>
    /// The hypervolume of all stored solutions pooled (that of their global Pareto front, since
    /// dominated points add nothing). For m ≥ 4 the pool is first reduced to its non-dominated
    /// points, as the slicing algorithm's cost grows with n^(m-2).
    /// </summary>
    public static double GlobalHypervolumeOf(MomeArchive archive, ReadOnlySpan<double> referencePoint)
    {
        ArgumentNullException.ThrowIfNull(archive);
        int m = archive.ObjectiveCount,
            n = archive.NumSolutions;
        if (referencePoint.Length != m)
            throw new ArgumentException(
                $"MOME metrics: the reference point has {referencePoint.Length} values; expected {m} (one per objective).",
                nameof(referencePoint)
            );
        var points = new double[n * m];
        int c = 0;
        foreach (var e in archive.Elites)
        {
            // Only points that can count are pooled.
            var o = e.Objectives;
            bool inside = true;
            for (int j = 0; j < m && inside; j++)
                inside = o[j] > referencePoint[j];
            if (inside)
                o.CopyTo(points.AsSpan(c++ * m, m));
        }
        if (m >= 4 && c > 1)
        {
            var keep = new bool[c];
            ParetoFront.NonDominated(points.AsSpan(0, c * m), m, keep);
            int w = 0;
            for (int i = 0; i < c; i++)
                if (keep[i])
                    points.AsSpan(i * m, m).CopyTo(points.AsSpan(w++ * m, m));
            c = w;
        }
        return Hypervolume.Of(points.AsSpan(0, c * m), m, referencePoint);
    }
}
