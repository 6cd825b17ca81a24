using QdFunctional.Numerics;

namespace QdFunctional.Core.Emitters;

using QdFunctional.Diff;

/// <summary>Operations on the Jacobian blocks (n × (1 + k) × d) gradient emitters receive.</summary>
public static class Gradients
{
    /// <summary>
    /// Divides every gradient (each row of every Jacobian) by its norm plus ε, so steps follow
    /// directions, not magnitudes (the DQD paper's normalized gradients; ε = 1e-8 as in pyribs).
    /// </summary>
    public static double[] Normalized(ReadOnlySpan<double> jacobians, int dim, double epsilon = 1e-8)
    {
        var result = jacobians.ToArray();
        for (int row = 0; row < result.Length / dim; row++)
        {
            var g = result.AsSpan(row * dim, dim);
            double norm = FixedOrder.Norm(g);
            System.Numerics.Tensors.TensorPrimitives.Divide(g, norm + epsilon, g);
        }
        return result;
    }

    /// <summary>Throws unless the evaluation carries Jacobians of the expected shape.</summary>
    public static double[] Require(Batches.Evaluation evaluation, int dim, string who)
    {
        if (evaluation.Jacobians is null)
            throw new ArgumentException(
                $"{who} needs Jacobians: evaluate its gradient points with gradients (a differentiable task, or gradient estimation for a black-box one)."
            );
        if (evaluation.SolutionDim != dim)
            throw new ArgumentException($"{who}: Jacobians are for dimension {evaluation.SolutionDim}, solutions have {dim}.");
        return evaluation.Jacobians;
    }
}
