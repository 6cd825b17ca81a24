namespace QdFunctional.Core.Tasks;

/// <summary>
/// What a run's plan needs to know of a task before making it: its usual and fixed sizes, how
/// many measures and objectives it has, and how its objective is scaled. Each catalog states
/// these for its own tasks, so no caller keeps a list of task names to decide them.
/// </summary>
/// <param name="Name">The catalog name (<c>qd run --task</c>).</param>
/// <param name="DefaultDim">The solution dimension a run gets unless one is given.</param>
/// <param name="FixedDim">The only dimension the task takes (a robot's genome), or null.</param>
/// <param name="MeasureDim">k: measures per solution.</param>
/// <param name="ObjectiveCount">m: objectives per solution.</param>
/// <param name="SmallBox">True when solutions live in a box of about unit size (joint angles, a
/// robot's genome), where the literature's mutation steps are 0.1 rather than 0.5.</param>
/// <param name="Robot">True for an episode on simulated physics (slow evaluations, a genome box).</param>
public sealed record TaskFacts(string Name, int DefaultDim, int? FixedDim, int MeasureDim, int ObjectiveCount, bool SmallBox, bool Robot)
{
    /// <summary>
    /// d(objective)/d(raw function) at dimension d: the objective is the raw function rescaled to
    /// [0, 100], so a gradient step from the literature (on the raw function) divides by this.
    /// </summary>
    public Func<int, double> ObjectiveSlope { get; init; } = _ => 1.0;

    /// <summary>The archive the task's own literature uses (for example <c>grid:30x30</c>), or null for the algorithm's.</summary>
    public string? Archive { get; init; }

    /// <summary>
    /// The facts of a task given as an object (a user's own, say): its size is fixed, its steps
    /// are the LP tasks' (unit-free), and it is no robot.
    /// </summary>
    public static TaskFacts Of(ITask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new TaskFacts(
            task.Name,
            task.SolutionDim,
            task.SolutionDim,
            task.MeasureDim,
            task.ObjectiveCount,
            SmallBox: false,
            Robot: false
        );
    }

    /// <summary>
    /// What makes a task's archives comparable, as one line: its name, sizes, measure box,
    /// objective range and whether it gives Jacobians. A run records it, and a resume with a task
    /// whose identity differs is refused (its archive would mix two problems).
    /// </summary>
    public static string IdentityOf(ITask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        static string Numbers(double[] xs) =>
            string.Join(" ", xs.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var (low, high) = task.ObjectiveRange;
        return $"{task.Name}; d {task.SolutionDim}; m {task.ObjectiveCount}; k {task.MeasureDim}; "
            + $"measures [{Numbers(task.MeasureLow)}] to [{Numbers(task.MeasureHigh)}]; "
            + $"objective {Numbers([low, high])}; gradients {(task.HasGradients ? "yes" : "no")}";
    }

    /// <summary>True for tasks with several objectives (they run with MOME).</summary>
    public bool MultiObjective => ObjectiveCount > 1;
}
