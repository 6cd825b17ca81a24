namespace QdFunctional.Physics.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Diff;
using QdFunctional.Physics.Control;
using QdFunctional.Physics.Models;

/// <summary>
/// The CPG tutorial's case study: a five-armed brittle star (30 position-controlled hinges) driven
/// by the <see cref="CpgController"/> for 5 simulated seconds in a 10 × 10 m walled arena.
/// Quality: minus the mean absolute actuator force over the episode (over steps and actuators;
/// an energy proxy, in [−8, 0] for the model's force limit of 8). Measures: the disk's final (x, y),
/// archived on a 30 × 30 grid over [−3, 3]².
/// </summary>
/// <remarks>
/// Genome (26 numbers, see <see cref="CpgController"/>): amplitudes R ∈ [0, 1] (0–9), offsets
/// X ∈ [−1, 1] (10–19), frequency ω ∈ [0, 3π] at index 20, phase biases ∈ [−π, π] (21–25). The
/// tutorial's code reads ω from index 21, overlapping the first phase bias; index 20 is the
/// frequency here. The CPG runs at a 0.02 s control step (5 physics steps of 4 ms); its targets
/// are computed for the whole batch in the differentiable engine, then played by the workers.
/// </remarks>
public sealed class BrittleStarTask : LocomotionTask
{
    /// <summary>The name <c>qd run --task</c> knows it by.</summary>
    public const string TaskName = "brittle-star";

    /// <summary>Rows of CPG rolled out together: bounds the engine's tape for long episodes.</summary>
    const int RolloutChunk = 16;

    readonly int disk;
    readonly double forceLimit = 8.0;

    /// <summary>The tutorial's task: 5 s episodes; <paramref name="workers"/> 0 means one per core.</summary>
    public BrittleStarTask(double episodeSeconds = 5.0, int workers = 0, double controlStep = 0.02)
        : base(ModelFiles.BrittleStar, CpgController.LowerBounds, CpgController.UpperBounds, episodeSeconds, controlStep, workers)
    {
        if (Model.ActuatorCount != 3 * CpgController.Outputs)
            throw new InvalidDataException(
                $"The brittle star needs {3 * CpgController.Outputs} actuators; its model has {Model.ActuatorCount}."
            );
        disk = Model.BodyId("disk");
    }

    /// <inheritdoc/>
    public override string Name => TaskName;

    /// <inheritdoc/>
    public override int MeasureDim => 2;

    /// <inheritdoc/>
    public override double[] MeasureLow => [-3.0, -3.0];

    /// <inheritdoc/>
    public override double[] MeasureHigh => [3.0, 3.0];

    /// <inheritdoc/>
    public override (double Low, double High) ObjectiveRange => (-forceLimit, 0.0);

    /// <inheritdoc/>
    protected override int RootBody => disk;

    /// <inheritdoc/>
    protected override int ScheduleWidth => CpgController.Outputs;

    /// <inheritdoc/>
    protected override double[] Schedule(SolutionBatch clipped)
    {
        int perRow = ControlSteps * CpgController.Outputs;
        var all = new double[clipped.Count * perRow];
        for (int start = 0; start < clipped.Count; start += RolloutChunk)
        {
            int rows = Math.Min(RolloutChunk, clipped.Count - start);
            var genome = Tensor.FromArray(clipped.Values.Slice(start * SolutionDim, rows * SolutionDim).ToArray(), rows, SolutionDim);
            var targets = Autodiff.Evaluate(g => CpgController.Rollout(g, ControlSteps, ControlStep), genome);
            targets.ToArray().CopyTo(all, start * perRow);
        }
        return all;
    }

    /// <summary>Every segment of arm k takes the arm's in-plane and out-of-plane targets (actuators arm k, segment j: 6k + 2j, 6k + 2j + 1).</summary>
    protected override void ApplyControls(ReadOnlySpan<double> targets, Span<double> controls)
    {
        for (int arm = 0; arm < CpgController.Arms; arm++)
        for (int segment = 0; segment < 3; segment++)
        {
            controls[6 * arm + 2 * segment] = targets[arm];
            controls[6 * arm + 2 * segment + 1] = targets[CpgController.Arms + arm];
        }
    }

    /// <inheritdoc/>
    protected override IEpisodeScore NewScore(Simulation simulation) => new Score(disk);

    sealed class Score(int disk) : IEpisodeScore
    {
        double forceSum;
        long samples;

        public void AfterStep(Simulation simulation)
        {
            foreach (var f in simulation.ActuatorForces)
                forceSum += Math.Abs(f);
            samples += simulation.Model.ActuatorCount;
        }

        public double Finish(Simulation simulation, Span<double> measures)
        {
            var p = simulation.BodyPosition(disk);
            measures[0] = p[0];
            measures[1] = p[1];
            return -forceSum / samples;
        }
    }
}
