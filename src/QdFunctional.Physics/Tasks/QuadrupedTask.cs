namespace QdFunctional.Physics.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Physics.Models;

/// <summary>
/// The standard QD locomotion benchmark on our own quadruped (torso, four legs of two segments,
/// 8 position-controlled hinges): an open-loop periodic gait, joint j targeting
/// <c>clip(offset_j + amplitude_j sin(2π f t + phase_j), ±40°)</c> with f = 1 Hz, for 5 s.
/// Quality: forward distance (x) minus 0.05 × the mean absolute actuator force. Measures: the
/// fraction of physics steps each foot (front-left, front-right, back-left, back-right) touches
/// the ground, archived in a CVT of 1,024 cells over [0, 1]⁴.
/// </summary>
/// <remarks>Genome (24 numbers): amplitudes ∈ [0, 0.7] (0–7), phases ∈ [−π, π] (8–15), offsets ∈ [−0.7, 0.7] (16–23), joints in actuator order (hip, knee per leg).</remarks>
public sealed class QuadrupedTask : LocomotionTask
{
    /// <summary>The name <c>qd run --task</c> knows it by.</summary>
    public const string TaskName = "quadruped";

    /// <summary>Gait frequency (Hz).</summary>
    public const double Frequency = 1.0;

    /// <summary>Weight of the mean absolute actuator force in the quality.</summary>
    public const double EnergyWeight = 0.05;

    const int Joints = 8;
    const double Limit = 0.6981317007977318;
    static readonly string[] Legs = ["front_left", "front_right", "back_left", "back_right"];

    readonly int torso,
        floor;
    readonly int[] feet;

    /// <summary>5 s episodes at a 0.02 s control step; <paramref name="workers"/> 0 means one per core.</summary>
    public QuadrupedTask(double episodeSeconds = 5.0, int workers = 0, double controlStep = 0.02)
        : base(ModelFiles.Quadruped, Bounds(0.0, -Math.PI, -Limit), Bounds(Limit, Math.PI, Limit), episodeSeconds, controlStep, workers)
    {
        torso = Model.BodyId("torso");
        floor = Model.GeomId("floor");
        feet = [.. Legs.Select(l => Model.GeomId(l + "_foot"))];
    }

    /// <inheritdoc/>
    public override string Name => TaskName;

    /// <inheritdoc/>
    public override int MeasureDim => 4;

    /// <inheritdoc/>
    public override double[] MeasureLow => [0.0, 0.0, 0.0, 0.0];

    /// <inheritdoc/>
    public override double[] MeasureHigh => [1.0, 1.0, 1.0, 1.0];

    /// <inheritdoc/>
    public override (double Low, double High) ObjectiveRange => (-2.0, 4.0);

    /// <inheritdoc/>
    protected override int RootBody => torso;

    /// <inheritdoc/>
    protected override int ScheduleWidth => Joints;

    /// <inheritdoc/>
    protected override double[] Schedule(SolutionBatch clipped)
    {
        var all = new double[clipped.Count * ControlSteps * Joints];
        for (int row = 0; row < clipped.Count; row++)
        {
            var g = clipped.Row(row);
            for (int c = 0; c < ControlSteps; c++)
            {
                // Targets for the interval that starts at time c · dt.
                double phase = 2.0 * Math.PI * Frequency * c * ControlStep;
                for (int j = 0; j < Joints; j++)
                    all[(row * ControlSteps + c) * Joints + j] = Math.Clamp(
                        g[2 * Joints + j] + g[j] * Math.Sin(phase + g[Joints + j]),
                        -Limit,
                        Limit
                    );
            }
        }
        return all;
    }

    /// <inheritdoc/>
    protected override void ApplyControls(ReadOnlySpan<double> targets, Span<double> controls) => targets.CopyTo(controls);

    /// <inheritdoc/>
    protected override IEpisodeScore NewScore(Simulation simulation) => new Score(this, simulation.BodyPosition(torso)[0]);

    static double[] Bounds(double amplitude, double phase, double offset)
    {
        var b = new double[3 * Joints];
        b.AsSpan(0, Joints).Fill(amplitude);
        b.AsSpan(Joints, Joints).Fill(phase);
        b.AsSpan(2 * Joints, Joints).Fill(offset);
        return b;
    }

    sealed class Score(QuadrupedTask task, double startX) : IEpisodeScore
    {
        readonly int[] touching = new int[4];
        double forceSum;
        long steps;

        public void AfterStep(Simulation simulation)
        {
            foreach (var f in simulation.ActuatorForces)
                forceSum += Math.Abs(f);
            steps++;
            Span<bool> touched = stackalloc bool[4];
            for (int i = 0; i < simulation.ContactCount; i++)
            {
                var (g1, g2, _) = simulation.Contact(i);
                int other =
                    g1 == task.floor ? g2
                    : g2 == task.floor ? g1
                    : -1;
                int foot = Array.IndexOf(task.feet, other);
                if (foot >= 0)
                    touched[foot] = true;
            }
            for (int f = 0; f < 4; f++)
                if (touched[f])
                    touching[f]++;
        }

        public double Finish(Simulation simulation, Span<double> measures)
        {
            for (int f = 0; f < 4; f++)
                measures[f] = (double)touching[f] / steps;
            double meanForce = forceSum / (steps * simulation.Model.ActuatorCount);
            return simulation.BodyPosition(task.torso)[0] - startX - EnergyWeight * meanForce;
        }
    }
}
