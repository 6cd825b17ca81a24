using QdFunctional.Core.Archives;
using QdFunctional.Core.Persistence;

namespace QdFunctional.Core.Live;

/// <summary>
/// Aggregates elites into a <see cref="HeatmapFrame"/>: a grid archive keeps its own cells (up to
/// <see cref="MaxSide"/> per side), anything else is binned on a <see cref="FreeSide"/>-square grid over
/// its measure bounds. Shared by the run's snapshots and by <c>qd serve</c>, so both draw the same map.
/// </summary>
public static class Heatmap
{
    /// <summary>The most bins per side: a finer grid is merged down (max of its cells).</summary>
    public const int MaxSide = 128;

    /// <summary>Bins per side for CVT and proximity archives, which have no grid of their own.</summary>
    public const int FreeSide = 64;

    /// <summary><see cref="HeatmapFrame.Value"/> of a picture of objectives.</summary>
    public const string Objective = "objective";

    /// <summary><see cref="HeatmapFrame.Value"/> of a MOME picture: each cell's front hypervolume, what MOME's MOQD score sums.</summary>
    public const string Hypervolume = "hypervolume";

    /// <summary>The picture's shape for a layout: (width, height).</summary>
    public static (int Width, int Height) Shape(ArchiveLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        int k = layout.MeasureDim;
        if (layout.Kind == "grid" && layout.Resolution.Length == k && k >= 1)
            return (Math.Min(layout.Resolution[0], MaxSide), k >= 2 ? Math.Min(layout.Resolution[1], MaxSide) : 1);
        return (FreeSide, k >= 2 ? FreeSide : 1);
    }

    /// <summary>
    /// The frame for the elites whose first two measures and objective are given
    /// (<paramref name="measure1"/> empty for a one-measure archive). NaN objectives count as occupied
    /// with no value; measures outside the bounds go to the edge bin, as a grid archive places them.
    /// </summary>
    public static HeatmapFrame Aggregate(
        ArchiveLayout layout,
        int iteration,
        long evaluations,
        ReadOnlySpan<double> measure0,
        ReadOnlySpan<double> measure1,
        ReadOnlySpan<double> objective
    )
    {
        var (w, h) = Shape(layout);
        int n = objective.Length;
        if (measure0.Length != n || (h > 1 && measure1.Length != n))
            throw new ArgumentException($"{n} objectives but {measure0.Length} and {measure1.Length} measures", nameof(measure0));
        var best = new double[w * h];
        var seen = new bool[w * h];
        for (int i = 0; i < n; i++)
        {
            int x = Bin(measure0[i], layout.Low[0], layout.High[0], w);
            int y = h > 1 ? Bin(measure1[i], layout.Low[1], layout.High[1], h) : 0;
            int b = x + w * y;
            double v = objective[i];
            if (!seen[b] || v > best[b] || double.IsNaN(best[b]))
                best[b] = v;
            seen[b] = true;
        }
        double min = double.PositiveInfinity,
            max = double.NegativeInfinity;
        int occupied = 0;
        for (int b = 0; b < best.Length; b++)
            if (seen[b])
            {
                occupied++;
                if (double.IsFinite(best[b]))
                {
                    min = Math.Min(min, best[b]);
                    max = Math.Max(max, best[b]);
                }
            }
        if (min > max)
            min = max = double.NaN;
        var levels = new byte[w * h];
        for (int b = 0; b < best.Length; b++)
            if (seen[b])
                levels[b] = Level(best[b], min, max);
        int dims = h > 1 ? 2 : 1;
        return new HeatmapFrame(
            iteration,
            evaluations,
            n,
            occupied,
            w,
            h,
            layout.Low[..dims],
            layout.High[..dims],
            min,
            max,
            Convert.ToBase64String(levels)
        );
    }

    /// <summary>1 + the value's place in [min, max] on 254 steps; 255 when all values are equal, 1 when it has none.</summary>
    private static byte Level(double v, double min, double max)
    {
        if (!double.IsFinite(v))
            return 1;
        if (!(max > min))
            return 255;
        return (byte)(1 + Math.Round((v - min) / (max - min) * 254));
    }

    /// <summary>The frame of an archive in memory (its layout from its tessellation), or null for an archive kind with no layout.</summary>
    public static HeatmapFrame? Of(IArchive archive, int iteration, long evaluations)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArchiveLayout? layout = archive switch
        {
            CellArchive c => c.Tessellation.Layout,
            MomeArchive m => m.Tessellation.Layout,
            ProximityArchive p => p.Layout,
            _ => null,
        };
        if (layout is null || layout.MeasureDim < 1)
            return null;
        var m0 = new List<double>();
        var m1 = new List<double>();
        var obj = new List<double>();
        var mome = archive as MomeArchive;
        foreach (var e in archive.Elites)
        {
            var m = e.Measures;
            m0.Add(m[0]);
            if (m.Length > 1)
                m1.Add(m[1]);
            obj.Add(mome is null ? e.Objective : mome.CellHypervolume(e.Cell));
        }
        var frame = Aggregate(
            layout,
            iteration,
            evaluations,
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(m0),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(m1),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(obj)
        );
        return mome is null ? frame : frame with { Value = Hypervolume };
    }

    private static int Bin(double v, double lo, double hi, int count)
    {
        if (!(hi > lo) || double.IsNaN(v))
            return 0;
        double t = (v - lo) / (hi - lo) * count;
        return t <= 0 ? 0
            : t >= count ? count - 1
            : (int)t;
    }
}
