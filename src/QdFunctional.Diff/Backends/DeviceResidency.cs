namespace QdFunctional.Diff;

/// <summary>A backend that keeps values on a device between kernels, so a forward or backward pass
/// never copies an intermediate result back to the host.</summary>
/// <remarks>The seam's kernels take host arrays; such a backend treats each array as the handle of its
/// device copy and leaves results there. The engine calls these three methods at the few places where
/// it touches values on the host (reading results, clearing and seeding gradients), through
/// <see cref="DeviceResidency"/>. CPU backends keep values on the host and implement nothing.</remarks>
public interface IDeviceResident
{
    /// <summary>The host is about to read <paramref name="data"/>: copy the device's newer values back, if any.</summary>
    /// <remarks>Called for every host read, also of arrays this backend never saw (then it does nothing).</remarks>
    void ToHost(Array data);

    /// <summary>The host has just written <paramref name="data"/>: the device copy, if any, is stale.</summary>
    /// <remarks>The next kernel that reads it uploads it again.</remarks>
    void HostWrote(Array data);

    /// <summary>The host has just set every element of <paramref name="data"/> to zero.</summary>
    /// <remarks>Lets a backend clear its device copy in place instead of uploading zeros.</remarks>
    void HostCleared(Array data);
}

/// <summary>The device-resident backends in this process, told whenever the engine touches values on
/// the host.</summary>
/// <remarks>A registry rather than the tensor's own backend, because a tensor computed by one backend may
/// be read while another is in effect. Empty unless a device backend registered itself, so CPU-only use
/// pays one empty loop per host access.</remarks>
public static class DeviceResidency
{
    private static IDeviceResident[] all = [];
    private static readonly Lock gate = new();

    /// <summary>Adds a device backend; it will hear of every host read and write from now on.</summary>
    /// <remarks>Called by the backend itself when it opens its device.</remarks>
    public static void Register(IDeviceResident backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        lock (gate)
            all = [.. all, backend];
    }

    /// <summary>Removes a device backend (when it closes its device).</summary>
    /// <remarks>Its arrays must have been read back before, as it will not hear of host reads again.</remarks>
    public static void Unregister(IDeviceResident backend)
    {
        lock (gate)
            all = Array.FindAll(all, b => !ReferenceEquals(b, backend));
    }

    internal static void ReadOnHost(Array data)
    {
        foreach (var b in all)
            b.ToHost(data);
    }

    internal static void WroteOnHost(Array data)
    {
        foreach (var b in all)
            b.HostWrote(data);
    }

    internal static void ClearedOnHost(Array data)
    {
        foreach (var b in all)
            b.HostCleared(data);
    }
}
