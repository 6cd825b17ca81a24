namespace QdFunctional.Core.Tasks;

/// <summary>
/// A task whose solutions live in a box (a controller's genome, say): emitters clip into it, the
/// initial population is drawn uniformly within it, and evolution strategies start at its centre.
/// A robot task also clips what it is given, so an emitter without bounds still gets valid episodes.
/// </summary>
public interface IBoundedTask : ITask
{
    /// <summary>Lowest value of each solution coordinate (d values).</summary>
    double[] SolutionLower { get; }

    /// <summary>Highest value of each solution coordinate (d values).</summary>
    double[] SolutionUpper { get; }
}
