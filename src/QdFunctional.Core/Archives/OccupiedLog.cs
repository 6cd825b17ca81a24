namespace QdFunctional.Core.Archives;

/// <summary>
/// The cells of an archive in the order they were first occupied: an append-only log stored in
/// 1,024-entry chunks that versions share. Appending copies the chunk table and the last,
/// partly filled chunk only, so every version, including a branch taken from an old one, costs
/// O(cells / 1,024 + 1,024 + appended). Uniform sampling of elites draws an index into this log.
/// </summary>
internal sealed class OccupiedLog
{
    const int ChunkShift = 10;
    const int ChunkSize = 1 << ChunkShift;

    readonly int[][] chunks;

    OccupiedLog(int[][] chunks, int count)
    {
        this.chunks = chunks;
        Count = count;
    }

    /// <summary>An empty log.</summary>
    public static OccupiedLog Empty { get; } = new([], 0);

    public int Count { get; }

    public int this[int i] => chunks[i >> ChunkShift][i & (ChunkSize - 1)];

    /// <summary>The entries in order (copied; for checkpoints and tests).</summary>
    public int[] ToArray()
    {
        var all = new int[Count];
        for (int i = 0; i < Count; i++)
            all[i] = this[i];
        return all;
    }

    public OccupiedLog Append(ReadOnlySpan<int> cells)
    {
        if (cells.IsEmpty)
            return this;
        int count = Count + cells.Length;
        var table = new int[(count + ChunkSize - 1) >> ChunkShift][];
        int full = Count >> ChunkShift;
        Array.Copy(chunks, table, full);
        // The last partial chunk may be shared with another version: copy it before writing.
        if ((Count & (ChunkSize - 1)) != 0)
            table[full] = (int[])chunks[full].Clone();
        for (int c = full; c < table.Length; c++)
            table[c] ??= new int[ChunkSize];
        for (int i = 0; i < cells.Length; i++)
        {
            int at = Count + i;
            table[at >> ChunkShift][at & (ChunkSize - 1)] = cells[i];
        }
        return new OccupiedLog(table, count);
    }
}
