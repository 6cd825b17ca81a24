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

    bool disposed;

    /// <summary>How many device buffers were ever allocated (for tests of reuse).</summary>
    public int Allocations => all.Count;

    /// <summary>A view of at least length elements, backed by a pooled buffer.</summary>
    public ArrayView<T> Rent<T>(int length)
        where T : unmanaged
    {
        int capacity = Capacity(length);
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
    readonly System.Collections.Concurrent.ConcurrentQueue<MemoryBuffer1D<double, Stride1D.Dense>> released = new();

    /// <summary>A double buffer of at least length elements that stays out of the pool until
    /// <see cref="ReturnLater"/> (the device copy of a host array, for as long as the array lives).</summary>
    public MemoryBuffer1D<double, Stride1D.Dense> RentKept(int length)
    {
        int capacity = Capacity(length);
        var bucket = Bucket<double>(capacity);
        if (bucket.Count > 0)
            return (MemoryBuffer1D<double, Stride1D.Dense>)bucket.Pop();
        var buffer = accelerator.Allocate1D<double>(capacity);
        all.Add(buffer);
        return buffer;
    }

    /// <summary>Gives a kept buffer back; safe from any thread (a finalizer), takes effect at the next <see cref="ReturnAll"/>.</summary>
    public void ReturnLater(MemoryBuffer1D<double, Stride1D.Dense> buffer) => released.Enqueue(buffer);

    static int Capacity(int length) => (int)Math.Max(16u, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, length)));

    /// <summary>Returns every buffer rented since the last call to the pool.</summary>
    public void ReturnAll()
    {
        foreach (var (key, buffer) in rented)
            free[key].Push(buffer);
        while (released.TryDequeue(out var kept))
            if (!disposed)
                Bucket<double>((int)kept.Length).Push(kept);
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
        disposed = true;
        foreach (var b in all)
            b.Dispose();
        all.Clear();
        free.Clear();
        rented.Clear();
    }
}
