using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace QdFunctional.Gpu;

/// <summary>Thrown when a device is asked for that this machine does not have (CUDA without a GPU or driver).</summary>
/// <remarks>A distinct type so a command line can print its one-line message and exit with code 2
/// instead of a stack trace.</remarks>
public sealed class DeviceUnavailableException(string message) : Exception(message);

/// <summary>Opens ILGPU accelerators by the names the command line uses.</summary>
/// <remarks>"ilgpu-cpu" is ILGPU's CPU accelerator (runs everywhere; a correctness target, not a fast
/// one); "cuda" is the first NVIDIA GPU (ILGPU generates PTX itself and needs only the driver).</remarks>
public static class Devices
{
    /// <summary>The device names accepted by <see cref="Open"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["ilgpu-cpu", "cuda"];

    /// <summary>Opens and closes the named device, so that a missing one is reported before any work starts.</summary>
    /// <exception cref="DeviceUnavailableException">cuda is asked for and no CUDA device or driver is present.</exception>
    public static void Check(string name)
    {
        var (context, accelerator) = Open(name);
        accelerator.Dispose();
        context.Dispose();
    }

    /// <summary>A context and accelerator for a device name; the caller disposes both (accelerator first).</summary>
    /// <exception cref="DeviceUnavailableException">cuda is asked for and no CUDA device or driver is present.</exception>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static (Context Context, Accelerator Accelerator) Open(string name)
    {
        switch (name.ToLowerInvariant())
        {
            case "ilgpu-cpu":
            {
                var context = Context.Create(b => b.CPU().EnableAlgorithms().Optimize(OptimizationLevel.O1));
                return (context, context.CreateCPUAccelerator(0));
            }
            case "cuda":
            {
                Context context;
                try
                {
                    context = Context.Create(b => b.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2));
                }
                catch (Exception e)
                {
                    throw new DeviceUnavailableException(
                        $"cuda: the CUDA driver could not be loaded ({e.GetType().Name}); use --device cpu or --device ilgpu-cpu"
                    );
                }
                if (context.GetCudaDevices().Count == 0)
                {
                    context.Dispose();
                    throw new DeviceUnavailableException(
                        "cuda: no CUDA device found (no NVIDIA GPU or driver on this machine); use --device cpu or --device ilgpu-cpu"
                    );
                }
                return (context, context.CreateCudaAccelerator(0));
            }
            default:
                throw new ArgumentException($"device: no device named '{name}' (have: cpu, {string.Join(", ", Names)})", nameof(name));
        }
    }
}
