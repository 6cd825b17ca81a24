namespace QdFunctional.Diff.Benchmarks;

/// <summary>The planar arm repertoire task of Fontaine &amp; Nikolaidis 2021, differentiable over the population.</summary>
/// <remarks>Follows icaros-usc/dqd experiments/arm (evaluate_grasp): objective = (1 - Var(θ))·100, the
/// population variance of the joint angles remapped from [-1, 0] to [0, 100] (a smooth arm scores high);
/// measures = end-effector position x = Σᵢ Lᵢ·cos(φᵢ), y = Σᵢ Lᵢ·sin(φᵢ) with φ = cumsum(θ).
/// Returns batch × 3: objective, x, y.</remarks>
public static class PlanarArm
{
    /// <summary>The arm with unit links (the DQD paper's setting).</summary>
    /// <remarks>Each measure lies in [-n, n].</remarks>
    public static Tensor Evaluate(Tensor theta)
    {
        ArgumentNullException.ThrowIfNull(theta);
        var phi = Tensor.CumSum(theta);
        return Assemble(theta, Tensor.Sum(Tensor.Cos(phi)), Tensor.Sum(Tensor.Sin(phi)));
    }

    /// <summary>The arm with link lengths L (one per joint).</summary>
    /// <remarks>Each measure lies in [-ΣL, ΣL].</remarks>
    public static Tensor Evaluate(Tensor theta, double[] linkLengths)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(linkLengths);
        if (linkLengths.Length != theta.Cols)
            throw new ArgumentException($"planarArm: {linkLengths.Length} link lengths for {theta.Cols} joints");
        var l = Tensor.FromArray(linkLengths, 1, linkLengths.Length, theta.Dtype);
        var phi = Tensor.CumSum(theta);
        return Assemble(theta, Tensor.Sum(Tensor.Cos(phi) * l), Tensor.Sum(Tensor.Sin(phi) * l));
    }

    /// <summary>The measure bound ΣL: the arm's reach.</summary>
    /// <remarks>Archive ranges are [-ΣL, ΣL] on both measures.</remarks>
    public static double MeasureBound(double[] linkLengths) => linkLengths.Sum();

    private static Tensor Assemble(Tensor theta, Tensor x, Tensor y) => Tensor.Concat((1.0 - Tensor.Variance(theta)) * 100.0, x, y);
}
