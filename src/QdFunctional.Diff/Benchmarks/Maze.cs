namespace QdFunctional.Diff.Benchmarks;

/// <summary>
/// A deceptive maze for novelty search (in the spirit of Lehman and Stanley 2011's hard maze): a
/// point robot starts inside a cup whose closed side faces the goal. Heading for the goal leads into
/// the cup's ceiling, the closest place to the goal the robot can reach without first moving away
/// from it, so a search that follows the objective stalls there; escaping needs a detour down, round
/// a side wall and up.
/// </summary>
/// <remarks>
/// The solution is T = d/2 velocity commands (vx, vy), each clamped to [-1, 1] and scaled so that the
/// commands can move the robot at most <see cref="Reach"/> along each axis in total. Each step moves
/// the robot unless the step's segment touches a wall (then it stays put for that step); the arena
/// [0, 1]² bounds it. Returns batch × 3: objective 1 − ‖p_T − goal‖/√2 (in [0, 1]), and the final
/// position (x, y) as measures. Written with the engine's operations (comparisons and where), so
/// gradients exist almost everywhere: along free steps they are exact, and a blocked step passes none.
/// </remarks>
public static class Maze
{
    /// <summary>Where every episode starts: inside the cup.</summary>
    public static readonly (double X, double Y) Start = (0.5, 0.35);

    /// <summary>The goal, above the cup's ceiling.</summary>
    public static readonly (double X, double Y) Goal = (0.5, 0.9);

    /// <summary>How far the commands can move the robot along each axis over the episode.</summary>
    public const double Reach = 1.6;

    /// <summary>
    /// The walls, as axis-aligned segments (x0, y0, x1, y1): the cup's ceiling and its two sides, and a
    /// shelf on the left that narrows the way round.
    /// </summary>
    public static readonly (double X0, double Y0, double X1, double Y1)[] Walls =
    [
        (0.2, 0.6, 0.8, 0.6),
        (0.2, 0.25, 0.2, 0.6),
        (0.8, 0.25, 0.8, 0.6),
        (0.0, 0.75, 0.35, 0.75),
    ];

    /// <summary>The final positions and objectives of a batch of command sequences (batch × 2T → batch × 3).</summary>
    public static Tensor Evaluate(Tensor commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Cols < 2 || commands.Cols % 2 != 0)
            throw new ArgumentException($"maze: commands come in (vx, vy) pairs, got {commands.Cols} columns");
        int steps = commands.Cols / 2;
        double scale = Reach / steps;
        var x = Tensor.Full(commands.Rows, 1, Start.X);
        var y = Tensor.Full(commands.Rows, 1, Start.Y);
        for (int t = 0; t < steps; t++)
        {
            var nx = Tensor.Clamp(x + Tensor.Clamp(Tensor.Slice(commands, 2 * t, 1), -1.0, 1.0) * scale, 0.0, 1.0);
            var ny = Tensor.Clamp(y + Tensor.Clamp(Tensor.Slice(commands, 2 * t + 1, 1), -1.0, 1.0) * scale, 0.0, 1.0);
            Tensor? blocked = null;
            foreach (var wall in Walls)
            {
                var hit = Touches(x, y, nx, ny, wall);
                blocked = blocked is null ? hit : Tensor.Max(blocked, hit);
            }
            x = Tensor.Where(blocked!, x, nx);
            y = Tensor.Where(blocked!, y, ny);
        }
        var distance = Tensor.Sqrt(Tensor.Square(x - Goal.X) + Tensor.Square(y - Goal.Y) + 1e-18);
        return Tensor.Concat(1.0 - distance / Math.Sqrt(2.0), x, y);
    }

    /// <summary>
    /// 1 where the step from (x, y) to (nx, ny) touches the wall, else 0: the step starts and ends on
    /// different sides of the wall's line (or on it), and the step's extent along the wall overlaps
    /// the wall. Conservative near corners, so the robot never slips through a wall's end.
    /// </summary>
    static Tensor Touches(Tensor x, Tensor y, Tensor nx, Tensor ny, (double X0, double Y0, double X1, double Y1) wall)
    {
        bool horizontal = wall.Y0 == wall.Y1;
        var (across, acrossNext, along, alongNext) = horizontal ? (y, ny, x, nx) : (x, nx, y, ny);
        double line = horizontal ? wall.Y0 : wall.X0;
        double lo = horizontal ? Math.Min(wall.X0, wall.X1) : Math.Min(wall.Y0, wall.Y1);
        double hi = horizontal ? Math.Max(wall.X0, wall.X1) : Math.Max(wall.Y0, wall.Y1);
        var crosses = Tensor.LessOrEqual((across - line) * (acrossNext - line), 0.0);
        var overlaps = Tensor.LessOrEqual(Tensor.Min(along, alongNext), hi) * Tensor.GreaterOrEqual(Tensor.Max(along, alongNext), lo);
        return crosses * overlaps;
    }
}
