namespace QdFunctional.Core.Optimizers;

using System.Numerics.Tensors;

/// <summary>The selection step both strategies share: the parents' steps and their weighted mean.</summary>
static class Recombination
{
    /// <summary>
    /// yᵢ = (x_{rank i} − m)/σ for the μ best rows (μ × n, best first) and
    /// y_w = Σ wᵢ yᵢ, the step of the mean in units of σ: m' = m + σ y_w (tutorial eq. 9 with c_m = 1).
    /// </summary>
    internal static (double[] Steps, double[] MeanStep) Parents(
        int n,
        ReadOnlySpan<double> solutions,
        int[] ranking,
        ReadOnlySpan<double> weights,
        ReadOnlySpan<double> mean,
        double sigma
    )
    {
        int mu = weights.Length;
        var steps = new double[(long)mu * n];
        var meanStep = new double[n];
        for (int p = 0; p < mu; p++)
        {
            var y = steps.AsSpan(p * n, n);
            TensorPrimitives.Subtract(solutions.Slice(ranking[p] * n, n), mean, y);
            TensorPrimitives.Multiply(y, 1.0 / sigma, y);
            QdFunctional.Numerics.Unfused.MultiplyAdd(y, weights[p], meanStep, meanStep);
        }
        return (steps, meanStep);
    }
}
