namespace QdFunctional.Core.Optimizers;

using System.Numerics.Tensors;

/// <summary>
/// Plain gradient ascent, θ' = θ + η ∇f (pyribs' <c>GradientAscentOpt</c>, "gradient_ascent").
/// Stateless, so a step returns the same optimizer.
/// </summary>
public sealed record GradientAscent : IGradientOptimizer
{
    /// <summary>An ascent with step size η = <paramref name="learningRate"/>.</summary>
    public GradientAscent(double learningRate)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learningRate must be finite and > 0.");
        LearningRate = learningRate;
    }

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>θ + η ∇f.</summary>
    public (GradientAscent Optimizer, double[] Theta) Step(ReadOnlySpan<double> theta, ReadOnlySpan<double> gradient)
    {
        GradientChecks.Step(theta, gradient, null);
        var next = new double[theta.Length];
        QdFunctional.Numerics.Unfused.MultiplyAdd(gradient, LearningRate, theta, next);
        return (this, next);
    }

    /// <inheritdoc/>
    (IGradientOptimizer Optimizer, double[] Theta) IGradientOptimizer.Step(ReadOnlySpan<double> theta, ReadOnlySpan<double> gradient) =>
        Step(theta, gradient);

    /// <inheritdoc/>
    public IGradientOptimizer Reset() => this;
}
