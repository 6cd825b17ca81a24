namespace QdFunctional.Core.Tasks;

/// <summary>
/// A task with several objectives for MOME: it names the reference point its hypervolumes are
/// measured from, and the box its solutions live in (MOME's variation operators need bounds).
/// </summary>
public interface IMultiObjectiveTask : IBoundedTask
{
    /// <summary>m values, each below the worst value of its objective that should still count.</summary>
    double[] ReferencePoint { get; }
}
