using QdFunctional.Numerics;

namespace QdFunctional.Core.Emitters.Rankers;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;
using QdFunctional.Diff;

/// <summary>
/// CMA-ME's random direction ranking (Fontaine et al. 2020): solutions that were added to the
/// archive first, then the rest, each group by how far its measures project onto a direction in
/// measure space drawn from N(0, I) at every restart. It pushes the strategy across measure space
/// instead of up the objective. <see cref="Stages"/> picks pyribs' readings instead: new, improved
/// and not added as three groups (2rd), or the projection alone (pyribs' rd).
/// </summary>
/// <remarks>
/// pyribs scales its direction by the archive's side lengths; this one is isotropic in measure
/// units, which ranks alike when every measure has the same range (the LP tasks' square box).
/// </remarks>
public sealed record RandomDirectionRanker : IRanker
{
    /// <summary>A ranker along <paramref name="direction"/> (k values), or a direction to be drawn on the first reset.</summary>
    public RandomDirectionRanker(double[]? direction = null, DirectionStages stages = DirectionStages.AddedFirst)
    {
        Direction = direction;
        Stages = stages;
    }

    /// <summary>The current direction, or null until the first reset.</summary>
    public double[]? Direction { get; }

    /// <summary>What ranks before the projection.</summary>
    public DirectionStages Stages { get; }

    /// <inheritdoc/>
    public (int[] Indices, double[] Values) Rank(SolutionBatch solutions, Evaluation evaluation, AddReport report)
    {
        if (Direction is null)
            throw new InvalidOperationException("RandomDirectionRanker: reset it (draw a direction) before ranking.");
        int n = evaluation.Count,
            k = evaluation.MeasureDim;
        if (Direction.Length != k)
            throw new ArgumentException($"RandomDirectionRanker: direction has {Direction.Length} values, measures have {k}.");
        var projections = new double[n];
        for (int i = 0; i < n; i++)
            projections[i] = FixedOrder.Dot(evaluation.MeasuresOf(i), Direction);
        switch (Stages)
        {
            case DirectionStages.StatusFirst:
                return Ranking.Descending(report.Status, projections);
            case DirectionStages.ProjectionOnly:
                return Ranking.Descending(null, projections);
        }
        var added = new AddStatus[n];
        for (int i = 0; i < n; i++)
            added[i] = report.Status[i] == AddStatus.NotAdded ? AddStatus.NotAdded : AddStatus.Improved;
        return Ranking.Descending(added, projections);
    }

    /// <inheritdoc/>
    public IRanker Reset(IArchive archive, Key key)
    {
        var direction = new double[archive.MeasureDim];
        key.Normal(direction);
        return new RandomDirectionRanker(direction, Stages);
    }
}
