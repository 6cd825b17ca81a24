namespace QdFunctional.Core.Emitters;

/// <summary>
/// When an evolution-strategy emitter starts over from a random elite (pyribs' restart_rule).
/// Every rule also restarts when the strategy itself reports a stop condition.
/// </summary>
public abstract record RestartRule
{
    RestartRule() { }

    /// <summary>Restart when an iteration adds nothing to the archive (CMA-ME's rule).</summary>
    public sealed record NoImprovement : RestartRule;

    /// <summary>Restart only on the strategy's own stop conditions.</summary>
    public sealed record Basic : RestartRule;

    /// <summary>Restart after a fixed number of iterations.</summary>
    public sealed record Every(int Iterations) : RestartRule;

    /// <summary>Whether to restart after an iteration that added <paramref name="added"/> solutions.</summary>
    internal bool Fires(int added, int iterationsSinceRestart) =>
        this switch
        {
            NoImprovement => added == 0,
            Every e => iterationsSinceRestart >= e.Iterations,
            _ => false,
        };
}
