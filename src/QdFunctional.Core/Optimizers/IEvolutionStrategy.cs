namespace QdFunctional.Core.Optimizers;

using QdFunctional.Core.Random;

/// <summary>
/// An evolution strategy as an immutable value: <see cref="Ask"/> samples from the current
/// distribution and <see cref="Tell"/> returns the next state, so CMA-ME, CMA-MEGA and friends
/// can pick full or separable CMA-ES by a setting, checkpoint it, or replay it. The strategy
/// never sees objectives: the emitter ranks the solutions (by improvement, by objective, …)
/// and passes the ranking, as in pyribs' <c>tell(ranking_indices, num_parents)</c>.
/// </summary>
public interface IEvolutionStrategy
{
    /// <summary>n: solution dimension.</summary>
    int Dimension { get; }

    /// <summary>λ: solutions per <see cref="Ask"/> unless a count is given.</summary>
    int BatchSize { get; }

    /// <summary>m: the distribution's mean.</summary>
    ReadOnlySpan<double> Mean { get; }

    /// <summary>σ: the overall step size.</summary>
    double Sigma { get; }

    /// <summary>Tells so far.</summary>
    int Generation { get; }

    /// <summary>Solutions told so far.</summary>
    long Evaluations { get; }

    /// <summary>
    /// <paramref name="count"/> (default λ) samples as a count × n row-major block; every draw
    /// comes from <paramref name="key"/>, so the same key gives the same block.
    /// </summary>
    double[] Ask(Key key, int? count = null);

    /// <summary>
    /// The next state from <paramref name="solutions"/> (count × n, row-major) ranked best first
    /// by <paramref name="rankingIndices"/>; the first <paramref name="numParents"/> are recombined.
    /// This state is unchanged.
    /// </summary>
    IEvolutionStrategy Tell(ReadOnlySpan<double> solutions, int[] rankingIndices, int numParents);

    /// <summary>
    /// Whether to restart: the covariance is ill-conditioned, the distribution has collapsed, or
    /// <paramref name="rankingValues"/> (the told solutions' values, best first) are flat.
    /// </summary>
    StopReason CheckStop(ReadOnlySpan<double> rankingValues);

    /// <summary>A fresh strategy around <paramref name="x0"/> with the initial σ, λ and options.</summary>
    IEvolutionStrategy Reset(ReadOnlySpan<double> x0);
}
