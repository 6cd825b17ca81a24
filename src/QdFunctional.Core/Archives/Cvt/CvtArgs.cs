namespace QdFunctional.Core.Archives.Cvt;

/// <summary>
/// Argument checks shared by the centroid code. Each message names the argument, the row
/// and the column and shows the offending value, so a bad row in a batch of thousands can
/// be found without a debugger.
/// </summary>
static class CvtArgs
{
    /// <summary>Refuses a row-major matrix whose length is not rows × dimensions or that has NaN or infinite entries.</summary>
    internal static int Rows(ReadOnlySpan<double> values, int dimensions, string name)
    {
        if (dimensions < 1)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "The number of dimensions must be at least 1.");
        if (values.Length % dimensions != 0)
            throw new ArgumentException(
                $"{name} holds {values.Length} values, not a whole number of rows of {dimensions} dimensions.",
                name
            );
        Finite(values, dimensions, name);
        return values.Length / dimensions;
    }

    /// <summary>Refuses NaN or infinite entries, naming the first one by row and column.</summary>
    internal static void Finite(ReadOnlySpan<double> values, int dimensions, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException(
                    $"{name} row {i / dimensions}, column {i % dimensions} is {values[i]}; coordinates must be finite.",
                    name
                );
    }

    /// <summary>Refuses bounds of the wrong length, non-finite bounds and columns with low >= high.</summary>
    internal static void Bounds(ReadOnlySpan<double> low, ReadOnlySpan<double> high)
    {
        if (low.Length == 0)
            throw new ArgumentException("The bounds need at least one dimension.", nameof(low));
        if (low.Length != high.Length)
            throw new ArgumentException($"low has {low.Length} dimensions but high has {high.Length}.", nameof(high));
        for (int j = 0; j < low.Length; j++)
            if (!double.IsFinite(low[j]) || !double.IsFinite(high[j]) || !(low[j] < high[j]) || !double.IsFinite(high[j] - low[j]))
                throw new ArgumentException(
                    $"Bounds for dimension {j} are [{low[j]}, {high[j]}]; they must be finite with low < high.",
                    nameof(low)
                );
    }
}
