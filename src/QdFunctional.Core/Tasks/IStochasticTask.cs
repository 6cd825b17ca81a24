namespace QdFunctional.Core.Tasks;

using QdFunctional.Core.Random;

/// <summary>
/// A task whose evaluations are random (a noisy sensor, a simulation with joint noise, several
/// samples of one): it evaluates only under a key, so a run stays reproducible bit for bit. The
/// iteration seeds it with a purpose of its own keys (<see cref="Scheduling.IterationKeys.Evaluation"/>);
/// its plain <see cref="ITask.Evaluate"/> refuses, since a hidden default key would make every
/// re-evaluation repeat the first one's luck.
/// </summary>
public interface IStochasticTask : ITask
{
    /// <summary>The task evaluating with the randomness of <paramref name="key"/>: the same key and batch give the same values.</summary>
    ITask Seeded(Key key);
}

/// <summary>Seeding any task: stochastic ones take the key, the others are returned as they are.</summary>
public static class StochasticTasks
{
    /// <summary><paramref name="task"/> evaluating under <paramref name="key"/> when it is stochastic, else itself.</summary>
    public static ITask Seeded(this ITask task, Key key) => task is IStochasticTask s ? s.Seeded(key) : task;

    /// <summary>The error a stochastic task's key-less evaluation raises.</summary>
    internal static InvalidOperationException NeedsKey(string name) =>
        new($"Task '{name}' is random: evaluate it through Seeded(key) (Task.seeded in F#), so each evaluation's noise comes from a key.");
}
