namespace QdFunctional.Core.Optimizers;

/// <summary>
/// Settings shared by the evolution strategies that are not part of their adapted state:
/// optional per-dimension bounds (handled by resampling, as pyribs does), the resampling limit,
/// and how lazily the full CMA-ES refreshes its eigendecomposition.
/// </summary>
public sealed record EvolutionStrategyOptions
{
    /// <summary>No bounds, 100 resampling rounds, the tutorial's lazy gap (0.1).</summary>
    public static EvolutionStrategyOptions Default { get; } = new();

    /// <summary>Lower bound per dimension (−∞ for none), or null for an unbounded space.</summary>
    public double[]? Lower { get; init; }

    /// <summary>Upper bound per dimension (+∞ for none), or null for an unbounded space.</summary>
    public double[]? Upper { get; init; }

    /// <summary>
    /// Rounds in which out-of-bounds rows are redrawn before the rest are clipped. pyribs
    /// resamples without end (warning after 100 rounds); a limit keeps ask total.
    /// </summary>
    public int MaxResamples { get; init; } = 100;

    /// <summary>
    /// The eigendecomposition of C is refreshed once more than
    /// <c>LazyGapFactor · λ / ((c₁ + c_μ) n)</c> evaluations have passed since the last one.
    /// 0.1 is Hansen's tutorial (2016, purecmaes.m); pycma and pyribs use 0.5; 0 refreshes every tell.
    /// </summary>
    public double LazyGapFactor { get; init; } = 0.1;

    /// <summary>Per-dimension bounds [<paramref name="low"/>, <paramref name="high"/>] in <paramref name="dim"/> dimensions.</summary>
    public static EvolutionStrategyOptions Bounded(int dim, double low, double high)
    {
        var lower = new double[dim];
        var upper = new double[dim];
        Array.Fill(lower, low);
        Array.Fill(upper, high);
        return new EvolutionStrategyOptions { Lower = lower, Upper = upper };
    }

    /// <summary>Whether any bounds are set.</summary>
    public bool HasBounds => Lower is not null;

    /// <summary>These options with private copies of the bound arrays, so a caller's later writes cannot reach a strategy.</summary>
    internal EvolutionStrategyOptions Frozen() =>
        Lower is null || Upper is null ? this : this with { Lower = (double[])Lower.Clone(), Upper = (double[])Upper.Clone() };

    /// <summary>Throws unless the settings suit solutions of dimension <paramref name="dim"/>.</summary>
    internal void Validate(int dim)
    {
        if ((Lower is null) != (Upper is null))
            throw new ArgumentException("Evolution strategy bounds: give both Lower and Upper, or neither.");
        if (Lower is not null && Upper is not null)
        {
            if (Lower.Length != dim || Upper.Length != dim)
                throw new ArgumentException(
                    $"Evolution strategy bounds: {Lower.Length} lower and {Upper.Length} upper values for dimension {dim}."
                );
            for (int j = 0; j < dim; j++)
                if (double.IsNaN(Lower[j]) || double.IsNaN(Upper[j]) || !(Lower[j] < Upper[j]))
                    throw new ArgumentException(
                        $"Evolution strategy bounds: dimension {j} has [{Lower[j]}, {Upper[j]}]; need lower < upper."
                    );
        }
        if (MaxResamples < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxResamples), MaxResamples, "MaxResamples must be non-negative.");
        if (!(LazyGapFactor >= 0) || !double.IsFinite(LazyGapFactor))
            throw new ArgumentOutOfRangeException(nameof(LazyGapFactor), LazyGapFactor, "LazyGapFactor must be finite and non-negative.");
    }
}
