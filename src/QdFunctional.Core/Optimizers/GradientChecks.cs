namespace QdFunctional.Core.Optimizers;

/// <summary>Argument checks shared by the gradient optimizers.</summary>
static class GradientChecks
{
    /// <summary>Throws unless θ and the gradient are non-empty, equally long (and as long as the moments, if any) and finite.</summary>
    internal static void Step(ReadOnlySpan<double> theta, ReadOnlySpan<double> gradient, int? dimension)
    {
        if (theta.Length == 0)
            throw new ArgumentException("Step: theta is empty.", nameof(theta));
        if (gradient.Length != theta.Length)
            throw new ArgumentException(
                $"Step: the gradient has {gradient.Length} values for {theta.Length} parameters.",
                nameof(gradient)
            );
        if (dimension is int d && d != theta.Length)
            throw new ArgumentException($"Step: theta has {theta.Length} values; the optimizer's moments have {d}.", nameof(theta));
        for (int j = 0; j < theta.Length; j++)
            if (!double.IsFinite(theta[j]) || !double.IsFinite(gradient[j]))
                throw new ArgumentException($"Step: theta[{j}] = {theta[j]}, gradient[{j}] = {gradient[j]}; both must be finite.");
    }
}
