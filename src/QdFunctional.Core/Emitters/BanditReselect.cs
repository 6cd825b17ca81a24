namespace QdFunctional.Core.Emitters;

/// <summary>When a <see cref="BanditEmitter"/> puts active emitters back to the vote (pyribs' reselect).</summary>
public enum BanditReselect
{
    /// <summary>
    /// Only emitters whose search ended (an evolution strategy that restarts) and emitters that
    /// never restart (Gaussian, iso-line: they count as ending every iteration). pyribs' default.
    /// </summary>
    Terminated = 0,

    /// <summary>Every active emitter, every iteration.</summary>
    All = 1,
}
