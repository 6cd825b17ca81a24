namespace QdFunctional.Physics;

/// <summary>
/// One episode sampled at every control step: time, the root body's position, and the actuated
/// joints' angles (in actuator order). What <c>qd replay</c> writes to Parquet.
/// </summary>
public sealed class Trajectory
{
    readonly List<double> times = [],
        xs = [],
        ys = [],
        zs = [];
    readonly List<double[]> joints = [];

    /// <summary>Joint names, in the order of each row's angles.</summary>
    public Trajectory(IReadOnlyList<string> jointNames) => JointNames = jointNames;

    /// <summary>Names of the recorded joints.</summary>
    public IReadOnlyList<string> JointNames { get; }

    /// <summary>Samples.</summary>
    public int Count => times.Count;

    /// <summary>Simulated seconds of each sample.</summary>
    public IReadOnlyList<double> Time => times;

    /// <summary>Root x of each sample.</summary>
    public IReadOnlyList<double> X => xs;

    /// <summary>Root y of each sample.</summary>
    public IReadOnlyList<double> Y => ys;

    /// <summary>Root z of each sample.</summary>
    public IReadOnlyList<double> Z => zs;

    /// <summary>Joint angles of each sample.</summary>
    public IReadOnlyList<double[]> Joints => joints;

    internal void Add(double time, ReadOnlySpan<double> root, double[] angles)
    {
        times.Add(time);
        xs.Add(root[0]);
        ys.Add(root[1]);
        zs.Add(root[2]);
        joints.Add(angles);
    }
}
