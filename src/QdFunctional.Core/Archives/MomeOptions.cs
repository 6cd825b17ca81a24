namespace QdFunctional.Core.Archives;

/// <summary>Settings of a <see cref="MomeArchive"/>.</summary>
public sealed class MomeOptions
{
    /// <summary>The defaults: fronts of at most 50 solutions, crowding-distance overflow.</summary>
    public static readonly MomeOptions Default = new();

    /// <summary>
    /// P: the most solutions one cell's front holds (QDax's <c>pareto_front_max_length</c>), 50 by default.
    /// </summary>
    public int ParetoFrontMaxLength { get; init; } = 50;

    /// <summary>Which solutions leave a front longer than <see cref="ParetoFrontMaxLength"/>.</summary>
    public FrontOverflow Overflow { get; init; } = FrontOverflow.CrowdingDistance;

    /// <summary>Names of extra per-solution values (columns of the evaluation's Extra) to keep with each solution.</summary>
    public string[]? ExtraFields { get; init; }

    internal void Validate()
    {
        var seen = new HashSet<string>();
        foreach (var name in ExtraFields ?? [])
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
                throw new ArgumentException($"MOME: extra field names must be non-empty and distinct; '{name}' is not.");
        if (ParetoFrontMaxLength < 1)
            throw new ArgumentOutOfRangeException(
                nameof(ParetoFrontMaxLength),
                ParetoFrontMaxLength,
                "MOME: ParetoFrontMaxLength must be at least 1."
            );
        if (!Enum.IsDefined(Overflow))
            throw new ArgumentOutOfRangeException(nameof(Overflow), Overflow, "MOME: unknown overflow rule.");
    }
}
