namespace QdFunctional.Physics;

using QdFunctional.Core.Tasks;
using QdFunctional.Diff;

/// <summary>
/// Every task <c>qd</c> knows by name, asked the same way by <c>qd run</c>'s plan, the cluster worker
/// and the device benchmarks: the robot tasks, then the core's <see cref="TaskCatalog"/>. It lives here
/// because this is the first assembly that sees both; the core cannot see the robots.
/// </summary>
public static class AllTasks
{
    /// <summary>Every name <c>--task</c> accepts, the core's first.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. TaskCatalog.Names, .. PhysicsCatalog.Names];

    /// <summary>Whether <paramref name="name"/> is a task.</summary>
    public static bool Contains(string name) => Names.Contains(name);

    /// <summary>What a run plan needs to know of a task, without building it (robots do not open MuJoCo).</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    public static TaskFacts Facts(string name) =>
        PhysicsCatalog.Contains(name) ? PhysicsCatalog.Facts(name)
        : TaskCatalog.Names.Contains(name) ? TaskCatalog.Facts(name)
        : throw Unknown(name);

    /// <summary>
    /// The task as a run of solution dimension <paramref name="dim"/> evaluates it: written in the
    /// engine in <paramref name="engine"/>'s precision when the run takes its gradients from the
    /// engine, else with hand-derived gradients. Robot tasks have their own genome size and ignore both.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    /// <exception cref="Native.PhysicsUnavailableException">A robot task without MuJoCo 2.2.2.</exception>
    public static ITask Create(string name, int dim, Dtype? engine = null) =>
        PhysicsCatalog.Contains(name) ? PhysicsCatalog.Create(name)
        : !TaskCatalog.Names.Contains(name) ? throw Unknown(name)
        : engine is { } dtype ? TaskCatalog.CreateInEngine(name, dim, dtype)
        : TaskCatalog.Create(name, dim);

    static ArgumentException Unknown(string name) => new($"Unknown task '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
}
