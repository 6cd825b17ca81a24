namespace QdFunctional.Bench;

using System.Diagnostics;
using System.Numerics.Tensors;
using QdFunctional.Core.Optimizers;
using QdFunctional.Core.Random;

/// <summary>
/// Timing figures for the optimizer layer at CMA-ME's scale (n = 1000, λ = 36, μ = 18, on the
/// sphere): ms per ask and per tell of full CMA-ES between eigendecompositions, the time of one
/// n × n eigendecomposition (ours and MathNet's), ms per ask + tell amortized over the lazy
/// refreshes (tutorial gap 0.1 and pycma/pyribs gap 0.5), and separable CMA-ES. Each figure is
/// the best of a few repetitions, so a busy machine disturbs it less. For <c>qd bench</c>.
/// </summary>
public static class OptimizerBenchmark
{
    /// <summary>Runs the measurements and writes one line per figure to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output, int dimension = 1000, int batchSize = 36, int iterations = 60)
    {
        ArgumentNullException.ThrowIfNull(output);
        int n = dimension;
        var x0 = new double[n];
        Array.Fill(x0, 1.0);

        // Ask and tell alone: a gap too large to ever refresh.
        var frozen = CmaEs.Create(x0, 0.5, batchSize, new EvolutionStrategyOptions { LazyGapFactor = 1e12 });
        double ask = double.MaxValue,
            tell = double.MaxValue;
        IEvolutionStrategy es = frozen;
        for (int it = 0; it < 15; it++)
        {
            var watch = Stopwatch.StartNew();
            var x = es.Ask(Key.Of(1).FoldIn(it));
            double askMs = watch.Elapsed.TotalMilliseconds;
            var ranking = RankSphere(x, n, batchSize);
            watch.Restart();
            es = es.Tell(x, ranking, batchSize / 2);
            if (it >= 3)
                (ask, tell) = (Math.Min(ask, askMs), Math.Min(tell, watch.Elapsed.TotalMilliseconds));
        }
        output.WriteLine($"CMA-ES n={n} λ={batchSize}: ask {ask:F2} ms, tell {tell:F2} ms (without eigendecomposition)");

        var cov = ((CmaEs)es).Covariance.ToArray();
        SymmetricEigen.Decompose(Math.Min(n, 64), SmallBlock(cov, n, Math.Min(n, 64)));
        MathNetEigen.Decompose(Math.Min(n, 64), SmallBlock(cov, n, Math.Min(n, 64)));
        double ours = Best(2, () => SymmetricEigen.Decompose(n, cov));
        double mathNet = Best(1, () => MathNetEigen.Decompose(n, cov));
        output.WriteLine($"Symmetric eigendecomposition n={n}: {ours:F0} ms (MathNet managed Evd: {mathNet:F0} ms)");

        foreach (double factor in new[] { 0.1, 0.5 })
        {
            var full = CmaEs.Create(x0, 0.5, batchSize, new EvolutionStrategyOptions { LazyGapFactor = factor });
            var (ms, refreshes) = Time(full, iterations, n, batchSize);
            output.WriteLine(
                $"CMA-ES n={n} λ={batchSize} lazy gap factor {factor}: {ms:F1} ms per ask+tell amortized "
                    + $"({refreshes} eigendecompositions in {iterations} iterations, every {full.LazyGap:F0} evaluations)"
            );
        }
        var (msSep, _) = Time(SeparableCmaEs.Create(x0, 0.5, batchSize), iterations * 5, n, batchSize);
        output.WriteLine($"Separable CMA-ES n={n} λ={batchSize}: {msSep:F2} ms per ask+tell");
    }

    static double Best(int repetitions, Action action)
    {
        double best = double.MaxValue;
        for (int r = 0; r < repetitions; r++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }
        return best;
    }

    static double[] SmallBlock(double[] c, int n, int k)
    {
        var block = new double[k * k];
        for (int i = 0; i < k; i++)
            c.AsSpan(i * n, k).CopyTo(block.AsSpan(i * k, k));
        return block;
    }

    /// <summary>Mean ms per iteration after a warm-up, and how many eigendecompositions ran.</summary>
    static (double Ms, int Refreshes) Time(IEvolutionStrategy es, int iterations, int n, int lambda)
    {
        var key = Key.Of(2021);
        for (int it = 0; it < 3; it++)
        {
            var x = es.Ask(key.FoldIn(it));
            es = es.Tell(x, RankSphere(x, n, lambda), lambda / 2);
        }
        long eigenAt = es is CmaEs c0 ? c0.EigenEvaluations : 0;
        int refreshes = 0;
        var watch = Stopwatch.StartNew();
        for (int it = 0; it < iterations; it++)
        {
            var x = es.Ask(key.FoldIn(1000 + it));
            es = es.Tell(x, RankSphere(x, n, lambda), lambda / 2);
            if (es is CmaEs c && c.EigenEvaluations != eigenAt)
            {
                refreshes++;
                eigenAt = c.EigenEvaluations;
            }
        }
        return (watch.Elapsed.TotalMilliseconds / iterations, refreshes);
    }

    /// <summary>Row indices sorted by ‖x‖² ascending (the emitter's job in a real run).</summary>
    static int[] RankSphere(double[] x, int n, int lambda)
    {
        var f = new double[lambda];
        var ranking = new int[lambda];
        for (int r = 0; r < lambda; r++)
        {
            f[r] = TensorPrimitives.SumOfSquares<double>(x.AsSpan(r * n, n));
            ranking[r] = r;
        }
        Array.Sort(f, ranking);
        return ranking;
    }
}
