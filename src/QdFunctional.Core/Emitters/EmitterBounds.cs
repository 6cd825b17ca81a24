namespace QdFunctional.Core.Emitters;

/// <summary>
/// Optional per-dimension solution bounds of an emitter; candidates are clipped into them.
/// </summary>
public sealed record EmitterBounds
{
    /// <summary>Bounds [lower[j], upper[j]] for each dimension j.</summary>
    public EmitterBounds(double[] lower, double[] upper)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (lower.Length != upper.Length || lower.Length == 0)
            throw new ArgumentException($"Bounds: {lower.Length} lower and {upper.Length} upper values; need the same, non-zero number.");
        for (int j = 0; j < lower.Length; j++)
            if (double.IsNaN(lower[j]) || double.IsNaN(upper[j]) || !(lower[j] < upper[j]))
                throw new ArgumentException($"Bounds: dimension {j} has [{lower[j]}, {upper[j]}]; need lower < upper.");
        Lower = (double[])lower.Clone();
        Upper = (double[])upper.Clone();
    }

    /// <summary>The same bounds [low, high] in each of <paramref name="dim"/> dimensions.</summary>
    public static EmitterBounds Uniform(int dim, double low, double high) =>
        new(Enumerable.Repeat(low, dim).ToArray(), Enumerable.Repeat(high, dim).ToArray());

    /// <summary>Lower bound per dimension.</summary>
    public double[] Lower { get; }

    /// <summary>Upper bound per dimension.</summary>
    public double[] Upper { get; }

    /// <summary>Dimensions bounded.</summary>
    public int Dim => Lower.Length;

    /// <summary>Clips every row of <paramref name="solutions"/> into the bounds.</summary>
    public void Clip(Span<double> solutions) => Variation.Clip(solutions, Dim, Lower, Upper);

    /// <summary>n rows uniform within the bounds.</summary>
    public double[] SampleUniform(Random.Key key, int n)
    {
        var block = new double[(long)n * Dim];
        key.Uniform(block, Lower, Upper);
        return block;
    }
}
