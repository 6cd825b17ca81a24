namespace QdFunctional.Core.Archives.Density;

using System.Numerics.Tensors;
using QdFunctional.Numerics;

/// <summary>
/// The Gaussian kernel density estimate Density Descent Search ranks by (Lee et al., GECCO 2024;
/// pyribs' <c>gaussian_kde_measures</c>): for a point m and a buffer b₁ … b_N of measures,
/// KDE(m) = (1 / (N·h)) Σⱼ φ(‖m − bⱼ‖ / h) with φ(u) = e^(−u²/2) / √(2π) and bandwidth h.
/// Zero for an empty buffer. The 1/(N·h) factor is pyribs' (not 1/(N·hᵏ)); it scales every point
/// alike, so rankings do not depend on it.
/// </summary>
/// <remarks>
/// Each point is one pass over the buffer: squared distances into a scratch row (span operations over
/// the buffer's columns), one exponential
/// over the whole row (<see cref="PortableMath.Exp(ReadOnlySpan{double}, Span{double})"/>, the same
/// bits on every CPU), and a <see cref="FixedOrder.Sum(ReadOnlySpan{double})"/>. Points are split
/// among threads; each point's value is computed by one thread in one order, so results never depend
/// on the thread count.
/// </remarks>
public static class KernelDensity
{
    const double InvSqrtTwoPi = 0.3989422804014327;

    /// <summary>
    /// KDE at each of <paramref name="rows"/> points (row-major, <paramref name="dim"/> each) over the
    /// first <paramref name="count"/> rows of <paramref name="buffer"/>, written to <paramref name="density"/>.
    /// </summary>
    public static void Estimate(
        ReadOnlySpan<double> buffer,
        int count,
        int dim,
        ReadOnlySpan<double> points,
        int rows,
        double bandwidth,
        Span<double> density
    )
    {
        if (dim <= 0)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "kde: dim must be positive");
        if (!(bandwidth > 0) || !double.IsFinite(bandwidth))
            throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "kde: bandwidth must be finite and > 0");
        if (count < 0 || buffer.Length < (long)count * dim)
            throw new ArgumentException($"kde: the buffer holds {buffer.Length} values, fewer than {count} rows of {dim}", nameof(buffer));
        if (points.Length != (long)rows * dim || density.Length != rows)
            throw new ArgumentException(
                $"kde: {points.Length} point values and {density.Length} outputs are not {rows} rows of {dim} and {rows}",
                nameof(points)
            );
        if (count == 0)
        {
            density.Clear();
            return;
        }
        double scale = 1.0 / (count * bandwidth) * InvSqrtTwoPi;
        double exponent = -0.5 / (bandwidth * bandwidth);
        // The buffer by columns, so each squared distance is a few whole-span operations.
        var columns = new double[(long)dim * count];
        for (int j = 0; j < count; j++)
        for (int k = 0; k < dim; k++)
            columns[(long)k * count + j] = buffer[j * dim + k];
        // Enough work per thread to pay for the hand-off: split only large products.
        if ((long)rows * count < 200_000 || Environment.ProcessorCount == 1)
        {
            var scratch = new double[2 * count];
            for (int i = 0; i < rows; i++)
                density[i] = scale * Row(columns, count, dim, points.Slice(i * dim, dim), exponent, scratch);
            return;
        }
        var p = points.ToArray();
        var d = new double[rows];
        Parallel.For(
            0,
            rows,
            () => new double[2 * count],
            (i, _, scratch) =>
            {
                d[i] = scale * Row(columns, count, dim, p.AsSpan(i * dim, dim), exponent, scratch);
                return scratch;
            },
            _ => { }
        );
        d.CopyTo(density);
    }

    /// <summary>Σⱼ e^(exponent·‖m − bⱼ‖²) over the buffer (given by columns), in buffer order.</summary>
    /// <remarks>‖m − bⱼ‖² adds the squared differences in measure order, element by element, so every
    /// vector width gives the same bits.</remarks>
    static double Row(double[] columns, int count, int dim, ReadOnlySpan<double> m, double exponent, double[] scratch)
    {
        var s = scratch.AsSpan(0, count);
        var t = scratch.AsSpan(count, count);
        TensorPrimitives.Subtract(columns.AsSpan(0, count), m[0], s);
        TensorPrimitives.Multiply(s, s, s);
        for (int k = 1; k < dim; k++)
        {
            TensorPrimitives.Subtract(columns.AsSpan(k * count, count), m[k], t);
            TensorPrimitives.Multiply(t, t, t);
            TensorPrimitives.Add(s, t, s);
        }
        TensorPrimitives.Multiply(s, exponent, s);
        PortableMath.Exp(s, s);
        return FixedOrder.Sum(s);
    }
}
