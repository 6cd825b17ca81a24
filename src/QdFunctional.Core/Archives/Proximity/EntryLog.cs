namespace QdFunctional.Core.Archives.Proximity;

/// <summary>
/// The entries of a proximity archive by slot (0, 1, 2, ... in order of arrival): a persistent
/// vector of 1,024-entry chunks that archive versions share. Appending copies the chunk table
/// and the last chunk; replacing an entry copies its chunk; so one batch costs
/// O(entries / 1,024 + 1,024 × touched chunks), never a copy of the whole archive.
/// </summary>
internal sealed class EntryLog
{
    const int ChunkShift = 10;
    const int ChunkSize = 1 << ChunkShift;

    readonly Elite[][] chunks;

    EntryLog(Elite[][] chunks, int count)
    {
        this.chunks = chunks;
        Count = count;
    }

    public static EntryLog Empty { get; } = new([], 0);

    public int Count { get; }

    public Elite this[int slot] => chunks[slot >> ChunkShift][slot & (ChunkSize - 1)];

    /// <summary>
    /// A new log with <paramref name="replaced"/> written over their slots (each elite's
    /// <see cref="Elite.Cell"/> is its slot) and <paramref name="appended"/> added at the end,
    /// their cells numbered from <see cref="Count"/> on. This log is unchanged.
    /// </summary>
    public EntryLog With(ReadOnlySpan<Elite> replaced, ReadOnlySpan<Elite> appended)
    {
        if (replaced.IsEmpty && appended.IsEmpty)
            return this;
        int count = Count + appended.Length;
        var table = new Elite[(count + ChunkSize - 1) >> ChunkShift][];
        Array.Copy(chunks, table, chunks.Length);
        var copied = new HashSet<int>();
        foreach (var e in replaced)
            Write(table, copied, e.Cell, e);
        for (int i = 0; i < appended.Length; i++)
            Write(table, copied, Count + i, appended[i]);
        return new EntryLog(table, count);
    }

    void Write(Elite[][] table, HashSet<int> copied, int slot, Elite elite)
    {
        int c = slot >> ChunkShift;
        if (copied.Add(c))
            table[c] = c < chunks.Length ? (Elite[])chunks[c].Clone() : new Elite[ChunkSize];
        table[c][slot & (ChunkSize - 1)] = elite;
    }
}
