using ILGPU;
using ILGPU.Runtime;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

namespace QdFunctional.Gpu;

/// <summary>Random draws computed on an ILGPU accelerator from a <see cref="Key"/>: raw words,
/// standard normals and integers, equal bit for bit to the key's own CPU draws.</summary>
/// <remarks>The host-facing side of <see cref="DeviceRandom"/>: each call launches one kernel over
/// the requested length and copies the result back (tests and tools; the MAP-Elites kernels draw
/// inside their own threads and never come back to the host).</remarks>
public sealed class DeviceDraws : IDisposable
{
    readonly Context context;
    readonly Accelerator accelerator;
    readonly Action<Index1D, uint, uint, ulong, ArrayView<ulong>> fill;
    readonly Action<Index1D, uint, uint, double, double, ArrayView<double>, ArrayView<double>> normal;
    readonly MemoryBuffer1D<double, Stride1D.Dense> zigguratTable;
    readonly Action<Index1D, uint, uint, int, ArrayView<int>> integers;

    /// <summary>Draws on the named device ("ilgpu-cpu" or "cuda").</summary>
    public DeviceDraws(string device)
    {
        (context, accelerator) = Devices.Open(device);
        fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, uint, uint, ulong, ArrayView<ulong>>(DeviceRandom.FillKernel);
        normal = accelerator.LoadAutoGroupedStreamKernel<Index1D, uint, uint, double, double, ArrayView<double>, ArrayView<double>>(
            DeviceRandom.NormalKernel
        );
        zigguratTable = accelerator.Allocate1D(Ziggurat.Table());
        integers = accelerator.LoadAutoGroupedStreamKernel<Index1D, uint, uint, int, ArrayView<int>>(DeviceRandom.IntegersKernel);
    }

    /// <summary>Words start .. start + count − 1 of the key's stream (<c>Key.Bits</c>).</summary>
    public ulong[] Bits(Key key, ulong start, int count)
    {
        using var buffer = accelerator.Allocate1D<ulong>(Math.Max(1, count));
        if (count > 0)
            fill(count, key.Hi, key.Lo, start, buffer.View);
        return count > 0 ? buffer.GetAsArray1D() : [];
    }

    /// <summary>The first count values of <c>Key.Normal(…, mean, scale)</c>.</summary>
    public double[] Normal(Key key, int count, double mean = 0.0, double scale = 1.0)
    {
        using var buffer = accelerator.Allocate1D<double>(Math.Max(1, count));
        if (count > 0)
            normal(count, key.Hi, key.Lo, mean, scale, zigguratTable.View, buffer.View);
        return count > 0 ? buffer.GetAsArray1D() : [];
    }

    /// <summary>The first count values of <c>Key.Integers(…, 0, range)</c>.</summary>
    public int[] Integers(Key key, int count, int range)
    {
        if (range < 1)
            throw new ArgumentOutOfRangeException(nameof(range), range, "Integers needs a positive range.");
        using var buffer = accelerator.Allocate1D<int>(Math.Max(1, count));
        if (count > 0)
            integers(count, key.Hi, key.Lo, range, buffer.View);
        return count > 0 ? buffer.GetAsArray1D() : [];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        zigguratTable.Dispose();
        accelerator.Dispose();
        context.Dispose();
    }
}
