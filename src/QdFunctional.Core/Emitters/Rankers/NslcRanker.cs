namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Novelty search with local competition as a ranking (Lehman and Stanley 2011; pyribs'
/// NSLCRanker, <c>nslc</c>): non-dominated sorting over two scores to maximize, the novelty and
/// the local competition (how many of the k nearest entries a solution beats on the objective),
/// and within each front the NSGA-II crowding distance, largest first (Deb et al. 2002), so that
/// both exploring and locally improving solutions lead. Needs a proximity archive with local
/// competition, whose add report carries both scores.
/// </summary>
/// <remarks>
/// Fronts are peeled in order: a solution joins the first front in which nothing left dominates it
/// (at least as good on both scores, better on one). Within a front ties in crowding distance keep
/// batch order. The ranked values are the novelties (the strategy's flat-fitness check).
/// O(n²) per batch, which at CMA-ME's batch sizes (tens) is nothing.
/// </remarks>
public sealed record NslcRanker : IRanker
{
    /// <inheritdoc/>
    public (int[] Indices, double[] Values) Rank(SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        var novelty = report.Novelty;
        var competition = report.LocalCompetition;
        if (novelty is null || competition is null)
            throw new ArgumentException(
                "NslcRanker: the archive reports no novelty and local competition; use a proximity archive with local competition.",
                nameof(report)
            );
        int n = novelty.Length;
        var front = new int[n];
        Array.Fill(front, -1);
        var order = new List<int>(n);
        var members = new List<int>();
        for (int level = 0, placed = 0; placed < n; level++)
        {
            members.Clear();
            for (int i = 0; i < n; i++)
            {
                if (front[i] >= 0)
                    continue;
                bool dominated = false;
                for (int j = 0; j < n && !dominated; j++)
                    dominated = j != i && front[j] < 0 && Dominates(novelty, competition, j, i);
                if (!dominated)
                    members.Add(i);
            }
            foreach (int i in members)
                front[i] = level;
            placed += members.Count;
            order.AddRange(ByCrowding(members, novelty, competition));
        }
        var indices = order.ToArray();
        var values = new double[n];
        for (int r = 0; r < n; r++)
            values[r] = novelty[indices[r]];
        return (indices, values);
    }

    /// <inheritdoc/>
    public IRanker Reset(IArchive archive, Key key) => this;

    static bool Dominates(double[] novelty, int[] competition, int a, int b) =>
        novelty[a] >= novelty[b] && competition[a] >= competition[b] && (novelty[a] > novelty[b] || competition[a] > competition[b]);

    /// <summary>The front's members by crowding distance, largest first (ties in batch order).</summary>
    internal static int[] ByCrowding(List<int> members, double[] novelty, int[] competition)
    {
        int m = members.Count;
        var distance = new double[m];
        if (m > 2)
        {
            AddCrowding(members, i => novelty[i], distance);
            AddCrowding(members, i => competition[i], distance);
        }
        var positions = new int[m];
        for (int p = 0; p < m; p++)
            positions[p] = p;
        // Stable: equal distances keep the order the front was found in (batch order).
        var sorted = positions.OrderByDescending(p => distance[p]).ToArray();
        var result = new int[m];
        for (int p = 0; p < m; p++)
            result[p] = members[sorted[p]];
        return result;
    }

    /// <summary>One score's share of the crowding distance: the ends get +∞, the others the gap between their neighbours over the range.</summary>
    static void AddCrowding(List<int> members, Func<int, double> score, double[] distance)
    {
        int m = members.Count;
        var byScore = Enumerable.Range(0, m).OrderBy(p => score(members[p])).ToArray();
        double low = score(members[byScore[0]]),
            high = score(members[byScore[m - 1]]);
        distance[byScore[0]] = double.PositiveInfinity;
        distance[byScore[m - 1]] = double.PositiveInfinity;
        if (high == low)
            return;
        for (int r = 1; r < m - 1; r++)
            distance[byScore[r]] += (score(members[byScore[r + 1]]) - score(members[byScore[r - 1]])) / (high - low);
    }
}
