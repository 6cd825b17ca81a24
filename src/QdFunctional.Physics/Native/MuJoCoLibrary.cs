namespace QdFunctional.Physics.Native;

using System.Runtime.InteropServices;

/// <summary>
/// The MuJoCo 2.2.2 C library, opened by name and reached through unmanaged function pointers.
/// Opening it explicitly (instead of through <c>DllImport</c>) gives one place that fails with a
/// one-line instruction when the library is absent, and a seam that tests use to simulate that.
/// </summary>
public sealed unsafe class MuJoCoLibrary
{
    /// <summary>The soname of Debian's <c>libmujoco2.2.2</c> package.</summary>
    public const string DefaultName = "libmujoco.so.2.2.2";

    /// <summary>Environment variable that names another file to open instead (for a library built elsewhere).</summary>
    public const string PathVariable = "QDF_MUJOCO_LIBRARY";

    /// <summary>What to run when the library is missing; every such error message contains it.</summary>
    public const string InstallHint = "apt-get install libmujoco2.2.2";

    static readonly Lazy<MuJoCoLibrary> shared = new(() =>
        Open(Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : DefaultName)
    );

    /// <summary>The process-wide library, opened on first use.</summary>
    /// <exception cref="PhysicsUnavailableException">The library is missing or not version 2.2.2.</exception>
    public static MuJoCoLibrary Shared => shared.Value;

    internal readonly delegate* unmanaged<int> Version;
    internal readonly delegate* unmanaged<byte*, void*, byte*, int, void*> LoadXml;
    internal readonly delegate* unmanaged<void*, void> DeleteModel;
    internal readonly delegate* unmanaged<void*, void*> MakeData;
    internal readonly delegate* unmanaged<void*, void> DeleteData;
    internal readonly delegate* unmanaged<void*, void*, void> ResetData;
    internal readonly delegate* unmanaged<void*, void*, void> Step;
    internal readonly delegate* unmanaged<void*, void*, void> Forward;
    internal readonly delegate* unmanaged<void*, int, byte*, int> NameToId;
    internal readonly delegate* unmanaged<void*, int, int, byte*> IdToName;
    internal readonly delegate* unmanaged<void*, void> DefaultVfs;
    internal readonly delegate* unmanaged<void*, byte*, int, int> MakeEmptyFileVfs;
    internal readonly delegate* unmanaged<void*, byte*, int> FindFileVfs;
    internal readonly delegate* unmanaged<void*, void> DeleteVfs;

    MuJoCoLibrary(IntPtr handle, string name)
    {
        Name = name;
        Version = (delegate* unmanaged<int>)Export(handle, name, "mj_version");
        LoadXml = (delegate* unmanaged<byte*, void*, byte*, int, void*>)Export(handle, name, "mj_loadXML");
        DeleteModel = (delegate* unmanaged<void*, void>)Export(handle, name, "mj_deleteModel");
        MakeData = (delegate* unmanaged<void*, void*>)Export(handle, name, "mj_makeData");
        DeleteData = (delegate* unmanaged<void*, void>)Export(handle, name, "mj_deleteData");
        ResetData = (delegate* unmanaged<void*, void*, void>)Export(handle, name, "mj_resetData");
        Step = (delegate* unmanaged<void*, void*, void>)Export(handle, name, "mj_step");
        Forward = (delegate* unmanaged<void*, void*, void>)Export(handle, name, "mj_forward");
        NameToId = (delegate* unmanaged<void*, int, byte*, int>)Export(handle, name, "mj_name2id");
        IdToName = (delegate* unmanaged<void*, int, int, byte*>)Export(handle, name, "mj_id2name");
        DefaultVfs = (delegate* unmanaged<void*, void>)Export(handle, name, "mj_defaultVFS");
        MakeEmptyFileVfs = (delegate* unmanaged<void*, byte*, int, int>)Export(handle, name, "mj_makeEmptyFileVFS");
        FindFileVfs = (delegate* unmanaged<void*, byte*, int>)Export(handle, name, "mj_findFileVFS");
        DeleteVfs = (delegate* unmanaged<void*, void>)Export(handle, name, "mj_deleteVFS");
        LoadedVersion = Version();
        if (LoadedVersion != Layout.Version)
            throw new PhysicsUnavailableException(
                $"{name} is MuJoCo {LoadedVersion / 100}.{LoadedVersion / 10 % 10}.{LoadedVersion % 10}; QdFunctional needs 2.2.2: {InstallHint}"
            );
        // MuJoCo prints warnings (bad accelerations, full contact buffers) to standard output by
        // default, which would break a progress bar; they are still counted in mjData.warning.
        *(delegate* unmanaged<byte*, void>*)Export(handle, name, "mju_user_warning") = &IgnoreWarning;
    }

    /// <summary>The file name the library was opened by.</summary>
    public string Name { get; }

    /// <summary><c>mj_version()</c>: 222 for 2.2.2.</summary>
    public int LoadedVersion { get; }

    /// <summary>Opens the library <paramref name="name"/> (a soname or a path) and checks its version.</summary>
    /// <exception cref="PhysicsUnavailableException">It cannot be opened, lacks a function, or is another version.</exception>
    public static MuJoCoLibrary Open(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!NativeLibrary.TryLoad(name, out var handle))
            throw new PhysicsUnavailableException($"MuJoCo 2.2.2 is not installed ({name} cannot be opened): {InstallHint}");
        return new MuJoCoLibrary(handle, name);
    }

    /// <summary>Whether the shared library can be opened; for callers that offer physics only when it is there.</summary>
    public static bool IsAvailable()
    {
        try
        {
            _ = Shared;
            return true;
        }
        catch (PhysicsUnavailableException)
        {
            return false;
        }
    }

    static IntPtr Export(IntPtr handle, string name, string symbol) =>
        NativeLibrary.TryGetExport(handle, symbol, out var address)
            ? address
            : throw new PhysicsUnavailableException($"{name} has no {symbol}; it is not MuJoCo 2.2.2: {InstallHint}");

    [UnmanagedCallersOnly]
    static void IgnoreWarning(byte* message) { }
}
