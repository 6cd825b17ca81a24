namespace QdFunctional.Core.Archives.Density;

using QdFunctional.Numerics;

/// <summary>
/// A uniform sample of at most <see cref="Capacity"/> rows from a stream of measure vectors, kept by
/// reservoir sampling with Li's Algorithm L (Li 1994, "Reservoir-sampling algorithms of time complexity
/// O(n(1 + log(N/n)))"), the buffer pyribs' DensityArchive keeps for Density Descent Search.
/// </summary>
/// <remarks>
/// Algorithm L: the first k rows fill the buffer; then W = U^(1/k), the stream skips
/// ⌊ln U / ln(1 − W)⌋ rows, the next row replaces a uniformly chosen slot, W ← W·U^(1/k), and so on
/// (each U a fresh uniform in (0, 1)). Every uniform is word <see cref="Draws"/> of the Threefry stream
/// of the reservoir's key, so the buffer is a pure function of the key and the rows offered, and a
/// checkpoint of (buffer, W, next replacement, draws) resumes bit for bit. Immutable: an offer that
/// changes the buffer copies it (10,000 × 2 values, far less than one density estimate costs).
/// pyribs' loop indexes the rows left in a batch from the batch's remainder rather than from the
/// row after the last one replaced; this one follows Li's algorithm as published.
/// </remarks>
public sealed class Reservoir
{
    readonly double[] buffer;

    Reservoir(int capacity, int dim, uint k0, uint k1, double[] buffer, int count, long seen, double w, long next, ulong draws)
    {
        Capacity = capacity;
        Dim = dim;
        K0 = k0;
        K1 = k1;
        this.buffer = buffer;
        Count = count;
        Seen = seen;
        W = w;
        NextReplacement = next;
        Draws = draws;
    }

    /// <summary>An empty reservoir of <paramref name="capacity"/> rows of <paramref name="dim"/> values, drawing from the key (k0, k1).</summary>
    public static Reservoir Create(int capacity, int dim, uint k0, uint k1)
    {
        if (capacity <= 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "reservoir: capacity must be positive");
        if (dim <= 0)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "reservoir: dim must be positive");
        var r = new Reservoir(capacity, dim, k0, k1, new double[(long)capacity * dim], 0, 0, 0, 0, 0);
        ulong draws = 0;
        double w = PortableMath.Exp(PortableMath.Log(r.Uniform(ref draws)) / capacity);
        long next = capacity + r.Skip(w, ref draws);
        return new Reservoir(capacity, dim, k0, k1, r.buffer, 0, 0, w, next, draws);
    }

    /// <summary>The restored reservoir of a checkpoint (values copied and checked).</summary>
    public static Reservoir Restore(
        int capacity,
        int dim,
        uint k0,
        uint k1,
        ReadOnlySpan<double> rows,
        long seen,
        double w,
        long nextReplacement,
        ulong draws
    )
    {
        if (capacity <= 0 || dim <= 0 || rows.Length % dim != 0 || rows.Length / dim > capacity)
            throw new ArgumentException($"reservoir: {rows.Length} values are not at most {capacity} rows of {dim}");
        if (seen < rows.Length / dim || !(w > 0 && w < 1) || nextReplacement < capacity)
            throw new ArgumentException($"reservoir: inconsistent state (seen {seen}, W {w}, next {nextReplacement})");
        var buffer = new double[(long)capacity * dim];
        rows.CopyTo(buffer);
        return new Reservoir(capacity, dim, k0, k1, buffer, rows.Length / dim, seen, w, nextReplacement, draws);
    }

    /// <summary>k: the most rows kept.</summary>
    public int Capacity { get; }

    /// <summary>Values per row.</summary>
    public int Dim { get; }

    /// <summary>The key's first word.</summary>
    public uint K0 { get; }

    /// <summary>The key's second word.</summary>
    public uint K1 { get; }

    /// <summary>Rows held (≤ capacity).</summary>
    public int Count { get; }

    /// <summary>Rows offered so far.</summary>
    public long Seen { get; }

    /// <summary>Algorithm L's W.</summary>
    public double W { get; }

    /// <summary>The stream position (0-based) of the next row that replaces a slot.</summary>
    public long NextReplacement { get; }

    /// <summary>Uniforms drawn so far (the next one is word Draws of the key's stream).</summary>
    public ulong Draws { get; }

    /// <summary>The rows held, row-major.</summary>
    public ReadOnlySpan<double> Rows => buffer.AsSpan(0, Count * Dim);

    /// <summary>The reservoir after offering <paramref name="rows"/> rows of measures (row-major), in order.</summary>
    public Reservoir Offer(ReadOnlySpan<double> measures, int rows)
    {
        if (measures.Length != (long)rows * Dim)
            throw new ArgumentException($"reservoir: {measures.Length} values are not {rows} rows of {Dim}", nameof(measures));
        long seen = Seen;
        int count = Count;
        double w = W;
        long next = NextReplacement;
        ulong draws = Draws;
        double[]? copy = null;
        for (int i = 0; i < rows; i++, seen++)
        {
            int slot;
            if (count < Capacity)
                slot = count++;
            else if (seen == next)
            {
                slot = (int)Math.Min(Capacity - 1, Math.Floor(Uniform(ref draws) * Capacity));
                w *= PortableMath.Exp(PortableMath.Log(Uniform(ref draws)) / Capacity);
                next = seen + 1 + Skip(w, ref draws);
            }
            else
                continue;
            copy ??= (double[])buffer.Clone();
            measures.Slice(i * Dim, Dim).CopyTo(copy.AsSpan(slot * Dim, Dim));
        }
        return new Reservoir(Capacity, Dim, K0, K1, copy ?? buffer, count, seen, w, next, draws);
    }

    /// <summary>A uniform in (0, 1): word <paramref name="draws"/> of the key's stream, top 53 bits, offset by half a step.</summary>
    double Uniform(ref ulong draws)
    {
        var (hi, lo) = Threefry.Hash(K0, K1, (uint)(draws >> 32), (uint)draws);
        draws++;
        ulong word = ((ulong)hi << 32) | lo;
        return ((word >> 11) + 0.5) * (1.0 / (1UL << 53));
    }

    /// <summary>⌊ln U / ln(1 − W)⌋, capped so positions never overflow.</summary>
    long Skip(double w, ref ulong draws)
    {
        double skip = Math.Floor(PortableMath.Log(Uniform(ref draws)) / PortableMath.Log(1 - w));
        return skip >= 1e15 || double.IsNaN(skip) ? (long)1e15 : (long)skip;
    }
}
