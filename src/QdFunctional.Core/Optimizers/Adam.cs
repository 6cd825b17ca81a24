namespace QdFunctional.Core.Optimizers;

using System.Numerics.Tensors;
using QdFunctional.Numerics;

/// <summary>
/// Adam (Kingma and Ba 2015) for ascent, as pyribs' <c>AdamOpt</c> ("adam") that CMA-MEGA uses
/// for its search point. With t the step number (from 1):
/// m_t = β₁ m_{t−1} + (1 − β₁) g, v_t = β₂ v_{t−1} + (1 − β₂) g²,
/// θ_t = θ_{t−1} + α_t m_t / (√v_t + ε) with α_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)
/// (the paper's reordering of the bias corrections, end of its section 2).
/// The moments take the dimension of the first gradient.
/// </summary>
public sealed class Adam : IGradientOptimizer
{
    readonly double[]? m,
        v;

    /// <summary>Adam with step size η and the paper's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public Adam(double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
        : this(learningRate, beta1, beta2, epsilon, null, null, 0) { }

    /// <summary>The same settings as <paramref name="template"/> with saved moments and step count (checkpoints).</summary>
    internal static Adam Restore(Adam template, double[]? m, double[]? v, int t) =>
        new(template.LearningRate, template.Beta1, template.Beta2, template.Epsilon, m, v, t);

    Adam(double learningRate, double beta1, double beta2, double epsilon, double[]? m, double[]? v, int t)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learningRate must be finite and > 0.");
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be finite and > 0.");
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        this.m = m;
        this.v = v;
        StepCount = t;
    }

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>β₁: decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>β₂: decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>ε: keeps the division finite.</summary>
    public double Epsilon { get; }

    /// <summary>t: steps taken.</summary>
    public int StepCount { get; }

    /// <summary>m: the first-moment estimate (empty before the first step).</summary>
    public ReadOnlySpan<double> FirstMoment => m;

    /// <summary>v: the second-moment estimate (empty before the first step).</summary>
    public ReadOnlySpan<double> SecondMoment => v;

    /// <summary>One ascent step; see the class summary for the formula.</summary>
    public (Adam Optimizer, double[] Theta) Step(ReadOnlySpan<double> theta, ReadOnlySpan<double> gradient)
    {
        GradientChecks.Step(theta, gradient, m?.Length);
        int n = theta.Length;
        int t = StepCount + 1;
        var newM = new double[n];
        var newV = new double[n];
        var square = new double[n];
        TensorPrimitives.Multiply(gradient, 1 - Beta1, newM);
        TensorPrimitives.Multiply(gradient, gradient, square);
        TensorPrimitives.Multiply(square, 1 - Beta2, newV);
        if (m is not null && v is not null)
        {
            QdFunctional.Numerics.Unfused.MultiplyAdd(m, Beta1, newM, newM);
            QdFunctional.Numerics.Unfused.MultiplyAdd(v, Beta2, newV, newV);
        }
        double alpha = LearningRate * Math.Sqrt(1 - PortableMath.Pow(Beta2, t)) / (1 - PortableMath.Pow(Beta1, t));
        var next = new double[n];
        for (int j = 0; j < n; j++)
            next[j] = theta[j] + alpha * newM[j] / (Math.Sqrt(newV[j]) + Epsilon);
        return (new Adam(LearningRate, Beta1, Beta2, Epsilon, newM, newV, t), next);
    }

    /// <inheritdoc/>
    (IGradientOptimizer Optimizer, double[] Theta) IGradientOptimizer.Step(ReadOnlySpan<double> theta, ReadOnlySpan<double> gradient) =>
        Step(theta, gradient);

    /// <inheritdoc/>
    public IGradientOptimizer Reset() => new Adam(LearningRate, Beta1, Beta2, Epsilon);
}
