using System.Runtime.CompilerServices;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

namespace QdFunctional.Core.Archives.Cvt;

/// <summary>
/// Centroids for a CVT archive (CVT-MAP-Elites, Vassiliades, Chatzilygeroudis and Mouret,
/// IEEE TEVC 2018): k-means over points drawn uniformly within the measure bounds
/// approximates a centroidal Voronoi tessellation, whose cells have nearly equal volume,
/// so an archive of any size covers the measure space evenly.
/// </summary>
/// <remarks>
/// Follows pyribs' <c>CVTArchive</c>: uniform samples, Lloyd's algorithm (Lloyd 1982) from
/// <c>cells</c> distinct samples chosen at random, scikit-learn's stopping rule. Everything
/// is a function of the key: the assignment step runs on several threads, but each label is
/// computed on its own and the means are summed in sample order on one thread, so the
/// centroids are bit-for-bit the same on any machine with the same floating point.
/// </remarks>
public static class KMeans
{
    const int ChunkRows = 2048;

    /// <summary>
    /// <paramref name="cells"/> centroids (cells × dimensions, row-major) from k-means over
    /// <c>options.Samples</c> points uniform in [low[j], high[j]) per dimension j. The same key
    /// gives the same centroids. Centroids are means of samples, so they lie within the bounds.
    /// </summary>
    public static double[] Centroids(Key key, int cells, ReadOnlySpan<double> low, ReadOnlySpan<double> high, KMeansOptions? options = null)
    {
        options ??= KMeansOptions.Default;
        if (cells < 1)
            throw new ArgumentOutOfRangeException(nameof(cells), cells, "A CVT archive needs at least one cell.");
        CvtArgs.Bounds(low, high);
        if (options.Samples < cells)
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.Samples,
                $"options.Samples is {options.Samples}; k-means needs at least one sample per cell ({cells})."
            );
        CheckIterations(options.MaxIterations, options.Tolerance);
        int d = low.Length;
        long total = (long)options.Samples * d;
        if (total > Array.MaxLength)
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.Samples,
                $"options.Samples is {options.Samples}: {total} sample coordinates exceed the largest array."
            );
        var (sampleKey, initKey) = key.Split2();
        var samples = new double[total];
        sampleKey.Uniform(samples, low, high);
        return Centroids(initKey, cells, samples, d, options.MaxIterations, options.Tolerance);
    }

    /// <summary>
    /// <paramref name="cells"/> centroids from k-means over given samples (pyribs'
    /// <c>samples=</c> array form), n × <paramref name="dimensions"/> row-major; the key picks
    /// the <paramref name="cells"/> distinct samples that start Lloyd's algorithm.
    /// </summary>
    public static double[] Centroids(
        Key key,
        int cells,
        ReadOnlySpan<double> samples,
        int dimensions,
        int maxIterations = 300,
        double tolerance = 1e-4
    )
    {
        if (cells < 1)
            throw new ArgumentOutOfRangeException(nameof(cells), cells, "A CVT archive needs at least one cell.");
        int n = CvtArgs.Rows(samples, dimensions, nameof(samples));
        if (n < cells)
            throw new ArgumentException($"samples has {n} rows; k-means needs at least one per cell ({cells}).", nameof(samples));
        CheckIterations(maxIterations, tolerance);
        var first = new int[cells];
        key.Choice(n, first);
        var centroids = new double[cells * dimensions];
        for (int c = 0; c < cells; c++)
            samples.Slice(first[c] * dimensions, dimensions).CopyTo(centroids.AsSpan(c * dimensions, dimensions));
        Lloyd(samples, centroids, dimensions, maxIterations, tolerance);
        return centroids;
    }

    /// <summary>
    /// Given centroids (pyribs' <c>custom_centroids</c>), checked and copied: cells ×
    /// <paramref name="dimensions"/> finite values, at least one cell. They need not lie within
    /// any bounds.
    /// </summary>
    public static double[] Given(ReadOnlySpan<double> centroids, int dimensions)
    {
        int cells = CvtArgs.Rows(centroids, dimensions, nameof(centroids));
        if (cells < 1)
            throw new ArgumentException("Given centroids need at least one row.", nameof(centroids));
        return centroids.ToArray();
    }

    /// <summary>
    /// Lloyd's algorithm in place: assigns each sample to its nearest centroid (k-d tree, ties
    /// to the lower index), moves each centroid to the mean of its samples, and repeats until
    /// no label changes, the summed squared movement is at most
    /// <c>tolerance × mean_j Var(samples[:, j])</c>, or <paramref name="maxIterations"/> updates
    /// have run. A centroid left without samples moves to the sample farthest from its own
    /// centroid (scikit-learn's rule; ties to the lower sample index). Returns the updates run.
    /// </summary>
    public static unsafe int Lloyd(
        ReadOnlySpan<double> samples,
        Span<double> centroids,
        int dimensions,
        int maxIterations,
        double tolerance
    )
    {
        int n = CvtArgs.Rows(samples, dimensions, nameof(samples));
        int cells = CvtArgs.Rows(centroids, dimensions, nameof(centroids));
        if (cells < 1)
            throw new ArgumentException("k-means needs at least one centroid.", nameof(centroids));
        if (n < cells)
            throw new ArgumentException($"samples has {n} rows; k-means needs at least one per centroid ({cells}).", nameof(samples));
        CheckIterations(maxIterations, tolerance);
        int d = dimensions;
        double threshold = tolerance * MeanVariance(samples, d);
        var labels = new int[n];
        Array.Fill(labels, -1);
        var sums = new double[cells * d];
        var counts = new int[cells];
        int chunks = (n + ChunkRows - 1) / ChunkRows;
        var changedPerChunk = new int[chunks];
        int updates = 0;
        fixed (double* sp = samples)
        {
            nint address = (nint)sp;
            while (updates < maxIterations)
            {
                var tree = new KdTree(centroids, d);
                // Assignment: each label depends only on its sample and the tree, whichever thread runs it.
                Blocks.For(
                    n,
                    ChunkRows,
                    (start, end) =>
                        changedPerChunk[start / ChunkRows] = Assign(
                            tree,
                            new ReadOnlySpan<double>((double*)address, n * d),
                            d,
                            labels,
                            start,
                            end
                        )
                );
                int changedTotal = 0;
                for (int c = 0; c < chunks; c++)
                    changedTotal += changedPerChunk[c];
                if (changedTotal == 0)
                    break; // The centroids are already the means of these labels.

                double shift = Update(samples, centroids, d, labels, sums, counts, out int empty);
                if (empty > 0)
                    shift += Relocate(samples, centroids, tree, labels, counts, d, empty);
                updates++;
                if (shift <= threshold)
                    break;
            }
        }
        return updates;
    }

    /// <summary>Labels rows [start, end) with their nearest centroid, the old label as the hint; returns how many changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int Assign(KdTree tree, ReadOnlySpan<double> samples, int d, int[] labels, int start, int end)
    {
        int changed = 0;
        for (int i = start; i < end; i++)
        {
            int cell = tree.Search(samples.Slice(i * d, d), labels[i]);
            if (cell != labels[i])
            {
                labels[i] = cell;
                changed++;
            }
        }
        return changed;
    }

    /// <summary>
    /// Moves each centroid that has samples to their mean, summing in sample order on one
    /// thread so the means never depend on scheduling; returns the summed squared movement
    /// and, in <paramref name="empty"/>, how many centroids had no samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static double Update(
        ReadOnlySpan<double> samples,
        Span<double> centroids,
        int d,
        int[] labels,
        double[] sums,
        int[] counts,
        out int empty
    )
    {
        Array.Clear(sums);
        Array.Clear(counts);
        for (int i = 0; i < labels.Length; i++)
        {
            var row = samples.Slice(i * d, d);
            var sum = sums.AsSpan(labels[i] * d, d);
            for (int j = 0; j < d; j++)
                sum[j] += row[j];
            counts[labels[i]]++;
        }
        double shift = 0.0;
        empty = 0;
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] == 0)
            {
                empty++;
                continue;
            }
            var centroid = centroids.Slice(c * d, d);
            for (int j = 0; j < d; j++)
            {
                double mean = sums[c * d + j] / counts[c];
                double move = mean - centroid[j];
                shift += move * move;
                centroid[j] = mean;
            }
        }
        return shift;
    }

    /// <summary>
    /// Moves each empty cluster, in cell order, onto one of the samples farthest from the
    /// centroid they were assigned to (farthest first, ties to the lower sample index), and
    /// returns the squared movement. Rare: only when a centroid's Voronoi cell held no sample.
    /// </summary>
    static double Relocate(ReadOnlySpan<double> samples, Span<double> centroids, KdTree old, int[] labels, int[] counts, int d, int empty)
    {
        int n = labels.Length;
        var distance = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            distance[i] = KdTree.Distance(samples.Slice(i * d, d), old.Centroids.Slice(labels[i] * d, d));
            order[i] = i;
        }
        Array.Sort(order, (a, b) => distance[a] != distance[b] ? distance[b].CompareTo(distance[a]) : a.CompareTo(b));
        double shift = 0.0;
        int next = 0;
        for (int c = 0; c < counts.Length && next < empty; c++)
        {
            if (counts[c] != 0)
                continue;
            var row = samples.Slice(order[next++] * d, d);
            var centroid = centroids.Slice(c * d, d);
            for (int j = 0; j < d; j++)
            {
                double move = row[j] - centroid[j];
                shift += move * move;
                centroid[j] = row[j];
            }
        }
        return shift;
    }

    /// <summary>The mean over dimensions of each dimension's (population) variance: scikit-learn's scale for tol.</summary>
    static double MeanVariance(ReadOnlySpan<double> samples, int d)
    {
        int n = samples.Length / d;
        double total = 0.0;
        for (int j = 0; j < d; j++)
        {
            double mean = 0.0;
            for (int i = 0; i < n; i++)
                mean += samples[i * d + j];
            mean /= n;
            double squares = 0.0;
            for (int i = 0; i < n; i++)
            {
                double t = samples[i * d + j] - mean;
                squares += t * t;
            }
            total += squares / n;
        }
        return total / d;
    }

    static void CheckIterations(int maxIterations, double tolerance)
    {
        if (maxIterations < 0)
            throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "The iteration limit cannot be negative.");
        if (!(tolerance >= 0) || !double.IsFinite(tolerance))
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be finite and >= 0.");
    }
}
