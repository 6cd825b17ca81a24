namespace QdFunctional.Core.Optimizers;

/// <summary>Argument checks shared by the evolution strategies, with messages that name the problem.</summary>
static class StrategyChecks
{
    /// <summary>Throws unless x0 is non-empty and finite, σ₀ is finite and positive, and λ ≥ 2.</summary>
    internal static void Create(ReadOnlySpan<double> x0, double sigma0, int batchSize)
    {
        if (x0.Length == 0)
            throw new ArgumentException("x0 must have at least one dimension.", nameof(x0));
        for (int j = 0; j < x0.Length; j++)
            if (!double.IsFinite(x0[j]))
                throw new ArgumentException($"x0[{j}] is {x0[j]}; the initial mean must be finite.", nameof(x0));
        if (!(sigma0 > 0) || !double.IsFinite(sigma0))
            throw new ArgumentOutOfRangeException(nameof(sigma0), sigma0, "sigma0 must be finite and > 0.");
        if (batchSize < 2)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize (λ) must be at least 2.");
    }

    /// <summary>
    /// The number of told solutions, after checking that they form whole rows, that the ranking
    /// is a permutation of their indices, that 0 ≤ numParents ≤ count, and that parents are finite.
    /// </summary>
    internal static int Tell(int n, ReadOnlySpan<double> solutions, int[] rankingIndices, int numParents)
    {
        ArgumentNullException.ThrowIfNull(rankingIndices);
        if (solutions.Length == 0 || solutions.Length % n != 0)
            throw new ArgumentException(
                $"Tell: {solutions.Length} solution values are not whole rows of dimension {n}.",
                nameof(solutions)
            );
        int count = solutions.Length / n;
        if (rankingIndices.Length != count)
            throw new ArgumentException(
                $"Tell: the ranking has {rankingIndices.Length} indices for {count} solutions.",
                nameof(rankingIndices)
            );
        var seen = new bool[count];
        foreach (int i in rankingIndices)
        {
            if ((uint)i >= (uint)count)
                throw new ArgumentException($"Tell: ranking index {i} is outside 0..{count - 1}.", nameof(rankingIndices));
            if (seen[i])
                throw new ArgumentException($"Tell: ranking index {i} appears twice (duplicate).", nameof(rankingIndices));
            seen[i] = true;
        }
        if (numParents < 0 || numParents > count)
            throw new ArgumentOutOfRangeException(nameof(numParents), numParents, $"numParents must be in 0..{count}.");
        for (int p = 0; p < numParents; p++)
        {
            var row = solutions.Slice(rankingIndices[p] * n, n);
            for (int j = 0; j < n; j++)
                if (!double.IsFinite(row[j]))
                    throw new ArgumentException(
                        $"Tell: parent row {rankingIndices[p]} has {row[j]} at {j}; parents must be finite.",
                        nameof(solutions)
                    );
        }
        return count;
    }

    /// <summary>pyribs' restart tests, given the largest and smallest variance along the principal axes.</summary>
    internal static StopReason Stop(double sigma, double maxVariance, double minVariance, ReadOnlySpan<double> rankingValues)
    {
        if (maxVariance > 1e14 * minVariance)
            return StopReason.ConditionNumber;
        if (sigma * Math.Sqrt(maxVariance) < 1e-11)
            return StopReason.TooSmall;
        if (rankingValues.Length >= 2 && Math.Abs(rankingValues[0] - rankingValues[^1]) < 1e-12)
            return StopReason.FlatFitness;
        return StopReason.None;
    }
}
