namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;

/// <summary>Sorting by (status, value), descending, with batch order breaking ties.</summary>
internal static class Ranking
{
    /// <summary>Indices sorted by status (when <paramref name="status"/> is given) and then by value, both descending.</summary>
    public static (int[] Indices, double[] Values) Descending(AddStatus[]? status, double[] values)
    {
        int n = values.Length;
        var indices = new int[n];
        for (int i = 0; i < n; i++)
            indices[i] = i;
        Array.Sort(
            indices,
            (a, b) =>
            {
                if (status is not null && status[a] != status[b])
                    return status[b].CompareTo(status[a]);
                int byValue = values[b].CompareTo(values[a]);
                return byValue != 0 ? byValue : a.CompareTo(b);
            }
        );
        var ranked = new double[n];
        for (int i = 0; i < n; i++)
            ranked[i] = values[indices[i]];
        return (indices, ranked);
    }
}
