namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// An emitter of the differentiable-QD family (Fontaine and Nikolaidis 2021). Each iteration has
/// two stages: <see cref="AskGradients"/> names the points whose objective and measure gradients
/// it needs (they are evaluated with Jacobians and added to the archive like any solution), and
/// <see cref="IEmitter.Ask"/> then uses those gradients to make the branches (pyribs' ask_dqd and
/// tell_dqd).
/// </summary>
public interface IGradientEmitter : IEmitter
{
    /// <summary>
    /// Whether this emitter has a gradient stage; a composite (a hybrid of gradient-free parts)
    /// says no, and the scheduler then skips the stage.
    /// </summary>
    bool NeedsGradients => true;

    /// <summary>Points to evaluate with Jacobians this iteration.</summary>
    (IGradientEmitter Emitter, SolutionBatch Solutions) AskGradients(IArchive archive, Key key);

    /// <summary>Receives the Jacobians (n × (1 + k) × d) of the points from <see cref="AskGradients"/>.</summary>
    IGradientEmitter TellGradients(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report);
}
