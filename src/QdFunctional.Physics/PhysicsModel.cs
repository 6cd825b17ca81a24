namespace QdFunctional.Physics;

using System.Text;
using QdFunctional.Physics.Native;

/// <summary>
/// A compiled MuJoCo model (<c>mjModel</c>), loaded from MJCF text. One model is shared by every
/// worker: MuJoCo only reads it while stepping, and each worker steps its own <see cref="Simulation"/>.
/// </summary>
public sealed unsafe class PhysicsModel : IDisposable
{
    const string VirtualFileName = "model.xml";
    readonly ModelHandle handle;

    PhysicsModel(MuJoCoLibrary library, ModelHandle handle, string name)
    {
        Library = library;
        this.handle = handle;
        Name = name;
        var m = handle.Pointer;
        PositionCount = *(int*)(m + Layout.ModelNq);
        VelocityCount = *(int*)(m + Layout.ModelNv);
        ActuatorCount = *(int*)(m + Layout.ModelNu);
        BodyCount = *(int*)(m + Layout.ModelNbody);
        JointCount = *(int*)(m + Layout.ModelNjnt);
        GeomCount = *(int*)(m + Layout.ModelNgeom);
        Timestep = *(double*)(m + Layout.ModelTimestep);
    }

    /// <summary>Compiles MJCF text; <paramref name="name"/> only labels error messages.</summary>
    /// <exception cref="InvalidDataException">The MJCF does not compile; the message is MuJoCo's error on one line.</exception>
    /// <exception cref="PhysicsUnavailableException">MuJoCo 2.2.2 is not installed.</exception>
    public static PhysicsModel FromXml(string xml, string name, MuJoCoLibrary? library = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        library ??= MuJoCoLibrary.Shared;
        var bytes = Encoding.UTF8.GetBytes(xml);
        var fileName = Encoding.ASCII.GetBytes(VirtualFileName + "\0");
        // MuJoCo 2.2.2 reads MJCF from a file or from its virtual file system; the VFS keeps
        // models embedded in the assembly off the disk.
        var vfs = System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)Layout.VfsSize);
        try
        {
            library.DefaultVfs(vfs);
            const int ErrorSize = 1000;
            var error = stackalloc byte[ErrorSize];
            void* model;
            fixed (byte* file = fileName)
            {
                if (library.MakeEmptyFileVfs(vfs, file, Math.Max(1, bytes.Length)) != 0)
                    throw new InvalidDataException($"MJCF model '{name}': MuJoCo could not hold {bytes.Length} bytes in memory.");
                int index = library.FindFileVfs(vfs, file);
                var target = ((void**)((byte*)vfs + Layout.VfsFileData))[index];
                bytes.CopyTo(new Span<byte>(target, bytes.Length));
                model = library.LoadXml(file, vfs, error, ErrorSize);
            }
            if (model is null)
                throw new InvalidDataException($"MJCF model '{name}' does not load: {OneLine(error)}");
            return new PhysicsModel(library, new ModelHandle(library, model), name);
        }
        finally
        {
            library.DeleteVfs(vfs);
            System.Runtime.InteropServices.NativeMemory.Free(vfs);
        }
    }

    /// <summary>Compiles the MJCF file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The MJCF does not compile.</exception>
    public static PhysicsModel FromFile(string path, MuJoCoLibrary? library = null) =>
        FromXml(File.ReadAllText(path), Path.GetFileName(path), library);

    /// <summary>The library the model was compiled by.</summary>
    public MuJoCoLibrary Library { get; }

    /// <summary>The label given at load time.</summary>
    public string Name { get; }

    /// <summary>nq: generalized coordinates.</summary>
    public int PositionCount { get; }

    /// <summary>nv: degrees of freedom.</summary>
    public int VelocityCount { get; }

    /// <summary>nu: actuators (controls).</summary>
    public int ActuatorCount { get; }

    /// <summary>nbody, the world body included.</summary>
    public int BodyCount { get; }

    /// <summary>njnt.</summary>
    public int JointCount { get; }

    /// <summary>ngeom.</summary>
    public int GeomCount { get; }

    /// <summary>Seconds per physics step (opt.timestep).</summary>
    public double Timestep { get; }

    internal ModelHandle Handle => handle;

    /// <summary>The body called <paramref name="name"/>.</summary>
    public int BodyId(string name) => IdOf(1, "body", name);

    /// <summary>The joint called <paramref name="name"/>.</summary>
    public int JointId(string name) => IdOf(3, "joint", name);

    /// <summary>The geom called <paramref name="name"/>.</summary>
    public int GeomId(string name) => IdOf(5, "geom", name);

    /// <summary>The actuator called <paramref name="name"/>.</summary>
    public int ActuatorId(string name) => IdOf(18, "actuator", name);

    /// <summary>Joint <paramref name="joint"/>'s name ("joint_N" when it has none).</summary>
    public string JointName(int joint)
    {
        var name = Library.IdToName(handle.Pointer, 3, Check(joint, JointCount, "joint"));
        return name is null ? $"joint_{joint}" : new string((sbyte*)name);
    }

    /// <summary>Where joint <paramref name="joint"/>'s first coordinate sits in qpos.</summary>
    public int JointPositionAddress(int joint) => ReadInt(Layout.ModelJointQposAddress, Check(joint, JointCount, "joint"));

    /// <summary>Joint <paramref name="joint"/>'s range (lower, upper).</summary>
    public (double Low, double High) JointRange(int joint)
    {
        int j = Check(joint, JointCount, "joint");
        return (ReadDouble(Layout.ModelJointRange, 2 * j), ReadDouble(Layout.ModelJointRange, 2 * j + 1));
    }

    /// <summary>The joint actuator <paramref name="actuator"/> drives.</summary>
    public int ActuatorJoint(int actuator) => ReadInt(Layout.ModelActuatorTarget, 2 * Check(actuator, ActuatorCount, "actuator"));

    /// <summary>Actuator <paramref name="actuator"/>'s control range (lower, upper).</summary>
    public (double Low, double High) ControlRange(int actuator)
    {
        int a = Check(actuator, ActuatorCount, "actuator");
        return (ReadDouble(Layout.ModelActuatorControlRange, 2 * a), ReadDouble(Layout.ModelActuatorControlRange, 2 * a + 1));
    }

    /// <summary>The body geom <paramref name="geom"/> belongs to.</summary>
    public int GeomBody(int geom) => ReadInt(Layout.ModelGeomBody, Check(geom, GeomCount, "geom"));

    /// <summary>A new simulation state for this model (one per worker thread).</summary>
    public Simulation CreateSimulation() => new(this);

    /// <inheritdoc/>
    public void Dispose() => handle.Dispose();

    int IdOf(int type, string kind, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        int id;
        fixed (byte* p = bytes)
            id = Library.NameToId(handle.Pointer, type, p);
        return id >= 0 ? id : throw new ArgumentException($"Model '{Name}' has no {kind} called '{name}'.", nameof(name));
    }

    int ReadInt(int field, int index) => (*(int**)(handle.Pointer + field))[index];

    double ReadDouble(int field, int index) => (*(double**)(handle.Pointer + field))[index];

    static int Check(int index, int count, string kind) =>
        (uint)index < (uint)count ? index : throw new ArgumentOutOfRangeException(kind, index, $"The model has {count} of them.");

    static string OneLine(byte* error)
    {
        var text = new string((sbyte*)error);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "MuJoCo gave no reason" : string.Join("; ", lines);
    }
}
