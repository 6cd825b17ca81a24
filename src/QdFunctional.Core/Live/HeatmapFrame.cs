namespace QdFunctional.Core.Live;

/// <summary>
/// An archive drawn as a small picture: the best objective in each bin of a <see cref="Width"/> ×
/// <see cref="Height"/> grid over the first two measures, as one byte per bin (0 empty, 1 to 255 from
/// <see cref="Min"/> to <see cref="Max"/>: the colours a heatmap can show). A dashboard sends this
/// instead of the elites, so the page costs the same for a 100-cell and a million-cell archive, and a
/// run can keep one per checkpoint (at most 128 × 128 bytes each).
/// </summary>
/// <param name="Iteration">The run's iteration when the archive was taken (0 when unknown).</param>
/// <param name="Evaluations">Evaluations so far at that moment.</param>
/// <param name="Elites">Elites in the archive (a bin may hold several).</param>
/// <param name="Occupied">Bins holding at least one elite.</param>
/// <param name="Width">Bins along measure 0.</param>
/// <param name="Height">Bins along measure 1 (1 for a one-measure archive).</param>
/// <param name="Low">Lower bounds of measures 0 and 1 (one value for a one-measure archive).</param>
/// <param name="High">Upper bounds, as <paramref name="Low"/>.</param>
/// <param name="Min">The lowest bin value (NaN when no bin has a number).</param>
/// <param name="Max">The highest bin value (NaN when no bin has a number).</param>
/// <param name="Levels">Width × Height bytes, row-major (<c>x + Width·y</c>), base64: 0 empty, 1 the minimum (or no number), 255 the maximum.</param>
/// <param name="Value">What a bin's number is: "objective" (the best elite's), or for MOME "hypervolume" (the cell's front's).</param>
public sealed record HeatmapFrame(
    int Iteration,
    long Evaluations,
    int Elites,
    int Occupied,
    int Width,
    int Height,
    double[] Low,
    double[] High,
    double Min,
    double Max,
    string Levels,
    string Value = Heatmap.Objective
);
