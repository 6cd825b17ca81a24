namespace QdFunctional.Cluster;

using QdFunctional.Core.Tasks;

/// <summary>
/// Where a worker finds tasks by name: the built-in catalog, plus public classes with a
/// parameterless constructor implementing this interface in the assemblies <c>qd worker --tasks</c>
/// loads (a user's own tasks).
/// </summary>
public interface ITaskSource
{
    /// <summary>The task called <paramref name="name"/>, or null when this source does not know it.</summary>
    ITask? TryCreate(string name, TaskSpec spec);
}
