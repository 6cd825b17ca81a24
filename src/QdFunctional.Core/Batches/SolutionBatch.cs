namespace QdFunctional.Core.Batches;

/// <summary>
/// n solutions of dimension d as one row-major block. Batches, not single solutions, are what
/// every part of the library passes around: one call per batch keeps hot loops free of
/// per-solution dispatch. The array is never mutated after construction.
/// </summary>
public sealed class SolutionBatch
{
    readonly double[] values;
    readonly int offset; // where row 0 starts in values: a slice shares its parent's (never mutated) array

    /// <summary>Wraps <paramref name="values"/> (length count × dim) without copying; the caller gives up the array.</summary>
    public SolutionBatch(int count, int dim, double[] values)
    {
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "A batch cannot have a negative count.");
        if (dim < 1)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "Solutions need at least one dimension.");
        ArgumentNullException.ThrowIfNull(values);
        if (values.LongLength != (long)count * dim)
            throw new ArgumentException(
                $"A batch of {count} solutions of dimension {dim} needs {(long)count * dim} values, got {values.Length}.",
                nameof(values)
            );
        Count = count;
        Dim = dim;
        this.values = values;
    }

    SolutionBatch(int count, int dim, double[] values, int offset)
    {
        Count = count;
        Dim = dim;
        this.values = values;
        this.offset = offset;
    }

    /// <summary>
    /// A batch over the first count × dim values of <paramref name="values"/>, which may be longer (an
    /// array rented from a pool). For the iteration loop, which owns the array and takes it back only
    /// after the batch is told, when nothing holds the batch any more.
    /// </summary>
    internal static SolutionBatch OverPrefix(int count, int dim, double[] values)
    {
        if (values.LongLength < (long)count * dim)
            throw new ArgumentException(
                $"A batch of {count} × {dim} needs {(long)count * dim} values, got {values.Length}.",
                nameof(values)
            );
        return new SolutionBatch(count, dim, values, 0);
    }

    /// <summary>n: number of solutions.</summary>
    public int Count { get; }

    /// <summary>d: numbers per solution.</summary>
    public int Dim { get; }

    /// <summary>All values, row-major.</summary>
    public ReadOnlySpan<double> Values => values.AsSpan(offset, Count * Dim);

    /// <summary>Solution <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> Row(int row) => values.AsSpan(offset + row * Dim, Dim);

    /// <summary>Rows [start, start + count) as a new batch that shares this one's storage (nothing is copied:
    /// neither batch is ever mutated).</summary>
    public SolutionBatch Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(
                nameof(start),
                start,
                $"Rows [{start}, {start + count}) are not all in a batch of {Count}."
            );
        return new(count, Dim, values, offset + start * Dim);
    }

    /// <summary>The batches' rows one after another; all must share a dimension.</summary>
    public static SolutionBatch Concat(IReadOnlyList<SolutionBatch> parts)
    {
        if (parts.Count == 0)
            throw new ArgumentException("Concat needs at least one batch.", nameof(parts));
        int dim = parts[0].Dim,
            total = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            if (parts[i].Dim != dim)
                throw new ArgumentException($"Concat: batch {i} has dimension {parts[i].Dim}, batch 0 has {dim}.", nameof(parts));
            total += parts[i].Count;
        }
        if (parts.Count == 1)
            return parts[0];
        var all = GC.AllocateUninitializedArray<double>(checked(total * dim));
        int offset = 0;
        foreach (var p in parts)
        {
            p.Values.CopyTo(all.AsSpan(offset));
            offset += p.Values.Length;
        }
        return new SolutionBatch(total, dim, all);
    }

    /// <summary>Throws when a value is NaN or infinite, naming the row and column.</summary>
    public void EnsureFinite(string what = "solutions")
    {
        var all = Values;
        for (int i = 0; i < all.Length; i++)
            if (!double.IsFinite(all[i]))
                throw new ArgumentException($"{what}: row {i / Dim}, column {i % Dim} is {all[i]}; values must be finite.");
    }
}
