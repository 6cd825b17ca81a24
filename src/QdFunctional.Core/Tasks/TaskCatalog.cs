namespace QdFunctional.Core.Tasks;

/// <summary>
/// The built-in tasks by name, so the command line and configuration files can name them.
/// </summary>
public static class TaskCatalog
{
    /// <summary>Names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } =
    ["lp-sphere", "lp-rastrigin", "arm", "noisy-arm", "maze", "mo-rastrigin", "mo-sphere", "sleep-50ms"];

    /// <summary>True for the tasks with several objectives (they run with MOME).</summary>
    public static bool IsMultiObjective(string name) => Facts(name).MultiObjective;

    /// <summary>What the run plan needs to know of task <paramref name="name"/> (see <see cref="TaskFacts"/>).</summary>
    /// <exception cref="ArgumentException">The name is unknown (the message lists the known ones).</exception>
    public static TaskFacts Facts(string name) =>
        name switch
        {
            "lp-sphere" or "lp-rastrigin" or "sleep-50ms" => new TaskFacts(name, 1000, null, 2, 1, false, false)
            {
                // The DQD paper's objective is 100 (1 - f / f_worst); f_worst grows with d.
                ObjectiveSlope = d =>
                    100.0
                    / new LinearProjection(
                        name == "lp-rastrigin" ? LinearProjection.Function.Rastrigin : LinearProjection.Function.Sphere,
                        Math.Max(2, d)
                    ).WorstRaw,
            },
            // The arm's objective is 100 (1 - Var θ).
            "arm" or "noisy-arm" => new TaskFacts(name, 1000, null, 2, 1, true, false) { ObjectiveSlope = _ => 100.0 },
            // Ten velocity commands of two numbers each.
            "maze" => new TaskFacts(name, 20, null, 2, 1, false, false),
            // QDax's MOME example's dimension.
            "mo-rastrigin" => new TaskFacts(name, 100, null, 2, 2, false, false),
            "mo-sphere" => new TaskFacts(name, 100, null, 2, 3, false, false),
            _ => throw new ArgumentException($"Unknown task '{name}'; known tasks: {string.Join(", ", Names)}.", nameof(name)),
        };

    /// <summary>The task called <paramref name="name"/> with solution dimension <paramref name="dim"/>.</summary>
    /// <exception cref="ArgumentException">The name is unknown (the message lists the known ones).</exception>
    public static ITask Create(string name, int dim) =>
        name switch
        {
            "lp-sphere" => new LinearProjection(LinearProjection.Function.Sphere, dim),
            "lp-rastrigin" => new LinearProjection(LinearProjection.Function.Rastrigin, dim),
            "arm" => new PlanarArm(dim),
            // QDax's noisy arm: noise on the joints, the objective and the measures (NoiseSpec.NoisyArm).
            "noisy-arm" => NoisyTask.Create(new PlanarArm(dim), NoiseSpec.NoisyArm, "noisy-arm"),
            "maze" => Maze(dim),
            "mo-rastrigin" => new MultiObjectiveRastrigin(dim),
            "mo-sphere" => new MultiObjectiveSphere(dim),
            // A benchmark of distributed evaluation, not a problem: lp-sphere after 50 ms of waiting per solution.
            "sleep-50ms" => new SleepingTask(
                new LinearProjection(LinearProjection.Function.Sphere, dim),
                TimeSpan.FromMilliseconds(50),
                "sleep-50ms"
            ),
            _ => throw new ArgumentException($"Unknown task '{name}'; known tasks: {string.Join(", ", Names)}.", nameof(name)),
        };

    /// <summary>
    /// The same task written in the differentiable engine: equal values (to rounding), with
    /// Jacobians from reverse-mode differentiation instead of hand-derived formulas, computed in
    /// <paramref name="dtype"/> (float64 unless asked). The multi-objective tasks come as they
    /// are (mo-sphere is written in the engine already, in float64), and so does the sleep-50ms benchmark.
    /// </summary>
    public static ITask CreateInEngine(string name, int dim, Diff.Dtype dtype = Diff.Dtype.Float64)
    {
        if (name == "maze")
            return Maze(dim);
        var plain = Create(name, dim);
        if (plain is IMultiObjectiveTask or SleepingTask or NoisyTask)
            return plain;
        Func<Diff.Tensor, Diff.Tensor> f = name switch
        {
            "lp-sphere" => Diff.Benchmarks.LinearProjection.Sphere,
            "lp-rastrigin" => Diff.Benchmarks.LinearProjection.Rastrigin,
            _ => Diff.Benchmarks.PlanarArm.Evaluate,
        };
        return new DifferentiableTask(plain.Name, dim, 1, plain.MeasureLow, plain.MeasureHigh, plain.ObjectiveRange, f, dtype);
    }

    /// <summary>
    /// The deceptive maze (<see cref="Diff.Benchmarks.Maze"/>): d/2 velocity commands, measures the
    /// final position in [0, 1]², objective 1 − distance to the goal / √2. Written in the engine only.
    /// </summary>
    static DifferentiableTask Maze(int dim)
    {
        if (dim < 2 || dim % 2 != 0)
            throw new ArgumentException(
                $"maze: the dimension is two commands per step, so it must be even and at least 2, got {dim}.",
                nameof(dim)
            );
        return new DifferentiableTask("maze", dim, 1, [0.0, 0.0], [1.0, 1.0], (0.0, 1.0), Diff.Benchmarks.Maze.Evaluate);
    }
}
