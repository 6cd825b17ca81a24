namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Random;

/// <summary>
/// An emitter that can write its batch into rows of a larger block: a scheduler with several such
/// emitters asks them all into one batch, instead of concatenating their batches (which copies
/// every row once more). Such an emitter is stateless: its Tell returns itself and reads nothing,
/// so the scheduler hands it no slices, and the iteration loop may write its rows into a pooled
/// block that it reuses once the batch is told.
/// </summary>
internal interface IBlockEmitter : IEmitter
{
    /// <summary>
    /// <see cref="IEmitter.Ask"/> on a non-empty archive with its <see cref="IEmitter.BatchSize"/>
    /// rows written from value <paramref name="first"/> of <paramref name="block"/>: the same values
    /// as the batch Ask returns, and the same next emitter.
    /// </summary>
    IEmitter AskInto(IArchive archive, Key key, double[] block, int first);
}
