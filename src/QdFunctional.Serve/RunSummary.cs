using QdFunctional.Core.Metrics;

namespace QdFunctional.Serve;

/// <summary>
/// One row of the runs page: a run or a pipeline, its status (see <see cref="RunStatus"/>), the error
/// that made it <c>failed</c>, its configuration's top-level fields as text (for filtering and
/// grouping by any of them), how far it went, and its latest metrics.
/// </summary>
/// <param name="Id">Path relative to the served directory, '/'-separated: the run's name in every URL.</param>
/// <param name="Kind">"run" or "pipeline".</param>
/// <param name="Status">running, stopped, finished or failed.</param>
/// <param name="Error">What could not be read, or null.</param>
/// <param name="Config">config.json's (or pipeline.json's config's) top-level fields as text.</param>
/// <param name="Done">Iterations done (runs) or runs finished (pipelines).</param>
/// <param name="Total">Iterations configured (runs) or runs planned (pipelines); null when unknown.</param>
/// <param name="Last">The latest metrics row on record, or null.</param>
public sealed record RunSummary(
    string Id,
    string Kind,
    string Status,
    string? Error,
    IReadOnlyDictionary<string, string> Config,
    int Done,
    int? Total,
    MetricsRow? Last
);
