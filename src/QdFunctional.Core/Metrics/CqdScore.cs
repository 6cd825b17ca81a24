namespace QdFunctional.Core.Metrics;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

/// <summary>
/// The Continuous Quality Diversity score (Kent et al. 2022; pyribs' <c>cqd_score</c>): a QD score that
/// needs no cells, so archives of any kind, and of different resolutions, compare on one scale. Target
/// points t are sampled in the measure box; each target is served by the elite that best trades quality
/// for nearness, and the trade is integrated over penalties θ:
/// <code>
/// score(iteration) = Σ_θ Σ_t max_e ( f̂(e) − θ · d̂(e, t) ),
/// f̂(e) = (f(e) − objMin) / (objMax − objMin),   d̂(e, t) = ‖b(e) − t‖₂ / distMax,
/// </code>
/// and the CQD score is the mean over iterations (each with its own targets). No clipping: a far,
/// poor elite can serve a target with a negative value, as in pyribs.
/// </summary>
/// <remarks>
/// Departures from pyribs: pyribs normalizes the objective as f / (objMax − objMin), without
/// subtracting objMin (the two agree when objMin = 0, pyribs' examples' case); this follows Kent et
/// al.'s normalization to [0, 1]. An empty archive scores 0 (pyribs fails). Distances are Euclidean only.
/// Cost: iterations × targets × elites × (k + penalties); targets run in parallel with per-target sums
/// added in target order, so the result does not depend on the thread count.
/// </remarks>
public static class CqdScore
{
    /// <summary>
    /// The CQD score of elites given as columns: <paramref name="objectives"/> (n values) and
    /// <paramref name="measures"/> (n × k, row-major), against <paramref name="targets"/>
    /// (iterations × count × k, row-major: iteration, then target, then measure).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, a value is not finite, objMax ≤ objMin, or distMax ≤ 0.</exception>
    public static CqdResult Of(
        ReadOnlySpan<double> objectives,
        ReadOnlySpan<double> measures,
        int measureDim,
        double[] targets,
        int iterations,
        double[] penalties,
        double objMin,
        double objMax,
        double distMax
    )
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(penalties);
        int k = measureDim,
            n = objectives.Length;
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(measureDim), measureDim, "CQD needs at least one measure.");
        if (measures.Length != n * k)
            throw new ArgumentException($"CQD: {n} objectives but {measures.Length} measure values (expected {n} × {k}).");
        if (iterations < 1 || targets.Length == 0 || targets.Length % (iterations * k) != 0)
            throw new ArgumentException(
                $"CQD: {targets.Length} target values are not {iterations} iterations of whole {k}-measure points.",
                nameof(targets)
            );
        if (!(double.IsFinite(objMin) && double.IsFinite(objMax) && objMax > objMin))
            throw new ArgumentException($"CQD: objective range [{objMin}, {objMax}] must be finite with min < max.");
        if (!(double.IsFinite(distMax) && distMax > 0))
            throw new ArgumentException($"CQD: distMax must be positive and finite, got {distMax}.", nameof(distMax));
        foreach (double p in penalties)
            if (!double.IsFinite(p))
                throw new ArgumentException($"CQD: penalty {p} is not finite.", nameof(penalties));
        for (int i = 0; i < n; i++)
            if (!double.IsFinite(objectives[i]))
                throw new ArgumentException($"CQD: objective of elite {i} is {objectives[i]}.");
        foreach (double t in targets)
            if (!double.IsFinite(t))
                throw new ArgumentException($"CQD: a target point has a non-finite value {t}.", nameof(targets));

        int count = targets.Length / (iterations * k);
        var scores = new double[iterations];
        if (n > 0)
        {
            var normObjective = new double[n];
            for (int i = 0; i < n; i++)
                normObjective[i] = (objectives[i] - objMin) / (objMax - objMin);
            var points = measures.ToArray();
            var perTarget = new double[count];
            for (int it = 0; it < iterations; it++)
            {
                int offset = it * count * k;
                Blocks.ForRows(
                    count,
                    (long)n * (k + penalties.Length),
                    (start, end) =>
                    {
                        var distance = new double[n];
                        for (int t = start; t < end; t++)
                        {
                            var target = targets.AsSpan(offset + t * k, k);
                            for (int e = 0; e < n; e++)
                            {
                                double s = 0;
                                for (int j = 0; j < k; j++)
                                {
                                    double diff = points[e * k + j] - target[j];
                                    s += diff * diff;
                                }
                                distance[e] = Math.Sqrt(s) / distMax;
                            }
                            double sum = 0;
                            foreach (double theta in penalties)
                            {
                                double best = double.NegativeInfinity;
                                for (int e = 0; e < n; e++)
                                    best = Math.Max(best, normObjective[e] - theta * distance[e]);
                                sum += best;
                            }
                            perTarget[t] = sum;
                        }
                    }
                );
                double total = 0;
                for (int t = 0; t < count; t++)
                    total += perTarget[t];
                scores[it] = total;
            }
        }
        double mean = 0;
        foreach (double s in scores)
            mean += s;
        mean /= iterations;
        return new CqdResult(mean, scores, (double[])penalties.Clone(), objMin, objMax, distMax, count);
    }

    /// <summary>The CQD score of an archive's elites (one objective, or none: then every objective is 0).</summary>
    /// <exception cref="ArgumentException">The archive keeps several objectives, or as <see cref="Of(ReadOnlySpan{double}, ReadOnlySpan{double}, int, double[], int, double[], double, double, double)"/>.</exception>
    public static CqdResult Of(
        IArchive archive,
        double[] targets,
        int iterations,
        double[] penalties,
        double objMin,
        double objMax,
        double distMax
    )
    {
        ArgumentNullException.ThrowIfNull(archive);
        return Of(archive.ToTable(), targets, iterations, penalties, objMin, objMax, distMax);
    }

    /// <summary>The CQD score of a saved table of elites (what <c>archive.parquet</c> holds).</summary>
    public static CqdResult Of(
        EliteTable table,
        double[] targets,
        int iterations,
        double[] penalties,
        double objMin,
        double objMax,
        double distMax
    )
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.ObjectiveCount > 1)
            throw new ArgumentException($"CQD scores one objective; the archive has {table.ObjectiveCount}.", nameof(table));
        var objectives = table.ObjectiveCount == 1 ? table.Objectives : new double[table.Count];
        return Of(objectives, table.Measures, table.Layout.MeasureDim, targets, iterations, penalties, objMin, objMax, distMax);
    }

    /// <summary>
    /// The CQD score with pyribs' usual set-up: <see cref="CqdOptions.Iterations"/> sets of
    /// <see cref="CqdOptions.Targets"/> targets drawn uniformly in [low, high) from <paramref name="key"/>,
    /// <see cref="CqdOptions.Penalties"/> penalties evenly over [0, 1], and distMax the box's diagonal.
    /// </summary>
    public static CqdResult Sampled(
        EliteTable table,
        Key key,
        double[] low,
        double[] high,
        double objMin,
        double objMax,
        CqdOptions? options = null
    )
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        options ??= new CqdOptions();
        var targets = SampleTargets(key, options.Iterations, options.Targets, low, high);
        return Of(table, targets, options.Iterations, EvenPenalties(options.Penalties), objMin, objMax, Diagonal(low, high));
    }

    /// <summary>As <see cref="Sampled(EliteTable, Key, double[], double[], double, double, CqdOptions?)"/>, for an archive.</summary>
    public static CqdResult Sampled(
        IArchive archive,
        Key key,
        double[] low,
        double[] high,
        double objMin,
        double objMax,
        CqdOptions? options = null
    )
    {
        ArgumentNullException.ThrowIfNull(archive);
        return Sampled(archive.ToTable(), key, low, high, objMin, objMax, options);
    }

    /// <summary>iterations × count target points drawn uniformly in [low, high) (row-major, k = low.Length values each).</summary>
    public static double[] SampleTargets(Key key, int iterations, int count, double[] low, double[] high)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (iterations < 1 || count < 1)
            throw new ArgumentException($"CQD needs at least one iteration and one target, got {iterations} and {count}.");
        var targets = new double[checked(iterations * count * low.Length)];
        key.Uniform(targets, low, high);
        return targets;
    }

    /// <summary><paramref name="count"/> penalties evenly spaced over [0, 1] (numpy's linspace(0, 1, count)); [0] for one.</summary>
    public static double[] EvenPenalties(int count)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "CQD needs at least one penalty.");
        var penalties = new double[count];
        for (int i = 0; i < count; i++)
            penalties[i] = count == 1 ? 0.0 : (double)i / (count - 1);
        return penalties;
    }

    /// <summary>The Euclidean length of the box's diagonal: the largest distance between two of its points.</summary>
    public static double Diagonal(double[] low, double[] high)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        double s = 0;
        for (int j = 0; j < low.Length; j++)
            s += (high[j] - low[j]) * (high[j] - low[j]);
        return Math.Sqrt(s);
    }
}

/// <summary>The sampling set-up of <see cref="CqdScore.Sampled(EliteTable, Key, double[], double[], double, double, CqdOptions?)"/>.</summary>
/// <param name="Iterations">Independent sets of targets; the score is their mean (pyribs' examples use 5).</param>
/// <param name="Targets">Target points per iteration.</param>
/// <param name="Penalties">Penalties θ, evenly spaced over [0, 1].</param>
public sealed record CqdOptions(int Iterations = 5, int Targets = 1000, int Penalties = 5);

/// <summary>What <see cref="CqdScore"/> computed.</summary>
/// <param name="Mean">The CQD score: the mean of <paramref name="Scores"/>.</param>
/// <param name="Scores">The score of each iteration.</param>
/// <param name="Penalties">The penalties θ used.</param>
/// <param name="ObjMin">Objective that normalizes to 0.</param>
/// <param name="ObjMax">Objective that normalizes to 1.</param>
/// <param name="DistMax">Distance that normalizes to 1.</param>
/// <param name="Targets">Target points per iteration.</param>
public sealed record CqdResult(double Mean, double[] Scores, double[] Penalties, double ObjMin, double ObjMax, double DistMax, int Targets);
