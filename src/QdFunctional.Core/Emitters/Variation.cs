namespace QdFunctional.Core.Emitters;

using System.Buffers;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

/// <summary>
/// Variation operators shared by emitters. Each row draws from its own key
/// (<c>key.FoldIn(row)</c>), so results do not depend on how rows are spread over threads.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // row scratch is written before it is read
public static class Variation
{
    /// <summary>The solutions of <paramref name="elites"/> as one n × d block.</summary>
    public static double[] Solutions(IReadOnlyList<Elite> elites, int dim)
    {
        // Every value is overwritten: skip zeroing, which dominates for large-object-heap blocks.
        var block = GC.AllocateUninitializedArray<double>(elites.Count * dim);
        CopySolutions(elites, block, 0, dim);
        return block;
    }

    /// <summary>The solutions of <paramref name="elites"/> written as rows from value <paramref name="start"/> of <paramref name="block"/>.</summary>
    internal static void CopySolutions(IReadOnlyList<Elite> elites, double[] block, int start, int dim)
    {
        for (int i = 0; i < elites.Count; i++)
            elites[i].Solution.CopyTo(block.AsSpan(start + i * dim, dim));
    }

    /// <summary>
    /// <paramref name="rows"/> parents sampled from <paramref name="archive"/> with <paramref name="key"/>
    /// (the draws of <c>archive.Sample(key, rows)</c>), their solutions written as rows from value
    /// <paramref name="start"/> of <paramref name="block"/>; the parents pass through a pooled array.
    /// </summary>
    internal static void CopySampledSolutions(IArchive archive, Key key, int rows, double[] block, int start, int dim)
    {
        var parents = ArrayPool<Elite>.Shared.Rent(rows);
        archive.SampleInto(key, parents.AsSpan(0, rows));
        for (int i = 0; i < rows; i++)
            parents[i].Solution.CopyTo(block.AsSpan(start + i * dim, dim));
        ArrayPool<Elite>.Shared.Return(parents, clearArray: true);
    }

    /// <summary>
    /// Gaussian mutation in place: x ← x + σ N(0, I) (MAP-Elites' operator, Mouret and Clune 2015).
    /// </summary>
    public static void Gaussian(double[] solutions, int dim, double sigma, Key key) =>
        Gaussian(solutions, 0, solutions.Length / dim, dim, sigma, key);

    /// <summary>Gaussian mutation of the <paramref name="rows"/> rows from value <paramref name="first"/> of <paramref name="block"/>; row i draws from <c>key.FoldIn(i)</c>.</summary>
    internal static void Gaussian(double[] block, int first, int rows, int dim, double sigma, Key key)
    {
        Blocks.ForRows(
            rows,
            dim,
            (start, end) =>
            {
                // x + (0 + σ z) in place: the same bits as drawing the noise row and adding it.
                for (int i = start; i < end; i++)
                    key.FoldIn(i).AddNormal(block.AsSpan(first + i * dim, dim), sigma);
            }
        );
    }

