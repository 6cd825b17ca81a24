namespace QdFunctional.Core.Archives;

/// <summary>
/// Cell → <see cref="MomeCell"/> storage shared between MOME archive versions, the sibling of
/// <see cref="EliteStore"/>: cells in chunks of 64; an add copies the chunk table and only the
/// chunks it touches. The order in which cells were first occupied is kept for O(1) sampling.
/// </summary>
internal sealed class FrontStore
{
    const int ChunkShift = EliteStore.ChunkShift;
    const int ChunkSize = EliteStore.ChunkSize;

    readonly MomeCell?[]?[] chunks;

    FrontStore(int cellCount, MomeCell?[]?[] chunks, OccupiedLog occupied)
    {
        CellCount = cellCount;
        this.chunks = chunks;
        Occupied = occupied;
    }

    public static FrontStore Empty(int cellCount) =>
        new(cellCount, new MomeCell?[]?[(cellCount + ChunkSize - 1) >> ChunkShift], OccupiedLog.Empty);

    public int CellCount { get; }

    /// <summary>Occupied cells in the order they were first filled.</summary>
    public OccupiedLog Occupied { get; }

    public MomeCell? this[int cell] => chunks[cell >> ChunkShift]?[cell & (ChunkSize - 1)];

    /// <summary>
    /// A new store with each <paramref name="cells"/>[i] set to <paramref name="updates"/>[i] (each
    /// cell at most once) and <paramref name="newCells"/> appended to the occupied
    /// log; this store is unchanged.
    /// </summary>
    public FrontStore With(ReadOnlySpan<int> cells, ReadOnlySpan<MomeCell> updates, ReadOnlySpan<int> newCells)
    {
        if (cells.Length == 0)
            return this;
        var table = (MomeCell?[]?[])chunks.Clone();
        Span<bool> copied = chunks.Length <= 4096 ? stackalloc bool[chunks.Length] : new bool[chunks.Length];
        for (int u = 0; u < cells.Length; u++)
        {
            int c = cells[u] >> ChunkShift;
            if (!copied[c])
            {
                table[c] = chunks[c] is { } old ? (MomeCell?[])old.Clone() : new MomeCell?[ChunkSize];
                copied[c] = true;
            }
            table[c]![cells[u] & (ChunkSize - 1)] = updates[u];
        }
        return new FrontStore(CellCount, table, Occupied.Append(newCells));
    }

    /// <summary>Occupied cells in cell order.</summary>
    public IEnumerable<MomeCell> InCellOrder()
    {
        foreach (var chunk in chunks)
            if (chunk is not null)
                foreach (var c in chunk)
                    if (c is not null)
                        yield return c;
    }
}
