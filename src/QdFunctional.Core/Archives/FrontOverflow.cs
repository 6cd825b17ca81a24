namespace QdFunctional.Core.Archives;

/// <summary>How a MOME cell's front sheds solutions when a batch leaves it longer than its maximum length.</summary>
public enum FrontOverflow : byte
{
    /// <summary>
    /// Drop the most crowded solution (smallest NSGA-II crowding distance; boundary points are
    /// infinitely far), recompute, repeat; ties drop the latest arrival. Needs no key.
    /// </summary>
    CrowdingDistance = 0,

    /// <summary>Keep a uniformly random subset of the maximum length; needs a key on add.</summary>
    Random = 1,
}
