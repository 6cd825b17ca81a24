using QdFunctional.Core.Metrics;

namespace QdFunctional.Serve;

/// <summary>
/// Metrics rows as columns, one array per metric (the shape a chart library takes, and about half the
/// bytes of one object per row). NaN (an empty archive's objective; the global hypervolume of a run that
/// is not MOME's, the mean novelty of one that is not novelty search's) travels as null.
/// </summary>
public sealed record Columns(
    int[] Iteration,
    long[] Evaluations,
    int[] NumElites,
    double?[] Coverage,
    double?[] QdScore,
    double?[] NormQdScore,
    double?[] BestObjective,
    double?[] MeanObjective,
    double?[] ElapsedSeconds,
    double?[] GlobalHypervolume,
    double?[] MeanNovelty
)
{
    /// <summary>The columns of <paramref name="rows"/>.</summary>
    public static Columns Of(IReadOnlyList<MetricsRow> rows)
    {
        static double?[] Col(IReadOnlyList<MetricsRow> rows, Func<MetricsRow, double> f) =>
            [.. rows.Select(r => f(r) is var v && double.IsFinite(v) ? v : (double?)null)];
        return new Columns(
            [.. rows.Select(r => r.Iteration)],
            [.. rows.Select(r => r.Evaluations)],
            [.. rows.Select(r => r.NumElites)],
            Col(rows, r => r.Coverage),
            Col(rows, r => r.QdScore),
            Col(rows, r => r.NormQdScore),
            Col(rows, r => r.BestObjective),
            Col(rows, r => r.MeanObjective),
            Col(rows, r => r.ElapsedSeconds),
            Col(rows, r => r.GlobalHypervolume),
            Col(rows, r => r.MeanNovelty)
        );
    }
}
