namespace QdFunctional.Core.Archives.Proximity;

/// <summary>
/// Nearest-neighbour search over a growing, immutable set of entries: the logarithmic method
/// (Bentley and Saxe 1980). Entries live in static k-d trees whose sizes at least double from the
/// newest to the oldest; an add builds a tree of the batch and merges it with the newest trees
/// while they are no larger, so each entry is rebuilt O(log n) times over its life and a query
/// visits O(log n) trees. Trees are never changed, so every archive version shares them.
/// Replaced entries stay in their tree until a merge drops them; a query skips them by checking
/// the live <see cref="EntryLog"/>.
/// </summary>
internal sealed class NeighbourIndex
{
    readonly StaticKdTree[] trees;
    readonly int stale;

    NeighbourIndex(int measureDim, StaticKdTree[] trees, int stale)
    {
        MeasureDim = measureDim;
        this.trees = trees;
        this.stale = stale;
    }

    public static NeighbourIndex Empty(int measureDim) => new(measureDim, [], 0);

    public int MeasureDim { get; }

    /// <summary>Number of trees (O(log n)); for tests and benchmarks.</summary>
    public int TreeCount => trees.Length;

    /// <summary>
    /// The index after <paramref name="added"/> entries arrived (appended or replacing others) and
    /// <paramref name="replacedCount"/> older entries became stale; <paramref name="live"/> is the new log.
    /// </summary>
    public NeighbourIndex With(ReadOnlySpan<Elite> added, int replacedCount, EntryLog live)
    {
        if (added.IsEmpty)
            return this;
        int staleNow = stale + replacedCount;
        var block = new List<Elite>(added.Length);
        foreach (var e in added)
            block.Add(e);
        int keep = trees.Length;
        // Too many stale entries: rebuild everything from the live log.
        if (staleNow > live.Count)
        {
            keep = 0;
            block.Clear();
            for (int i = 0; i < live.Count; i++)
                block.Add(live[i]);
            staleNow = 0;
        }
        while (keep > 0 && trees[keep - 1].Count <= block.Count)
        {
            foreach (var e in trees[--keep].Entries)
                if (ReferenceEquals(live[e.Cell], e))
                    block.Add(e);
                else
                    staleNow--;
        }
        var next = new StaticKdTree[keep + 1];
        Array.Copy(trees, next, keep);
        next[keep] = new StaticKdTree(block.ToArray(), MeasureDim);
        return new NeighbourIndex(MeasureDim, next, Math.Max(0, staleNow));
    }

    /// <summary>Fills <paramref name="set"/> with the k nearest live entries to <paramref name="query"/>.</summary>
    public void Nearest(ReadOnlySpan<double> query, int k, NearestSet set, EntryLog live)
    {
        set.Reset(k);
        // Newest trees are small and near recent solutions: searching them first tightens the bound early.
        for (int t = trees.Length - 1; t >= 0; t--)
            trees[t].Search(query, set, live);
    }
}
