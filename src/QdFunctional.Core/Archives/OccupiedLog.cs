namespace QdFunctional.Core.Archives;

/// <summary>
/// The cells of an archive in the order they were first occupied: an append-only log whose
/// versions share one buffer. A version sees only its own prefix, so appending in place is safe
/// as long as nobody appended past that prefix before; otherwise the prefix is copied. Uniform
/// sampling of elites draws an index into this log.
/// </summary>
internal sealed class OccupiedLog
{
    sealed class Buffer(int capacity)
    {
        public readonly int[] Items = new int[capacity];
        public int Committed;
    }

    readonly Buffer buffer;

    OccupiedLog(Buffer buffer, int count)
    {
        this.buffer = buffer;
        Count = count;
    }

    /// <summary>A log for at most <paramref name="capacity"/> cells (every cell once).</summary>
    public static OccupiedLog Empty(int capacity) => new(new Buffer(capacity), 0);

    public int Count { get; }

    public int this[int i] => buffer.Items[i];

    public ReadOnlySpan<int> Items => buffer.Items.AsSpan(0, Count);

    public OccupiedLog Append(ReadOnlySpan<int> cells)
    {
        if (cells.IsEmpty)
            return this;
        lock (buffer)
        {
            if (buffer.Committed == Count)
            {
                cells.CopyTo(buffer.Items.AsSpan(Count));
                buffer.Committed = Count + cells.Length;
                return new OccupiedLog(buffer, Count + cells.Length);
            }
        }
        // Another version already appended past our prefix: branch off with a copy.
        var fresh = new Buffer(buffer.Items.Length);
        Items.CopyTo(fresh.Items);
        cells.CopyTo(fresh.Items.AsSpan(Count));
        fresh.Committed = Count + cells.Length;
        return new OccupiedLog(fresh, fresh.Committed);
    }
}
