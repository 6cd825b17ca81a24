namespace QdFunctional.Physics.Tasks;

using QdFunctional.Core.Batches;
using QdFunctional.Core.Tasks;
using QdFunctional.Physics.Models;

/// <summary>
/// What the robot tasks share: a genome in a box, turned into a schedule of joint targets (one row
/// of targets per control step), played open-loop in a MuJoCo episode that yields the quality and
/// the measures. A black box: values only, no Jacobians. Solutions are clipped into the box before
/// anything else, so any emitter's proposals are valid. Episodes run on <see cref="ParallelEpisodes"/>
/// workers and a row's result never depends on how many there are.
/// </summary>
public abstract class LocomotionTask : IBoundedTask, IDisposable
{
    readonly double[] lower,
        upper;
    readonly int[] jointAddresses;
    readonly string[] jointNames;
    readonly ParallelEpisodes episodes;

    /// <summary>Loads the embedded model <paramref name="modelFile"/> and prepares <paramref name="workers"/> workers (0: one per core).</summary>
    protected LocomotionTask(string modelFile, double[] lower, double[] upper, double episodeSeconds, double controlStep, int workers)
    {
        if (!(episodeSeconds > 0.0) || !(controlStep > 0.0) || controlStep > episodeSeconds)
            throw new ArgumentException($"Episode of {episodeSeconds} s with control step {controlStep} s: need 0 < step <= episode.");
        this.lower = lower;
        this.upper = upper;
        Model = ModelFiles.Load(modelFile);
        PhysicsStepsPerControl = Math.Max(1, (int)Math.Round(controlStep / Model.Timestep));
        ControlStep = PhysicsStepsPerControl * Model.Timestep;
        ControlSteps = Math.Max(1, (int)Math.Round(episodeSeconds / ControlStep));
        EpisodeSeconds = ControlSteps * ControlStep;
        jointAddresses = new int[Model.ActuatorCount];
        jointNames = new string[Model.ActuatorCount];
        for (int a = 0; a < Model.ActuatorCount; a++)
        {
            int joint = Model.ActuatorJoint(a);
            jointAddresses[a] = Model.JointPositionAddress(joint);
            jointNames[a] = Model.JointName(joint);
        }
        episodes = new ParallelEpisodes(Model, workers);
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public int SolutionDim => lower.Length;

    /// <inheritdoc/>
    public int ObjectiveCount => 1;

    /// <inheritdoc/>
    public abstract int MeasureDim { get; }

    /// <inheritdoc/>
    public abstract double[] MeasureLow { get; }

    /// <inheritdoc/>
    public abstract double[] MeasureHigh { get; }

    /// <inheritdoc/>
    public abstract (double Low, double High) ObjectiveRange { get; }

    /// <inheritdoc/>
    public bool HasGradients => false;

    /// <inheritdoc/>
    public double[] SolutionLower => (double[])lower.Clone();

    /// <inheritdoc/>
    public double[] SolutionUpper => (double[])upper.Clone();

    /// <summary>The compiled model every worker simulates.</summary>
    public PhysicsModel Model { get; }

    /// <summary>Worker threads evaluating a batch.</summary>
    public int Workers => episodes.Workers;

    /// <summary>Physics steps between two control updates.</summary>
    public int PhysicsStepsPerControl { get; }

    /// <summary>Seconds between two control updates (a whole number of physics steps).</summary>
    public double ControlStep { get; }

    /// <summary>Control updates per episode.</summary>
    public int ControlSteps { get; }

    /// <summary>Simulated seconds per episode.</summary>
    public double EpisodeSeconds { get; }

    /// <summary>Physics steps per episode.</summary>
    public int PhysicsSteps => ControlSteps * PhysicsStepsPerControl;

    /// <summary>Numbers per control step in the schedule.</summary>
    protected abstract int ScheduleWidth { get; }

    /// <summary>Joint targets for every row of <paramref name="clipped"/>: n × <see cref="ControlSteps"/> × <see cref="ScheduleWidth"/>.</summary>
    protected abstract double[] Schedule(SolutionBatch clipped);

    /// <summary>Writes the controls of one control step from its schedule row.</summary>
    protected abstract void ApplyControls(ReadOnlySpan<double> targets, Span<double> controls);

    /// <summary>Creates the per-episode accumulator.</summary>
    protected abstract IEpisodeScore NewScore(Simulation simulation);

    /// <summary>Quality and measures of every row (values only).</summary>
    /// <exception cref="ArgumentException">Jacobians were asked for: the physics is a black box.</exception>
    public Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (withJacobians)
            throw new ArgumentException(
                $"Task '{Name}' is a physics black box and gives values only; estimate gradients (--gradients es)."
            );
        if (solutions.Dim != SolutionDim)
            throw new ArgumentException($"Task '{Name}' has solutions of dimension {SolutionDim}, got {solutions.Dim}.", nameof(solutions));
        solutions.EnsureFinite();
        var schedule = Schedule(Clip(solutions));
        int n = solutions.Count,
            k = MeasureDim,
            perRow = ControlSteps * ScheduleWidth;
        var objectives = new double[n];
        var measures = new double[n * k];
        episodes.Run(
            n,
            (sim, row) => objectives[row] = Play(sim, schedule.AsSpan(row * perRow, perRow), measures.AsSpan(row * k, k), null)
        );
        return new Evaluation(n, 1, k, objectives, measures);
    }

