namespace QdFunctional.Core.Archives;

/// <summary>
/// Cell → elite storage shared between archive versions: a two-level table of 64-cell chunks
/// grouped 64 to a group (4,096 cells). An add copies the top table (cells / 4,096 references),
/// the groups it touches and the chunks it touches, so a batch costs O(batch × 128 + cells / 4,096)
/// and never a copy of the whole archive, even at millions of cells. The order in which cells were
/// first occupied is kept in an <see cref="OccupiedLog"/> for O(1) sampling.
/// </summary>
internal sealed class EliteStore
{
    internal const int ChunkShift = 6;
    internal const int ChunkSize = 1 << ChunkShift;
    const int GroupShift = ChunkShift + 6;
    const int ChunksPerGroup = 1 << (GroupShift - ChunkShift);

    readonly Elite?[]?[]?[] groups;

    EliteStore(int cellCount, Elite?[]?[]?[] groups, OccupiedLog occupied)
    {
        CellCount = cellCount;
        this.groups = groups;
        Occupied = occupied;
    }

    public static EliteStore Empty(int cellCount) =>
        new(cellCount, new Elite?[]?[]?[(cellCount + (1 << GroupShift) - 1) >> GroupShift], OccupiedLog.Empty);

    public int CellCount { get; }

    /// <summary>Occupied cells in the order they were first filled.</summary>
    public OccupiedLog Occupied { get; }

    public Elite? this[int cell] => groups[cell >> GroupShift]?[(cell >> ChunkShift) & (ChunksPerGroup - 1)]?[cell & (ChunkSize - 1)];

    /// <summary>
    /// A new store with <paramref name="updates"/> written (each cell at most once) and
    /// <paramref name="newCells"/> appended to the occupied log; this store is unchanged.
    /// </summary>
    public EliteStore With(ReadOnlySpan<Elite> updates, ReadOnlySpan<int> newCells)
    {
        if (updates.Length == 0)
            return this;
        var top = (Elite?[]?[]?[])groups.Clone();
        foreach (var elite in updates)
        {
            int g = elite.Cell >> GroupShift,
                c = (elite.Cell >> ChunkShift) & (ChunksPerGroup - 1);
            // A group or chunk is this store's own once it differs from the one it was copied from.
            var oldGroup = groups[g];
            if (top[g] is null || ReferenceEquals(top[g], oldGroup))
                top[g] = oldGroup is not null ? (Elite?[]?[])oldGroup.Clone() : new Elite?[]?[ChunksPerGroup];
            var group = top[g]!;
            var oldChunk = oldGroup?[c];
            if (group[c] is null || ReferenceEquals(group[c], oldChunk))
                group[c] = oldChunk is not null ? (Elite?[])oldChunk.Clone() : new Elite?[ChunkSize];
            group[c]![elite.Cell & (ChunkSize - 1)] = elite;
        }
        return new EliteStore(CellCount, top, Occupied.Append(newCells));
    }

    /// <summary>Elites in cell order.</summary>
    public IEnumerable<Elite> InCellOrder()
    {
        foreach (var group in groups)
            if (group is not null)
                foreach (var chunk in group)
                    if (chunk is not null)
                        foreach (var e in chunk)
                            if (e is not null)
                                yield return e;
    }
}
