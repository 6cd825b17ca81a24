namespace QdFunctional.Core.Batches;

/// <summary>
/// n solutions of dimension d as one row-major block. Batches, not single solutions, are what
/// every part of the library passes around: one call per batch keeps hot loops free of
/// per-solution dispatch. The array is never mutated after construction.
/// </summary>
public sealed class SolutionBatch
{
    readonly double[] values;

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

    /// <summary>n: number of solutions.</summary>
    public int Count { get; }

    /// <summary>d: numbers per solution.</summary>
    public int Dim { get; }

    /// <summary>All values, row-major.</summary>
    public ReadOnlySpan<double> Values => values;

    /// <summary>Solution <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> Row(int row) => values.AsSpan(row * Dim, Dim);

    /// <summary>Rows [start, start + count) as a new batch (copied).</summary>
    public SolutionBatch Slice(int start, int count) => new(count, Dim, values.AsSpan(start * Dim, count * Dim).ToArray());

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
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"{what}: row {i / Dim}, column {i % Dim} is {values[i]}; values must be finite.");
    }
}