    /// <summary>
    /// Iso+LineDD (Vassiliades and Mouret 2018): y = a + σ_iso N(0, I) + σ_line N(0, 1) (b - a)
    /// for parent pairs (a, b), written over <paramref name="a"/>.
    /// </summary>
    public static void IsoLine(double[] a, double[] b, int dim, double sigmaIso, double sigmaLine, Key key)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"IsoLine: {a.Length} and {b.Length} parent values differ.");
        IsoLineRows(a, 0, a.Length / dim, (i, d) => b.AsSpan(i * d, d), dim, sigmaIso, sigmaLine, key);
    }

    /// <summary>
    /// <see cref="IsoLine(double[], double[], int, double, double, Key)"/> with the second parents read
    /// straight from their elites (no block of copies).
    /// </summary>
    internal static void IsoLine(double[] a, Elite[] b, int dim, double sigmaIso, double sigmaLine, Key key)
    {
        if (a.Length != b.Length * dim)
            throw new ArgumentException($"IsoLine: {a.Length / dim} and {b.Length} parents differ.");
        IsoLine(a, 0, b, dim, sigmaIso, sigmaLine, key);
    }

    /// <summary>Iso+LineDD on the rows from value <paramref name="first"/> of <paramref name="a"/>, one per second parent in <paramref name="b"/>.</summary>
    internal static void IsoLine(double[] a, int first, Elite[] b, int dim, double sigmaIso, double sigmaLine, Key key) =>
        IsoLine(a, first, b, b.Length, dim, sigmaIso, sigmaLine, key);

    /// <summary>Iso+LineDD on <paramref name="rows"/> rows from value <paramref name="first"/> of <paramref name="a"/>, the second parents the first <paramref name="rows"/> of <paramref name="b"/> (a pooled array may be longer).</summary>
    internal static void IsoLine(double[] a, int first, Elite[] b, int rows, int dim, double sigmaIso, double sigmaLine, Key key) =>
        IsoLineRows(a, first, rows, (i, _) => b[i].Solution, dim, sigmaIso, sigmaLine, key);

    /// <summary>Row i of the second parents (its <c>dim</c> values).</summary>
    delegate ReadOnlySpan<double> RowOf(int i, int dim);

    static void IsoLineRows(double[] a, int first, int rows, RowOf b, int dim, double sigmaIso, double sigmaLine, Key key)
    {
        Blocks.ForRows(
            rows,
            dim,
            (start, end) =>
            {
                Span<double> noise = dim <= 2048 ? stackalloc double[dim] : new double[dim];
                for (int i = start; i < end; i++)
                {
                    var (kIso, kLine) = key.FoldIn(i).Split2();
                    kIso.Normal(noise, 0.0, sigmaIso);
                    // Value 0 of kLine's normal stream (a one-value Normal draw), without the draw's set-up.
                    double line = 0.0 + sigmaLine * kLine.NormalAt(0);
                    var x = a.AsSpan(first + i * dim, dim);
                    var y = b(i, dim);
                    for (int j = 0; j < dim; j++)
                        x[j] += noise[j] + line * (y[j] - x[j]);
                }
            }
        );
    }

    /// <summary>
    /// Deb's polynomial mutation (Deb and Goyal 1996, the mutation of NSGA-II and of QDax's MOME),
    /// in place: in each row ⌊proportion · d⌋ distinct genes, chosen at random, move by
    /// δ_q (upper − lower), where δ_q follows a polynomial law of index η that never leaves the
    /// bounds: with u ~ U(0, 1), δ1 = (x − lower)/(upper − lower), δ2 = (upper − x)/(upper − lower),
    /// δ_q = (2u + (1 − 2u)(1 − δ1)^(η+1))^(1/(η+1)) − 1 when u &lt; 1/2, else
    /// 1 − (2(1 − u) + 2(u − 1/2)(1 − δ2)^(η+1))^(1/(η+1)). Large η keeps children near their parents.
    /// </summary>
    public static void PolynomialMutation(double[] solutions, int dim, double eta, double proportion, EmitterBounds bounds, Key key)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        int genes = (int)Math.Floor(proportion * dim);
        if (genes == 0)
            return;
        int n = solutions.Length / dim;
        double power = 1.0 / (eta + 1.0);
        Blocks.ForRows(
            n,
            dim,
            (start, end) =>
            {
                Span<int> positions = genes <= 1024 ? stackalloc int[genes] : new int[genes];
                Span<double> u = genes <= 1024 ? stackalloc double[genes] : new double[genes];
                for (int i = start; i < end; i++)
                {
                    var (kPositions, kSteps) = key.FoldIn(i).Split2();
                    kPositions.Choice(dim, positions);
                    kSteps.Uniform(u);
                    var x = solutions.AsSpan(i * dim, dim);
                    for (int g = 0; g < genes; g++)
                    {
                        int j = positions[g];
                        double low = bounds.Lower[j],
                            width = bounds.Upper[j] - low,
                            v = Math.Clamp(x[j], low, bounds.Upper[j]);
                        double step;
                        if (u[g] < 0.5)
                        {
                            double d1 = (v - low) / width;
                            step = PortableMath.Pow(2 * u[g] + (1 - 2 * u[g]) * PortableMath.Pow(1 - d1, eta + 1), power) - 1;
                        }
                        else
                        {
                            double d2 = (bounds.Upper[j] - v) / width;
                            step = 1 - PortableMath.Pow(2 * (1 - u[g]) + 2 * (u[g] - 0.5) * PortableMath.Pow(1 - d2, eta + 1), power);
                        }
                        x[j] = Math.Clamp(v + step * width, low, bounds.Upper[j]);
                    }
                }
            }
        );
    }

    /// <summary>Clips each row into [lower, upper] (per dimension), as pyribs does for bounded emitters.</summary>
    public static void Clip(Span<double> solutions, int dim, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        for (int i = 0; i < solutions.Length; i++)
        {
            int j = i % dim;
            solutions[i] = Math.Clamp(solutions[i], lower[j], upper[j]);
        }
    }

    /// <summary>n rows, each x0 (the starting point of an emitter on an empty archive).</summary>
    public static double[] Repeat(ReadOnlySpan<double> x0, int n)
    {
        var block = GC.AllocateUninitializedArray<double>(n * x0.Length);
        for (int i = 0; i < n; i++)
            x0.CopyTo(block.AsSpan(i * x0.Length));
        return block;
    }
}
