namespace QdFunctional.Core.Scheduling;

using QdFunctional.Core.Random;

/// <summary>
/// Where every random draw of a run comes from, by purpose: the root key splits into a start
/// half (initial population, CVT centroids, a population's starting points) and a loop half, of
/// which iteration <c>i</c> draws from <c>FoldIn(i)</c> (salted after a watchdog restart). The
/// CPU loop, the device loop and the cluster all derive their keys here, so none keeps a copy.
/// </summary>
public readonly record struct RunKeys
{
    readonly Key start;
    readonly Key loop;
    readonly int salt;

    /// <summary>The keys of a run with root seed <paramref name="seed"/>; a non-zero
    /// <paramref name="restartSalt"/> (the watchdog's restart number) makes every iteration draw afresh.</summary>
    public RunKeys(ulong seed, int restartSalt = 0)
    {
        (start, loop) = Key.Of(seed).Split2();
        salt = restartSalt;
    }

    /// <summary>The initial population's draws.</summary>
    public Key InitialPopulation => start.FoldIn(0);

    /// <summary>The uniform samples k-means turns into CVT centroids.</summary>
    public Key Centroids => start.FoldIn(1);

    /// <summary>The starting points of a population that climbs by gradients (Adam).</summary>
    public Key PopulationStart => start.FoldIn(2);

    /// <summary>The noise of the initial population's and the seeds' evaluations, for a random task (<see cref="Tasks.IStochasticTask"/>).</summary>
    public Key InitialEvaluation => start.FoldIn(3);

    /// <summary>The keys of iteration <paramref name="i"/> (1-based: 0 is the initial population).</summary>
    public IterationKeys Iteration(int i)
    {
        var key = loop.FoldIn(i);
        return new IterationKeys(salt == 0 ? key : key.FoldIn(salt));
    }
}

/// <summary>
/// One iteration's keys by purpose. With a gradient stage the iteration key splits into
/// (gradients, branches) and the gradient half into (points, probes): the points' key goes to
/// the scheduler's AskGradients, the probes' to gradient estimation. Without one the whole key
/// goes to the scheduler's Ask. The scheduler then gives emitter <c>e</c> <c>FoldIn(e)</c>.
/// </summary>
/// <param name="Key">The iteration's key.</param>
public readonly record struct IterationKeys(Key Key)
{
    /// <summary>The gradient stage's points (the scheduler's AskGradients).</summary>
    public Key GradientPoints => Key.Split2().Item1.Split2().Item1;

    /// <summary>The probes that estimate the gradient points' Jacobians (black-box tasks).</summary>
    public Key GradientProbes => Key.Split2().Item1.Split2().Item2;

    /// <summary>The branches asked after a gradient stage (the scheduler's Ask).</summary>
    public Key Branches => Key.Split2().Item2;

    /// <summary>
    /// The noise of this iteration's evaluations, for a random task (<see cref="Tasks.IStochasticTask"/>):
    /// a fold of the iteration key by a constant no emitter folds in ("eval" in ASCII), so adding it
    /// changed no other draw.
    /// </summary>
    public Key Evaluation => Key.FoldIn(0x6576616C);
}
