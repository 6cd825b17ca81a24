namespace QdFunctional.Diff;

/// <summary>The backends this build has, by value and by name.</summary>
/// <remarks>User code (or a command-line flag) picks one explicitly; nothing is found by reflection.</remarks>
public static class Backends
{
    /// <summary>The SIMD, multi-core CPU backend (the default).</summary>
    /// <remarks>TensorPrimitives kernels, rows split across cores in fixed blocks.</remarks>
    public static IBackend Simd { get; } = new SimdBackend();

    /// <summary>The plain-loop reference backend.</summary>
    /// <remarks>Slow on purpose: an independent check of the fast one.</remarks>
    public static IBackend Scalar { get; } = new ScalarBackend();

    /// <summary>Every backend, in a fixed order (the test suite runs over all of them).</summary>
    /// <remarks>A new backend is added here and nowhere else.</remarks>
    public static IReadOnlyList<IBackend> All { get; } = [Simd, Scalar];

    /// <summary>The backend with this <see cref="IBackend.Name"/> ("simd", "scalar").</summary>
    /// <remarks>For settings given as text, such as a command-line option.</remarks>
    public static IBackend ByName(string name)
    {
        foreach (var b in All)
            if (string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))
                return b;
        throw new ArgumentException(
            $"backend: no backend named '{name}' (have: {string.Join(", ", All.Select(b => b.Name))})",
            nameof(name)
        );
    }
}
