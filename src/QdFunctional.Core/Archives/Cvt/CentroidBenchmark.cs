using System.Diagnostics;
using QdFunctional.Core.Random;

namespace QdFunctional.Core.Archives.Cvt;

/// <summary>
/// Timings for the CVT centroid machinery, for <c>qd bench</c>: building 10,000 k-means
/// centroids from 100,000 samples in 2-D, and the cost of one nearest-centroid query with
/// 10,000 cells in 2-D and 6-D (k-d tree, and brute force for scale).
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

        var start = Stopwatch.StartNew();
        var centroids2 = KMeans.Centroids(buildKey, 10_000, [-1.0, -1.0], [1.0, 1.0]);
        double buildSeconds = start.Elapsed.TotalSeconds;
        output.WriteLine($"k-means centroids: 10,000 cells from 100,000 samples (2-D, Lloyd, tol 1e-4): {buildSeconds:F2} s");
        start.Restart();
        var tree2 = new KdTree(centroids2, 2);
        output.WriteLine($"k-d tree build, 10,000 cells (2-D): {start.Elapsed.TotalMilliseconds:F2} ms");
        Query(output, tree2, queryKey.FoldIn(2), "2-D k-means centroids");

        var centroids6 = new double[10_000 * 6];
        queryKey.FoldIn(6).Uniform(centroids6, -1.0, 1.0);
        var tree6 = new KdTree(centroids6, 6);
        Query(output, tree6, queryKey.FoldIn(7), "6-D uniform random centroids");
    }

    static void Query(TextWriter output, KdTree tree, Key key, string what)
    {
        int d = tree.Dimensions, n = 200_000;
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
                if (dist < best) { best = dist; bestCell = c; }
            }
            sink += bestCell;
        }
        double brute_ns = start.Elapsed.TotalNanoseconds / bruteN;
        output.WriteLine(
            $"nearest query, {tree.Cells:N0} cells, {what}: {tree_ns:F0} ns (one thread), {batch_ns:F0} ns/point batched on {Environment.ProcessorCount} cores, brute force {brute_ns:F0} ns (check {sink & 1})");
    }
}
