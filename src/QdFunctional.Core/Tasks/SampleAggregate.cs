namespace QdFunctional.Core.Tasks;

/// <summary>How several samples of one solution become its objectives and measures.</summary>
public enum SampleAggregate
{
    /// <summary>The mean of each value over the samples (QDax's <c>sampling</c>).</summary>
    Mean,

    /// <summary>The median of each value over the samples, robust to the odd lucky sample (QDax's <c>sampling_reproducibility</c>).</summary>
    Median,
}
