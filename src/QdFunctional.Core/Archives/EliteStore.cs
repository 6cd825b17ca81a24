namespace QdFunctional.Core.Archives;

/// <summary>
/// Cell → elite storage shared between archive versions. Cells are grouped in chunks of 64
/// references; an add copies the top-level chunk table and only the chunks it touches, so a
/// batch costs O(batch + cells / 64) and never a copy of the whole archive. The order in
/// which cells were first occupied is kept in an <see cref="OccupiedLog"/> for O(1) sampling.
/// </summary>
internal sealed class EliteStore
{
    internal const int ChunkShift = 6;
    internal const int ChunkSize = 1 << ChunkShift;

    readonly Elite?[]?[] chunks;

    EliteStore(int cellCount, Elite?[]?[] chunks, OccupiedLog occupied)
    {
        CellCount = cellCount;
        this.chunks = chunks;
        Occupied = occupied;
    }

    public static EliteStore Empty(int cellCount) =>
        new(cellCount, new Elite?[]?[(cellCount + ChunkSize - 1) >> ChunkShift], OccupiedLog.Empty(cellCount));

    public int CellCount { get; }

    /// <summary>Occupied cells in the order they were first filled.</summary>
    public OccupiedLog Occupied { get; }

    public Elite? this[int cell] => chunks[cell >> ChunkShift]?[cell & (ChunkSize - 1)];

    /// <summary>
    /// A new store with <paramref name="updates"/> written (each cell at most once) and
    /// <paramref name="newCells"/> appended to the occupied log; this store is unchanged.
    /// </summary>
    public EliteStore With(ReadOnlySpan<Elite> updates, ReadOnlySpan<int> newCells)
    {
        if (updates.Length == 0)
            return this;
        var table = (Elite?[]?[])chunks.Clone();
        Span<bool> copied = chunks.Length <= 4096 ? stackalloc bool[chunks.Length] : new bool[chunks.Length];
        foreach (var elite in updates)
        {
            int c = elite.Cell >> ChunkShift;
            if (!copied[c])
            {
                table[c] = chunks[c] is { } old ? (Elite?[])old.Clone() : new Elite?[ChunkSize];
                copied[c] = true;
            }
            table[c]![elite.Cell & (ChunkSize - 1)] = elite;
        }
        return new EliteStore(CellCount, table, Occupied.Append(newCells));
    }

    /// <summary>Elites in cell order.</summary>
    public IEnumerable<Elite> InCellOrder()
    {
        foreach (var chunk in chunks)
            if (chunk is not null)
                foreach (var e in chunk)
                    if (e is not null)
                        yield return e;
    }
}
