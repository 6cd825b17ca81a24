namespace QdFunctional.Core.Optimizers;

/// <summary>
/// A first-order optimizer as an immutable value, for the search point of CMA-MEGA
/// (Fontaine and Nikolaidis 2021; pyribs' <c>gradient_ascent</c> and <c>adam</c>). It ascends:
/// a step moves θ along the gradient, since QD objectives are maximized.
/// </summary>
public interface IGradientOptimizer
{
    /// <summary>The next optimizer state and θ after one ascent step along <paramref name="gradient"/>; this state is unchanged.</summary>
    (IGradientOptimizer Optimizer, double[] Theta) Step(ReadOnlySpan<double> theta, ReadOnlySpan<double> gradient);

    /// <summary>The optimizer with its moments and step count cleared (for a restart).</summary>
    IGradientOptimizer Reset();
}
