namespace QdFunctional.Core.Checkpoints;

using QdFunctional.Core.Archives;

/// <summary>
/// An archive kind that writes and reads its own part of a checkpoint, so a new kind joins
/// <see cref="ArchiveCheckpoint"/> by implementing this rather than by another case in its switch.
/// </summary>
internal interface ICheckpointedArchive : IArchive
{
    /// <summary>The tag written before the archive's bytes, unique among kinds (0 to 2 are the cell, MOME and proximity archives).</summary>
    byte CheckpointKind { get; }

    /// <summary>Writes everything a later add depends on (settings that come from the run's configuration may be left out).</summary>
    void WriteCheckpoint(BinaryWriter writer);

    /// <summary>
    /// Called on an empty archive made from the run's configuration: the archive the checkpoint holds.
    /// Throws <see cref="ArgumentException"/> or <see cref="EndOfStreamException"/> when the bytes do not fit.
    /// </summary>
    IArchive ReadCheckpoint(BinaryReader reader);
}
