namespace QdFunctional.Core.Archives.Proximity;

/// <summary>
/// Settings of a <see cref="ProximityArchive"/> (novelty search's archive, Lehman and Stanley 2011).
/// </summary>
/// <param name="Neighbours">k: novelty is the mean Euclidean distance to the k nearest entries in measure space (fewer while the archive holds fewer).</param>
/// <param name="NoveltyThreshold">A solution enters when its novelty is at least this.</param>
/// <param name="LocalCompetition">
/// Novelty search with local competition (NSLC): a solution that is not novel enough replaces its
/// nearest entry when its objective is higher, so crowded regions keep their best solutions.
/// Needs an objective on every add.
/// </param>
/// <param name="InitialCapacity">The reported capacity starts here and doubles whenever the entries outgrow it (pyribs' initial_capacity).</param>
/// <param name="MaxSize">Hard limit on entries: once reached, novel solutions are turned away (local competition can still replace). 0: unlimited.</param>
/// <param name="QdOffset">Subtracted from each objective in the QD score.</param>
/// <param name="ExtraFields">Names of extra per-solution values kept with each entry.</param>
/// <param name="BatchNovelty">
/// Novelty on add counts the other solutions of the same batch as neighbours too, beside the archive's
/// entries (Lehman and Stanley's original definition, which includes the current population; pyribs
/// measures against the archive alone, the default here).
/// </param>
public sealed record ProximityOptions(
    int Neighbours = 15,
    double NoveltyThreshold = 0.01,
    bool LocalCompetition = false,
    int InitialCapacity = 128,
    int MaxSize = 0,
    double QdOffset = 0.0,
    string[]? ExtraFields = null,
    bool BatchNovelty = false
)
{
    internal void Validate()
    {
        if (Neighbours < 1)
            throw new ArgumentException($"Neighbours (k) must be at least 1, got {Neighbours}.");
        if (!(NoveltyThreshold >= 0) || double.IsPositiveInfinity(NoveltyThreshold))
            throw new ArgumentException($"NoveltyThreshold must be finite and non-negative, got {NoveltyThreshold}.");
        if (InitialCapacity < 1)
            throw new ArgumentException($"InitialCapacity must be at least 1, got {InitialCapacity}.");
        if (MaxSize < 0)
            throw new ArgumentException($"MaxSize must be 0 (unlimited) or positive, got {MaxSize}.");
        if (!double.IsFinite(QdOffset))
            throw new ArgumentException($"QdOffset must be finite, got {QdOffset}.");
        var seen = new HashSet<string>();
        foreach (var name in ExtraFields ?? [])
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
                throw new ArgumentException($"Extra field names must be non-empty and distinct; '{name}' is not.");
    }
}
