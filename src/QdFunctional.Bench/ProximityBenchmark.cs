namespace QdFunctional.Bench;

using System.Diagnostics;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Archives.Proximity;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Timings of the proximity archive for <c>qd bench novelty</c>: filling it to 100,000 entries
/// (adds per second), adding a batch of 36 to the full archive, and k-nearest novelty queries per
/// second against it, in 2-D and 6-D measure space, with a brute-force scan for scale.
/// </summary>
public static class ProximityBenchmark
{
    /// <summary>Runs the benchmarks and writes one line per figure to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output, int entries = 100_000)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (int k in new[] { 2, 6 })
            Measure(output, entries, k, Key.Of(11).FoldIn((uint)k));
    }

    static (SolutionBatch, Evaluation) Uniform(Key key, int n, int k)
    {
        var measures = new double[n * k];
        key.Uniform(measures, 0.0, 1.0);
        return (new SolutionBatch(n, 1, new double[n]), new Evaluation(n, 0, k, [], measures));
    }

    static void Measure(TextWriter output, int entries, int k, Key key)
    {
        var low = new double[k];
        var high = new double[k];
        Array.Fill(high, 1.0);
        // Threshold 0 admits every solution, so the archive grows by exactly the batch.
        var archive = ProximityArchive.Create(1, low, high, new ProximityOptions(Neighbours: 15, NoveltyThreshold: 0.0));
        const int Batch = 1_000;
        var clock = Stopwatch.StartNew();
        var one = new Stopwatch();
        double slowest = 0;
        for (uint b = 0; archive.Count < entries; b++)
        {
            var (s, e) = Uniform(key.FoldIn(b), Math.Min(Batch, entries - archive.Count), k);
            one.Restart();
            archive = archive.Add(s, e).Archive;
            slowest = Math.Max(slowest, one.Elapsed.TotalMilliseconds);
        }
        double fill = clock.Elapsed.TotalSeconds;
        output.WriteLine(
            $"proximity archive, {k}-D, k = 15: filled to {archive.Count:N0} entries in batches of {Batch}: {fill:F2} s, "
                + $"{archive.Count / fill:N0} adds/s ({archive.IndexTreeCount} k-d trees; slowest add {slowest:F1} ms, when the trees merge)"
        );

        var (probe, probeEval) = Uniform(key.FoldIn(1u << 30), 36, k);
        int reps = 0;
        clock.Restart();
        while (clock.Elapsed.TotalSeconds < 1.0 || reps < 10)
        {
            archive.Add(probe, probeEval);
            reps++;
        }
        output.WriteLine(
            $"  add a batch of 36 to the {archive.Count:N0}-entry archive: {clock.Elapsed.TotalMilliseconds / reps:F3} ms/add"
        );

        const int Queries = 100_000;
        var (_, queries) = Uniform(key.FoldIn((1u << 30) + 1), Queries, k);
        archive.Novelty(queries.Measures.AsSpan(0, 1_000 * k));
        clock.Restart();
        var novelty = archive.Novelty(queries.Measures);
        double seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(
            $"  novelty (15 nearest) of {Queries:N0} points: {Queries / seconds:N0} queries/s on {Environment.ProcessorCount} cores (mean novelty {novelty.Average():F5})"
        );

        const int BruteQueries = 200;
        var elites = archive.Elites.ToArray();
        var set = new NearestSet(15);
        clock.Restart();
        double sink = 0;
        for (int q = 0; q < BruteQueries; q++)
        {
            var point = queries.MeasuresOf(q);
            set.Reset(15);
            foreach (var elite in elites)
            {
                double d2 = StaticKdTree.SquaredDistance(point, elite.Measures);
                if (d2 <= set.Worst)
                    set.Offer(d2, elite);
            }
            sink += set.SquaredDistances[0];
        }
        output.WriteLine(
            $"  brute force (scan keeping the 15 best) for scale: {BruteQueries / clock.Elapsed.TotalSeconds:N0} queries/s on one core (checksum {sink:F6})"
        );
    }
}