    /// <summary>Plays one solution again and records it at every control step; the same episode as in <see cref="Evaluate"/>.</summary>
    public (Trajectory Trajectory, double Objective, double[] Measures) Replay(ReadOnlySpan<double> solution)
    {
        var batch = Clip(new SolutionBatch(1, SolutionDim, solution.ToArray()));
        var schedule = Schedule(batch);
        var measures = new double[MeasureDim];
        var trajectory = new Trajectory(jointNames);
        using var sim = Model.CreateSimulation();
        sim.Reset();
        double objective = Play(sim, schedule, measures, trajectory);
        return (trajectory, objective, measures);
    }

    /// <summary>Solutions clipped into the box (a copy).</summary>
    public SolutionBatch Clip(SolutionBatch solutions)
    {
        var values = solutions.Values.ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % SolutionDim;
            values[i] = Math.Clamp(values[i], lower[j], upper[j]);
        }
        return new SolutionBatch(solutions.Count, SolutionDim, values);
    }

    double Play(Simulation sim, ReadOnlySpan<double> schedule, Span<double> measures, Trajectory? record)
    {
        var score = NewScore(sim);
        int width = ScheduleWidth;
        record?.Add(sim.Time, sim.BodyPosition(RootBody), Angles(sim));
        for (int c = 0; c < ControlSteps; c++)
        {
            ApplyControls(schedule.Slice(c * width, width), sim.Controls);
            for (int s = 0; s < PhysicsStepsPerControl; s++)
            {
                sim.Step();
                score.AfterStep(sim);
            }
            record?.Add(sim.Time, sim.BodyPosition(RootBody), Angles(sim));
        }
        return score.Finish(sim, measures);
    }

    /// <summary>The body whose position is the trajectory (the disk, the torso).</summary>
    protected abstract int RootBody { get; }

    double[] Angles(Simulation sim)
    {
        var angles = new double[jointAddresses.Length];
        var q = sim.Positions;
        for (int a = 0; a < angles.Length; a++)
            angles[a] = q[jointAddresses[a]];
        return angles;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        episodes.Dispose();
        Model.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Accumulates an episode's quality and measures step by step.</summary>
public interface IEpisodeScore
{
    /// <summary>Called after every physics step.</summary>
    void AfterStep(Simulation simulation);

    /// <summary>Writes the measures and returns the quality.</summary>
    double Finish(Simulation simulation, Span<double> measures);
}
