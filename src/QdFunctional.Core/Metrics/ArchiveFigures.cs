namespace QdFunctional.Core.Metrics;

using QdFunctional.Core.Archives;

/// <summary>
/// The figures of a <see cref="MetricsRow"/> that rescan the whole archive rather than read its
/// incremental statistics: MOME's global hypervolume (<see cref="MomeMetrics.GlobalHypervolumeOf"/>,
/// w.r.t. the archive's reference point, the MOQD score's) and novelty search's mean novelty
/// (<see cref="ProximityArchive.MeanNovelty"/>). They cost about as much as an iteration or more (a
/// sort of every stored solution; a k-nearest query per entry), so a run computes them for some rows
/// only (see <c>RunDirectory.execute</c>); the others keep NaN.
/// </summary>
public static class ArchiveFigures
{
    /// <summary>True when <paramref name="archive"/> has such a figure (a MOME or a proximity archive).</summary>
    public static bool Apply(IArchive archive) => archive is MomeArchive or ProximityArchive;

    /// <summary><paramref name="row"/> with the figures of <paramref name="archive"/> (the archive the row describes); unchanged for other archives.</summary>
    public static MetricsRow With(MetricsRow row, IArchive archive)
    {
        ArgumentNullException.ThrowIfNull(row);
        return archive switch
        {
            MomeArchive mome => row with { GlobalHypervolume = MomeMetrics.GlobalHypervolumeOf(mome, mome.ReferencePoint) },
            ProximityArchive proximity => row with { MeanNovelty = proximity.MeanNovelty() },
            _ => row,
        };
    }

    /// <summary>True when <paramref name="row"/> carries no archive-wide figure.</summary>
    public static bool Missing(MetricsRow row) => double.IsNaN(row.GlobalHypervolume) && double.IsNaN(row.MeanNovelty);
}
