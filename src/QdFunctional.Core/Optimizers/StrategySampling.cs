namespace QdFunctional.Core.Optimizers;

using System.Buffers;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

/// <summary>Maps standard normal rows z (rows × n) to samples x = m + σ A z, row by row.</summary>
delegate void BlockTransform(ReadOnlySpan<double> z, Span<double> x, int rows);

/// <summary>
/// Sampling shared by the evolution strategies, with pyribs' bound handling: rows that leave the
/// bounds are redrawn (only those rows) for up to <see cref="EvolutionStrategyOptions.MaxResamples"/>
/// rounds, and whatever still fails is clipped. Row i of round r draws its z from
/// <c>key.FoldIn(r).FoldIn(i)</c>, so a sample depends only on (key, row), never on the batch
/// size or the thread that computes it.
/// </summary>
static class StrategySampling
{
    internal static double[] Sample(int n, int count, Key key, EvolutionStrategyOptions options, BlockTransform transform)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "Ask needs a count of at least 1.");
        var x = new double[(long)count * n];
        // z is scratch from the shared pool: only x leaves.
        var z = ArrayPool<double>.Shared.Rent(count * n);
        try
        {
            Draw(z, count, n, key.FoldIn(0), null);
            transform(z.AsSpan(0, count * n), x, count);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(z);
        }
        if (options.Lower is null || options.Upper is null)
            return x;
        var lower = options.Lower;
        var upper = options.Upper;
        var failing = Failing(x, n, count, lower, upper);
        for (int round = 1; round <= options.MaxResamples && failing.Count > 0; round++)
        {
            int m = failing.Count;
            var zf = new double[(long)m * n];
            var xf = new double[(long)m * n];
            Draw(zf, m, n, key.FoldIn(round), failing);
            transform(zf, xf, m);
            var still = new List<int>();
            for (int r = 0; r < m; r++)
            {
                var row = xf.AsSpan(r * n, n);
                if (InBounds(row, lower, upper))
                    row.CopyTo(x.AsSpan(failing[r] * n, n));
                else
                    still.Add(failing[r]);
            }
            failing = still;
        }
        foreach (int i in failing)
        {
            var row = x.AsSpan(i * n, n);
            for (int j = 0; j < n; j++)
                row[j] = Math.Clamp(row[j], lower[j], upper[j]);
        }
        return x;
    }

    /// <summary>Fills row r &lt; <paramref name="count"/> of <paramref name="z"/> with normals from <c>key.FoldIn(rows?[r] ?? r)</c>.</summary>
    static void Draw(double[] z, int count, int n, Key key, List<int>? rows)
    {
        Blocks.ForRows(
            count,
            n,
            (start, end) =>
            {
                for (int r = start; r < end; r++)
                    key.FoldIn(rows is null ? r : rows[r]).Normal(z.AsSpan(r * n, n));
            }
        );
    }

    static List<int> Failing(double[] x, int n, int count, double[] lower, double[] upper)
    {
        var failing = new List<int>();
        for (int r = 0; r < count; r++)
            if (!InBounds(x.AsSpan(r * n, n), lower, upper))
                failing.Add(r);
        return failing;
    }

    static bool InBounds(ReadOnlySpan<double> row, double[] lower, double[] upper)
    {
        for (int j = 0; j < row.Length; j++)
            if (!(row[j] >= lower[j] && row[j] <= upper[j]))
                return false;
        return true;
    }
}
