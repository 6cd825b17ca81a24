namespace QdFunctional.Core.Archives.Cvt;

/// <summary>
/// Settings for <see cref="KMeans.Centroids(QdFunctional.Core.Random.Key, int, ReadOnlySpan{double}, ReadOnlySpan{double}, KMeansOptions?)"/>, after pyribs' <c>CVTArchive(samples=...,
/// k_means_kwargs=...)</c>, which runs scikit-learn's Lloyd k-means with one random start.
/// </summary>
/// <param name="Samples">
/// Points drawn uniformly within the bounds for k-means to fit (pyribs' default 100,000).
/// More samples give centroids closer to a true centroidal Voronoi tessellation; at least
/// one per cell is required.
/// </param>
/// <param name="MaxIterations">Upper limit on Lloyd iterations (scikit-learn's <c>max_iter</c>, default 300).</param>
/// <param name="Tolerance">
/// Convergence threshold relative to the data, as scikit-learn's <c>tol</c>: iterations stop
/// once the summed squared movement of all centroids is at most
/// <c>Tolerance × mean over dimensions of the samples' variance</c>, or once no label changes.
/// </param>
public sealed record KMeansOptions(int Samples = 100_000, int MaxIterations = 300, double Tolerance = 1e-4)
{
    /// <summary>pyribs' defaults: 100,000 samples, up to 300 iterations, tolerance 1e-4.</summary>
    public static KMeansOptions Default { get; } = new();
}
