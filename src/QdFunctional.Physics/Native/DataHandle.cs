namespace QdFunctional.Physics.Native;

using System.Runtime.InteropServices;

/// <summary>Owns an <c>mjData*</c>; released with <c>mj_deleteData</c> exactly once.</summary>
/// <remarks>Holds its model's handle too, so the model outlives every data block made from it.</remarks>
public sealed unsafe class DataHandle : SafeHandle
{
    readonly MuJoCoLibrary library;
    readonly ModelHandle model;

    internal DataHandle(MuJoCoLibrary library, ModelHandle model, void* data)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        this.library = library;
        this.model = model;
        bool added = false;
        model.DangerousAddRef(ref added);
        SetHandle((IntPtr)data);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    internal byte* Pointer => (byte*)handle;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        library.DeleteData((void*)handle);
        model.DangerousRelease();
        return true;
    }
}
