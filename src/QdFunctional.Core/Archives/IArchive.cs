namespace QdFunctional.Core.Archives;

using QdFunctional.Core.Batches;
using QdFunctional.Core.Persistence;
using QdFunctional.Core.Random;

/// <summary>
/// What emitters and the scheduler need of an archive. Archives are immutable values: Add
/// returns a new archive and leaves this one valid, so a run's history can be kept or branched.
/// </summary>
public interface IArchive
{
    /// <summary>d: numbers per solution.</summary>
    int SolutionDim { get; }

    /// <summary>k: measures per solution.</summary>
    int MeasureDim { get; }

    /// <summary>Number of cells.</summary>
    int CellCount { get; }

    /// <summary>Statistics, kept incrementally.</summary>
    ArchiveStats Stats { get; }

    /// <summary>True when no cell is occupied.</summary>
    bool IsEmpty { get; }

    /// <summary>The cell of a measure vector.</summary>
    int CellOf(ReadOnlySpan<double> measures);

    /// <summary>The elite of <paramref name="cell"/>, or null when empty.</summary>
    Elite? EliteAt(int cell);

    /// <summary>Adds a batch; returns the new archive and what happened to each solution.</summary>
    (IArchive Archive, AddReport Report) Add(SolutionBatch solutions, Evaluation evaluation);

    /// <summary><paramref name="count"/> elites drawn uniformly with replacement.</summary>
    Elite[] Sample(Key key, int count);

    /// <summary>
    /// <see cref="Sample"/>'s draws written into <paramref name="destination"/>: the same elites as
    /// <c>Sample(key, destination.Length)</c>, without a new array where the archive can avoid one
    /// (the iteration loop samples parents into pooled arrays).
    /// </summary>
    void SampleInto(Key key, Span<Elite> destination) => Sample(key, destination.Length).CopyTo(destination);

    /// <summary>All elites, in cell order.</summary>
    IEnumerable<Elite> Elites { get; }

    /// <summary>The elites as columns, for Parquet and plots.</summary>
    EliteTable ToTable();
}
