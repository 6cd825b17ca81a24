namespace QdFunctional.Core.Optimizers;

using System.Diagnostics;
using QdFunctional.Core.Random;

/// <summary>
/// Timing figures for the optimizer layer at CMA-ME's scale (n = 1000, λ = 36, μ = 18, on the
/// sphere): ms per ask + tell for full CMA-ES (amortized over its lazy eigendecompositions)
/// and separable CMA-ES, and the time of one 1000 × 1000 eigendecomposition. For <c>qd bench</c>.
/// </summary>
public static class OptimizerBenchmark
{
    /// <summary>Runs the measurements and writes one line per figure to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output, int dimension = 1000, int batchSize = 36, int iterations = 60)
    {
        ArgumentNullException.ThrowIfNull(output);
        var x0 = new double[dimension];
        Array.Fill(x0, 1.0);
        foreach (double factor in new[] { 0.1, 0.5 })
        {
            var options = new EvolutionStrategyOptions { LazyGapFactor = factor };
            var full = CmaEs.Create(x0, 0.5, batchSize, options);
            var (msFull, refreshes) = Time(full, iterations, dimension, batchSize);
            output.WriteLine(
                $"CMA-ES n={dimension} λ={batchSize} lazy gap {factor}: {msFull:F2} ms per ask+tell " +
                $"({refreshes} eigendecompositions in {iterations} iterations, gap {full.LazyGap:F0} evaluations)");
        }
        var sep = SeparableCmaEs.Create(x0, 0.5, batchSize);
        var (msSep, _) = Time(sep, iterations * 10, dimension, batchSize);
        output.WriteLine($"Separable CMA-ES n={dimension} λ={batchSize}: {msSep:F3} ms per ask+tell");

        var spd = RandomCovariance(dimension, Key.Of(7));
        SymmetricEigen.Decompose(Math.Min(dimension, 50), spd.AsSpan(0, Math.Min(dimension, 50) * Math.Min(dimension, 50)));
        var watch = Stopwatch.StartNew();
        SymmetricEigen.Decompose(dimension, spd);
        output.WriteLine($"Symmetric eigendecomposition n={dimension}: {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>Mean ms per iteration after a warm-up, and how many eigendecompositions ran.</summary>
    static (double Ms, int Refreshes) Time(IEvolutionStrategy es, int iterations, int n, int lambda)
    {
        var key = Key.Of(2021);
        for (int it = 0; it < 3; it++)
            es = Iterate(es, key.FoldIn(it), n, lambda);
        long eigenBefore = es is CmaEs c0 ? c0.EigenEvaluations : 0;
        int refreshes = 0;
        var watch = Stopwatch.StartNew();
        for (int it = 0; it < iterations; it++)
        {
            es = Iterate(es, key.FoldIn(1000 + it), n, lambda);
            if (es is CmaEs c && c.EigenEvaluations != eigenBefore)
            {
                refreshes++;
                eigenBefore = c.EigenEvaluations;
            }
        }
        return (watch.Elapsed.TotalMilliseconds / iterations, refreshes);
    }

    static IEvolutionStrategy Iterate(IEvolutionStrategy es, Key key, int n, int lambda)
    {
        var x = es.Ask(key);
        var f = new double[lambda];
        for (int r = 0; r < lambda; r++)
        {
            double s = 0;
            for (int j = 0; j < n; j++)
                s += x[r * n + j] * x[r * n + j];
            f[r] = s;
        }
        var ranking = new int[lambda];
        for (int r = 0; r < lambda; r++)
            ranking[r] = r;
        Array.Sort((double[])f.Clone(), ranking);
        return es.Tell(x, ranking, lambda / 2);
    }

    /// <summary>A well-spread SPD matrix A Aᵀ/n + I from a key.</summary>
    static double[] RandomCovariance(int n, Key key)
    {
        var a = new double[(long)n * n];
        key.Normal(a);
        var c = new double[(long)n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = System.Numerics.Tensors.TensorPrimitives.Dot(a.AsSpan(i * n, n), a.AsSpan(j * n, n)) / n;
                if (i == j)
                    s += 1;
                c[i * n + j] = s;
                c[j * n + i] = s;
            }
        return c;
    }
}
