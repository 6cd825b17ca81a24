namespace QdFunctional.Core.Emitters;

/// <summary>The argument checks every emitter constructor shares, with messages that name the argument.</summary>
internal static class EmitterChecks
{
    public static void Dimension(int solutionDim)
    {
        if (solutionDim < 1)
            throw new ArgumentOutOfRangeException(nameof(solutionDim), solutionDim, "Solutions need at least one dimension.");
    }

    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and non-negative.");
    }

    public static void Fraction(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between 0 and 1.");
    }

    public static void BatchSize(int batchSize, int atLeast = 1)
    {
        if (batchSize < atLeast)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be at least {atLeast}.");
    }

    public static void Bounds(EmitterBounds? bounds, int solutionDim)
    {
        if (bounds is not null && bounds.Dim != solutionDim)
            throw new ArgumentException($"Bounds have {bounds.Dim} dimensions; solutions have {solutionDim}.", nameof(bounds));
    }
}
