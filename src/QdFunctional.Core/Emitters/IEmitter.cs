namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// A source of candidate solutions with its own immutable state. <c>Ask</c> and <c>Tell</c>
/// are pure: each returns the emitter's next state and leaves this one as it was, so a run's
/// state can be checkpointed, copied or replayed (QDax's emitter state; pyribs' ask/tell).
/// </summary>
public interface IEmitter
{
    /// <summary>Solutions produced per <see cref="Ask"/>.</summary>
    int BatchSize { get; }

    /// <summary>New candidates, drawing all randomness from <paramref name="key"/>.</summary>
    (IEmitter Emitter, SolutionBatch Solutions) Ask(IArchive archive, Key key);

    /// <summary>Learns from how this emitter's candidates fared (its slice of the batch).</summary>
    IEmitter Tell(IArchive archive, SolutionBatch solutions, Evaluation evaluation, AddReport report);
}
