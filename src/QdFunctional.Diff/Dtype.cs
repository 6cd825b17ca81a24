namespace QdFunctional.Diff;

/// <summary>The element type of a tensor: float64 (the default) or float32.</summary>
/// <remarks>Named like DiffSharp's <c>Dtype.Float32</c>. A float32 tensor stores <c>float[]</c> and every
/// kernel on it computes in single precision (transcendental functions excepted: they are evaluated by
/// the portable float64 kernels and rounded once to float32, so they stay bit-identical on every
/// machine and backend). Operations never mix dtypes: an operation given both throws an error naming
/// itself; convert one side with <see cref="Tensor.Cast(Tensor, Dtype)"/> (differentiable).</remarks>
public enum Dtype
{
    /// <summary>IEEE 754 binary64 (double): the default, bit-reproducible everywhere.</summary>
    Float64,

    /// <summary>IEEE 754 binary32 (float): half the memory and twice the SIMD lanes, about 7 significant digits.</summary>
    Float32,
}

/// <summary>Names of <see cref="Dtype"/> values as settings and messages write them.</summary>
public static class Dtypes
{
    /// <summary>"float64" or "float32".</summary>
    /// <remarks>The spelling of command-line options and configuration files.</remarks>
    public static string Name(this Dtype dtype) =>
        dtype switch
        {
            Dtype.Float64 => "float64",
            Dtype.Float32 => "float32",
            _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
        };

    /// <summary>The dtype called <paramref name="name"/> ("float64"/"double" or "float32"/"float"/"single").</summary>
    /// <remarks>For settings given as text; the error lists the accepted names.</remarks>
    public static Dtype Parse(string name) =>
        name?.ToLowerInvariant() switch
        {
            "float64" or "double" => Dtype.Float64,
            "float32" or "float" or "single" => Dtype.Float32,
            _ => throw new ArgumentException($"dtype: no dtype named '{name}' (have: float64, float32)", nameof(name)),
        };
}
