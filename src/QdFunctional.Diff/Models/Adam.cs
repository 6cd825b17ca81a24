using System.Numerics.Tensors;

namespace QdFunctional.Diff.Models;

/// <summary>Adam (Kingma and Ba 2015) for minimizing a model's loss, in PyTorch's form (the optimizer the
/// discount models of pyribs are trained with): with t the step number from 1,
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).</summary>
/// <remarks>A value: <see cref="Step"/> returns the next optimizer and parameters and changes nothing, so a run
/// holding one in its state checkpoints its moments and step count and resumes bit for bit.</remarks>
public sealed class Adam
{
    private readonly double[] m,
        v;

    private Adam(double learningRate, double beta1, double beta2, double epsilon, double[] m, double[] v, int steps)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "adam: learningRate must be finite and > 0");
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "adam: beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "adam: beta2 must be in [0, 1)");
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "adam: epsilon must be finite and > 0");
        if (m.Length != v.Length)
            throw new ArgumentException($"adam: moments of lengths {m.Length} and {v.Length}");
        if (steps < 0)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "adam: steps must be ≥ 0");
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        this.m = m;
        this.v = v;
        Steps = steps;
    }

    /// <summary>Adam for a parameter vector of the given length, moments at zero; PyTorch's defaults
    /// β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    /// <remarks>Like DiffSharp's <c>Adam(model, lr)</c>: made for one model's parameter count.</remarks>
    public static Adam Create(int parameterCount, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (parameterCount < 0)
            throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, "adam: parameterCount must be ≥ 0");
        return new Adam(learningRate, beta1, beta2, epsilon, new double[parameterCount], new double[parameterCount], 0);
    }

    /// <summary>An optimizer with saved moments and step count (copied), for resuming a checkpoint.</summary>
    /// <remarks>The inverse of reading <see cref="FirstMoment"/>, <see cref="SecondMoment"/> and <see cref="Steps"/>.</remarks>
    public static Adam Restore(
        double learningRate,
        double beta1,
        double beta2,
        double epsilon,
        ReadOnlySpan<double> firstMoment,
        ReadOnlySpan<double> secondMoment,
        int steps
    ) => new(learningRate, beta1, beta2, epsilon, firstMoment.ToArray(), secondMoment.ToArray(), steps);

    /// <summary>η, the step size.</summary>
    public double LearningRate { get; }

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>ε, which keeps the step finite where v is 0.</summary>
    public double Epsilon { get; }

    /// <summary>t, the steps taken.</summary>
    public int Steps { get; }

    /// <summary>m, the first-moment estimate.</summary>
    public ReadOnlySpan<double> FirstMoment => m;

    /// <summary>v, the second-moment estimate.</summary>
    public ReadOnlySpan<double> SecondMoment => v;

    /// <summary>One descent step from θ with gradient g; see the class summary for the formula.</summary>
    /// <remarks>Returns new arrays (the optimizer and θ are values); the arithmetic runs on whole spans.</remarks>
    public (Adam Optimizer, double[] Parameters) Step(ReadOnlySpan<double> parameters, ReadOnlySpan<double> gradient)
    {
        int n = m.Length;
        if (parameters.Length != n || gradient.Length != n)
            throw new ArgumentException(
                $"adam: made for {n} parameters, given {parameters.Length} parameters and a gradient of {gradient.Length}"
            );
        int t = Steps + 1;
        var newM = new double[n];
        var newV = new double[n];
        var theta = new double[n];
        // m' = β₁m + (1 − β₁)g and v' = β₂v + (1 − β₂)g², elementwise on spans.
        TensorPrimitives.Multiply(gradient, 1 - Beta1, newM);
        TensorPrimitives.MultiplyAdd(m, Beta1, newM, newM);
        TensorPrimitives.Multiply(gradient, gradient, newV);
        TensorPrimitives.Multiply(newV, 1 - Beta2, newV);
        TensorPrimitives.MultiplyAdd(v, Beta2, newV, newV);
        double c1 = 1 - Math.Pow(Beta1, t),
            c2 = 1 - Math.Pow(Beta2, t);
        double step = LearningRate / c1,
            scale = 1 / Math.Sqrt(c2);
        for (int k = 0; k < n; k++)
            theta[k] = parameters[k] - step * newM[k] / (Math.Sqrt(newV[k]) * scale + Epsilon);
        return (new Adam(LearningRate, Beta1, Beta2, Epsilon, newM, newV, t), theta);
    }
}
