namespace QdFunctional.Physics.Native;

using System.Runtime.InteropServices;

/// <summary>Owns an <c>mjModel*</c>; released with <c>mj_deleteModel</c> exactly once, even if the owner is never disposed.</summary>
public sealed unsafe class ModelHandle : SafeHandle
{
    readonly MuJoCoLibrary library;

    internal ModelHandle(MuJoCoLibrary library, void* model)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        this.library = library;
        SetHandle((IntPtr)model);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    internal byte* Pointer => (byte*)handle;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        library.DeleteModel((void*)handle);
        return true;
    }
}
