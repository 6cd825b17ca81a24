using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace QdFunctional.Gpu;

/// <summary>Compiles every device kernel of this assembly to PTX without a GPU or driver.</summary>
/// <remarks>ILGPU's CPU accelerator runs kernels through ILGPU's front end but not through the CUDA
/// code generator, so a construct the PTX backend refuses would only show on a GPU machine. This check
/// runs the PTX backend itself (no driver needed) over every kernel, so such a kernel fails in CI.</remarks>
public static class PtxCheck
{
    /// <summary>The kernels the accelerators load (the engine's, Threefry's, MAP-Elites' and the gradient operators').</summary>
    public static IReadOnlyList<MethodInfo> Kernels { get; } =
    [
        .. typeof(EngineKernels)
            .GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetParameters() is [{ ParameterType.Name: "Index1D" }, ..]),
        .. typeof(MapElitesKernels)
            .GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetParameters() is [{ ParameterType.Name: "Index1D" }, ..]),
        .. typeof(GradientKernels)
            .GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetParameters() is [{ ParameterType.Name: "Index1D" }, ..]),
        .. typeof(DeviceRandom)
            .GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal)),
    ];

    /// <summary>The PTX of each kernel for compute capability 7.0 (name, PTX text).</summary>
    /// <exception cref="Exception">ILGPU's PTX backend refused a kernel; the message names it.</exception>
    public static IReadOnlyList<(string Name, string Ptx)> CompileAll()
    {
        using var context = Context.Create(b => b.EnableAlgorithms().Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, nvvmAPI: null!); // no NVVM: ILGPU's own PTX generator
        var result = new List<(string, string)>();
        foreach (var kernel in Kernels)
        {
            var entry = EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, new KernelSpecialization());
            result.Add(($"{kernel.DeclaringType!.Name}.{kernel.Name}", compiled.PTXAssembly));
        }
        return result;
    }
}
