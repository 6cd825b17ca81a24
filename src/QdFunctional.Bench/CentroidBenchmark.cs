using System.Diagnostics;
using QdFunctional.Core.Archives.Cvt;
using QdFunctional.Core.Random;

namespace QdFunctional.Bench;

/// <summary>
/// Timings for the CVT centroid machinery, for <c>qd bench</c>: building 10,000 k-means
/// centroids from 100,000 samples in 2-D and 6-D, and the cost of one nearest-centroid query
/// against them (k-d tree, and brute force for scale). Takes several seconds.
/// </summary>
public static class CentroidBenchmark
{
    /// <summary>Runs the benchmarks and writes one line per figure to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var key = Key.Of(0);
        var (buildKey, queryKey) = key.Split2();

        // Warm the JIT on a small problem so the timed build measures steady-state code.
        KMeans.Centroids(buildKey, 100, [0.0, 0.0], [1.0, 1.0], new KMeansOptions(Samples: 2_000));

        var centroids2 = Build(output, buildKey.FoldIn(2), 2);
        var start = Stopwatch.StartNew();
        var tree2 = new KdTree(centroids2, 2);
        output.WriteLine($"k-d tree build, 10,000 cells (2-D): {start.Elapsed.TotalMilliseconds:F2} ms");
        Query(output, tree2, queryKey.FoldIn(2));
        var centroids6 = Build(output, buildKey.FoldIn(6), 6);
        Query(output, new KdTree(centroids6, 6), queryKey.FoldIn(6));
    }

    /// <summary>Times 10,000 k-means centroids from 100,000 samples in [-1, 1]^d.</summary>
    static double[] Build(TextWriter output, Key key, int d)
    {
        var low = new double[d];
        var high = new double[d];
        Array.Fill(low, -1.0);
        Array.Fill(high, 1.0);
        var start = Stopwatch.StartNew();
        var centroids = KMeans.Centroids(key, 10_000, low, high);
        output.WriteLine(
            $"k-means centroids, 10,000 cells from 100,000 samples ({d}-D, Lloyd, tol 1e-4): {start.Elapsed.TotalSeconds:F2} s"
        );
        return centroids;
    }

    static void Query(TextWriter output, KdTree tree, Key key)
    {
        int d = tree.Dimensions,
            n = 200_000;
        var points = new double[n * d];
        key.Uniform(points, -1.0, 1.0);
        int sink = 0;
        for (int i = 0; i < 10_000; i++)
            sink += tree.Nearest(points.AsSpan(i * d, d));
        var start = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
            sink += tree.Nearest(points.AsSpan(i * d, d));
        double tree_ns = start.Elapsed.TotalNanoseconds / n;

        var cells = new int[n];
        start.Restart();
        tree.Nearest(points, cells);
        double batch_ns = start.Elapsed.TotalNanoseconds / n;

        int bruteN = 2_000;
        var all = tree.Centroids;
        start.Restart();
        for (int i = 0; i < bruteN; i++)
        {
            var q = points.AsSpan(i * d, d);
            double best = double.PositiveInfinity;
            int bestCell = 0;
            for (int c = 0; c < tree.Cells; c++)
            {
                double dist = KdTree.Distance(q, all.Slice(c * d, d));
                if (dist < best)
                {
                    best = dist;
                    bestCell = c;
                }
            }
            sink += bestCell;
        }
        double brute_ns = start.Elapsed.TotalNanoseconds / bruteN;
        output.WriteLine(
            $"nearest query, {tree.Cells:N0} cells ({d}-D, uniform points): {tree_ns:F0} ns (one thread), {batch_ns:F0} ns/point batched on {Environment.ProcessorCount} cores, brute force {brute_ns:F0} ns (check {sink & 1})"
        );
    }
}
