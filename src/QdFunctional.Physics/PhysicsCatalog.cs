namespace QdFunctional.Physics;

using QdFunctional.Core.Tasks;
using QdFunctional.Physics.Tasks;

/// <summary>
/// The robot tasks by name, beside the core's <see cref="TaskCatalog"/> (which cannot see this
/// assembly). Naming a task loads nothing; creating one opens MuJoCo.
/// </summary>
public static class PhysicsCatalog
{
    /// <summary>Names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [BrittleStarTask.TaskName, QuadrupedTask.TaskName];

    /// <summary>Whether <paramref name="name"/> is a physics task.</summary>
    public static bool Contains(string name) => Names.Contains(name);

    /// <summary>What a run plan needs to know of a robot task, without opening MuJoCo: its genome size and measures.</summary>
    public static TaskFacts Facts(string name) =>
        name switch
        {
            // The CPG tutorial's 30 × 30 grid over the final position.
            BrittleStarTask.TaskName => new TaskFacts(name, 26, 26, 2, 1, true, true) { Archive = "grid:30x30" },
            // 1,024 CVT cells over the four foot-contact fractions.
            QuadrupedTask.TaskName => new TaskFacts(name, 24, 24, 4, 1, true, true) { Archive = "cvt:1024" },
            _ => throw new ArgumentException($"Unknown physics task '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
        };

    /// <summary>The task called <paramref name="name"/>, with 5 s episodes over <paramref name="workers"/> workers (0: one per core).</summary>
    /// <exception cref="Native.PhysicsUnavailableException">MuJoCo 2.2.2 is not installed.</exception>
    public static LocomotionTask Create(string name, int workers = 0, double episodeSeconds = 5.0) =>
        name switch
        {
            BrittleStarTask.TaskName => new BrittleStarTask(episodeSeconds, workers),
            QuadrupedTask.TaskName => new QuadrupedTask(episodeSeconds, workers),
            _ => throw new ArgumentException($"Unknown physics task '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
        };
}
