using ILGPU;
using ILGPU.Runtime;

namespace QdFunctional.Gpu;

/// <summary>Device buffers kept between kernel calls, by element type and power-of-two capacity.</summary>
/// <remarks>Allocating device memory costs a driver call (and on CUDA a synchronization), far more
/// than a small kernel; a warm engine evaluation therefore rents every buffer from here and returns
/// it afterwards. Not thread-safe: the owning backend serializes its calls.</remarks>
internal sealed class DeviceBufferPool(Accelerator accelerator) : IDisposable
{
    readonly Dictionary<(Type, int), Stack<MemoryBuffer>> free = [];
    readonly List<MemoryBuffer> all = [];

    /// <summary>How many device buffers were ever allocated (for tests of reuse).</summary>
    public int Allocations => all.Count;

    /// <summary>A view of at least length elements, backed by a pooled buffer.</summary>
    public ArrayView<T> Rent<T>(int length)
        where T : unmanaged
    {
        int capacity = (int)Math.Max(16u, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, length)));
        var bucket = Bucket<T>(capacity);
        MemoryBuffer1D<T, Stride1D.Dense> buffer;
        if (bucket.Count > 0)
            buffer = (MemoryBuffer1D<T, Stride1D.Dense>)bucket.Pop();
        else
        {
            buffer = accelerator.Allocate1D<T>(capacity);
            all.Add(buffer);
        }
        rented.Add(((typeof(T), capacity), buffer));
        return buffer.View.SubView(0, Math.Max(1, length));
    }

    readonly List<((Type, int) Key, MemoryBuffer Buffer)> rented = [];

    /// <summary>Returns every buffer rented since the last call to the pool.</summary>
    public void ReturnAll()
    {
        foreach (var (key, buffer) in rented)
            free[key].Push(buffer);
        rented.Clear();
    }

    Stack<MemoryBuffer> Bucket<T>(int capacity)
        where T : unmanaged
    {
        var key = (typeof(T), capacity);
        if (!free.TryGetValue(key, out var bucket))
            free[key] = bucket = new Stack<MemoryBuffer>();
        return bucket;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var b in all)
            b.Dispose();
        all.Clear();
        free.Clear();
        rented.Clear();
    }
}
