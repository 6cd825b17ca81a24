namespace QdFunctional.Core.Archives;

/// <summary>Settings of a <see cref="SlidingBoundariesArchive"/>, with pyribs' defaults.</summary>
/// <param name="RemapFrequency">The boundaries move after every this many solutions offered to the archive (added or not).</param>
/// <param name="BufferCapacity">How many of the most recent solutions the buffer keeps: their measures place the boundaries, and they are inserted again when the boundaries move.</param>
/// <param name="Epsilon">Added to a measure before its cell is looked up (pyribs' epsilon), so a value on a boundary falls in the cell above it.</param>
/// <param name="QdOffset">Subtracted from every objective in the QD score.</param>
/// <param name="ExtraFields">Names of extra per-solution values to keep with each elite.</param>
public sealed record SlidingBoundariesOptions(
    int RemapFrequency = 100,
    int BufferCapacity = 1000,
    double Epsilon = 1e-6,
    double QdOffset = 0.0,
    string[]? ExtraFields = null
)
{
    internal void Validate()
    {
        if (RemapFrequency < 1)
            throw new ArgumentException($"RemapFrequency must be at least 1, got {RemapFrequency}.");
        if (BufferCapacity < 1)
            throw new ArgumentException($"BufferCapacity must be at least 1, got {BufferCapacity}.");
        if (!(Epsilon >= 0) || !double.IsFinite(Epsilon))
            throw new ArgumentException($"Epsilon must be finite and non-negative, got {Epsilon}.");
        if (!double.IsFinite(QdOffset))
            throw new ArgumentException($"QdOffset must be finite, got {QdOffset}.");
        var seen = new HashSet<string>();
        foreach (var name in ExtraFields ?? [])
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
                throw new ArgumentException($"Extra field names must be non-empty and distinct; '{name}' is not.");
    }
}
