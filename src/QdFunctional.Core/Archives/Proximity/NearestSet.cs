namespace QdFunctional.Core.Archives.Proximity;

/// <summary>
/// The k best candidates seen so far in a nearest-neighbour search, sorted by squared distance
/// and then by insertion index (<see cref="Elite.Index"/>), so the result does not depend on the
/// order in which trees are visited. Scratch owned by one query at a time.
/// </summary>
internal sealed class NearestSet
{
    readonly double[] distances;
    readonly Elite[] elites;

    public NearestSet(int capacity)
    {
        distances = new double[capacity];
        elites = new Elite[capacity];
    }

    /// <summary>How many neighbours are wanted in the current query (at most the capacity).</summary>
    public int Wanted { get; private set; }

    public int Count { get; private set; }

    /// <summary>Squared distance a candidate must beat to enter (infinite until the set is full).</summary>
    public double Worst => Count < Wanted ? double.PositiveInfinity : distances[Count - 1];

    public ReadOnlySpan<double> SquaredDistances => distances.AsSpan(0, Count);

    public Elite this[int i] => elites[i];

    public void Reset(int wanted)
    {
        Wanted = Math.Min(wanted, distances.Length);
        Count = 0;
    }

    public void Offer(double d2, Elite elite)
    {
        if (Count == Wanted && !Before(d2, elite.Index, distances[Count - 1], elites[Count - 1].Index))
            return;
        int at = Count < Wanted ? Count++ : Count - 1;
        while (at > 0 && Before(d2, elite.Index, distances[at - 1], elites[at - 1].Index))
        {
            distances[at] = distances[at - 1];
            elites[at] = elites[at - 1];
            at--;
        }
        distances[at] = d2;
        elites[at] = elite;
    }

    static bool Before(double d2, long index, double otherD2, long otherIndex) => d2 < otherD2 || (d2 == otherD2 && index < otherIndex);
}
