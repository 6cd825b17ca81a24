namespace QdFunctional.Core.Archives;

/// <summary>
/// One MOME cell: its Pareto front (an immutable array shared by every archive version until the
/// cell changes) with figures cached when the front is built, so metrics never rescan fronts.
/// </summary>
internal sealed class MomeCell
{
    public MomeCell(Elite[] front, double hypervolume)
    {
        Front = front;
        Hypervolume = hypervolume;
        Best = front[0];
        BestSum = SumOf(front[0]);
        for (int i = 1; i < front.Length; i++)
        {
            double s = SumOf(front[i]);
            if (s > BestSum || (s == BestSum && front[i].Index < Best.Index))
            {
                Best = front[i];
                BestSum = s;
            }
        }
    }

    /// <summary>The front, stored members first (in their order), then arrivals in batch order.</summary>
    public Elite[] Front { get; }

    /// <summary>Hypervolume of the front w.r.t. the archive's reference point.</summary>
    public double Hypervolume { get; }

    /// <summary>The member with the largest sum of objectives (earliest inserted among equals).</summary>
    public Elite Best { get; }

    /// <summary>Its sum of objectives.</summary>
    public double BestSum { get; }

    public static double SumOf(Elite e)
    {
        double s = 0.0;
        foreach (var v in e.Objectives)
            s += v;
        return s;
    }
}
