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

    internal void Validate()
    {
        if (ParetoFrontMaxLength < 1)
            throw new ArgumentOutOfRangeException(nameof(ParetoFrontMaxLength), ParetoFrontMaxLength,
                "MOME: ParetoFrontMaxLength must be at least 1.");
        if (!Enum.IsDefined(Overflow))
            throw new ArgumentOutOfRangeException(nameof(Overflow), Overflow, "MOME: unknown overflow rule.");
    }
}
