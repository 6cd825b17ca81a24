namespace QdFunctional.Core.Archives;

/// <summary>
/// What adding one solution did, ordered so that a larger value is a bigger change to the
/// archive (pyribs' convention): rankers sort by status first, then by value.
/// </summary>
public enum AddStatus : byte
{
    /// <summary>The solution did not beat its cell's threshold.</summary>
    NotAdded = 0,

    /// <summary>The solution beat the elite (or threshold) of an occupied cell.</summary>
    Improved = 1,

    /// <summary>The solution's cell was empty.</summary>
    New = 2,
}
