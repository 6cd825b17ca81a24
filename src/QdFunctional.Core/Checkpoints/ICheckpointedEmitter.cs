namespace QdFunctional.Core.Checkpoints;

using QdFunctional.Core.Emitters;

/// <summary>
/// An emitter that says how a checkpoint keeps what it learned: it writes its evolving state and
/// reads it back into a copy of itself made afresh from the run's configuration (which supplies
/// everything that does not evolve). Each emitter kind registers its own tag and format here, so
/// adding an emitter touches no central list.
/// </summary>
public interface ICheckpointedEmitter : IEmitter
{
    /// <summary>The tag that opens this kind's state in a checkpoint (0: nothing evolves between iterations).</summary>
    byte StateKind { get; }

    /// <summary>False in the middle of an iteration (a gradient stage asked and not yet told), when no checkpoint is taken.</summary>
    bool CanCheckpoint { get; }

    /// <summary>Writes the evolving state (after the tag).</summary>
    void WriteState(BinaryWriter writer);

    /// <summary>This emitter with the state <see cref="WriteState"/> wrote (after the tag).</summary>
    /// <exception cref="ArgumentException">The saved state is for another size of emitter.</exception>
    IEmitter ReadState(BinaryReader reader);
}
