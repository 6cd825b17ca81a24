namespace QdFunctional.Physics;

using QdFunctional.Physics.Native;

/// <summary>
/// One simulation state (<c>mjData</c>) of a shared model: the unit a worker thread owns. Reset it,
/// write controls, step, and read positions, velocities, actuator forces and contacts as spans
/// over MuJoCo's own arrays (valid until the simulation is disposed).
/// </summary>
public sealed unsafe class Simulation : IDisposable
{
    readonly MuJoCoLibrary library;
    readonly DataHandle data;
    readonly void* model;
    readonly byte* d;
    readonly double* qpos,
        qvel,
        ctrl,
        force,
        xpos;

    internal Simulation(PhysicsModel model)
    {
        Model = model;
        library = model.Library;
        this.model = model.Handle.Pointer;
        var raw = library.MakeData(this.model);
        if (raw is null)
            throw new InsufficientMemoryException($"MuJoCo could not allocate data for model '{model.Name}'.");
        data = new DataHandle(library, model.Handle, raw);
        d = (byte*)raw;
        // MuJoCo allocates these arrays once in mj_makeData; they never move.
        qpos = *(double**)(d + Layout.DataQpos);
        qvel = *(double**)(d + Layout.DataQvel);
        ctrl = *(double**)(d + Layout.DataControl);
        force = *(double**)(d + Layout.DataActuatorForce);
        xpos = *(double**)(d + Layout.DataBodyPosition);
        library.Forward(this.model, d);
    }

    /// <summary>The model simulated.</summary>
    public PhysicsModel Model { get; }

    /// <summary>Simulated seconds since the last reset.</summary>
    public double Time => *(double*)(d + Layout.DataTime);

    /// <summary>qpos (nq): generalized coordinates, writable before <see cref="Forward"/>.</summary>
    public Span<double> Positions => new(qpos, Model.PositionCount);

    /// <summary>qvel (nv).</summary>
    public Span<double> Velocities => new(qvel, Model.VelocityCount);

    /// <summary>ctrl (nu): the controls the next step applies.</summary>
    public Span<double> Controls => new(ctrl, Model.ActuatorCount);

    /// <summary>actuator_force (nu) of the last step.</summary>
    public ReadOnlySpan<double> ActuatorForces => new(force, Model.ActuatorCount);

    /// <summary>Body <paramref name="body"/>'s world position (x, y, z) after the last step.</summary>
    public ReadOnlySpan<double> BodyPosition(int body) => new(xpos + 3 * (long)body, 3);

    /// <summary>Contacts found by the last step.</summary>
    public int ContactCount => *(int*)(d + Layout.DataContactCount);

    /// <summary>Contact <paramref name="index"/>'s two geoms and signed distance (negative: penetration).</summary>
    public (int Geom1, int Geom2, double Distance) Contact(int index)
    {
        if ((uint)index >= (uint)ContactCount)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The last step found {ContactCount} contacts.");
        var c = *(byte**)(d + Layout.DataContacts) + (long)index * Layout.ContactSize;
        return (*(int*)(c + Layout.ContactGeom1), *(int*)(c + Layout.ContactGeom2), *(double*)(c + Layout.ContactDistance));
    }

    /// <summary>Back to the model's initial state (time 0, qpos0, zero velocities and controls).</summary>
    public void Reset()
    {
        library.ResetData(model, d);
        library.Forward(model, d);
    }

    /// <summary>Advances one timestep with the current controls.</summary>
    public void Step() => library.Step(model, d);

    /// <summary>Recomputes positions, contacts and forces for the current state without advancing time.</summary>
    public void Forward() => library.Forward(model, d);

    /// <inheritdoc/>
    public void Dispose() => data.Dispose();
}
