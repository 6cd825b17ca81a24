using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using QdFunctional.Diff;

namespace QdFunctional.Gpu;

/// <summary>The engine's backend on an ILGPU accelerator (the CPU accelerator or a CUDA GPU).</summary>
/// <remarks>
/// <para>Every kernel runs as device code from <c>EngineKernels</c>; device buffers come from a
/// pool and are reused between calls, so a warm evaluation allocates no device memory. The seam
/// (<see cref="IBackend"/>) passes host arrays, so each kernel uploads its inputs and downloads its
/// outputs: one round trip per kernel, not one per pass. Removing it needs the seam to hand out device
/// buffers (see the engine README's "Adding a backend").</para>
/// <para>Arithmetic is float64 on the device. A float32 tensor is widened exactly on the device,
/// computed in float64 and rounded once back: elementwise results are the correctly rounded float32
/// values (bit-equal to the CPU backends for +, −, ×, ÷, √ and the portable transcendentals), while
/// sums and products of several terms are more accurate than float32 accumulation and so differ from
/// the CPU backends in the last float32 bits.</para>
/// <para>Calls are serialized by a lock: an accelerator stream runs one kernel at a time anyway.</para>
/// </remarks>
public sealed class IlgpuBackend : GenericBackend, IDeviceResident, IDisposable
{
    readonly Context context;
    readonly Accelerator accelerator;
    readonly DeviceBufferPool pool;
    readonly Lock gate = new();
    readonly Kernels k;

    IlgpuBackend(string name, Context context, Accelerator accelerator)
    {
        Name = name;
        this.context = context;
        this.accelerator = accelerator;
        pool = new DeviceBufferPool(accelerator);
        k = new Kernels(accelerator);
        DeviceResidency.Register(this);
    }

    /// <summary>A backend on the named device ("ilgpu-cpu" or "cuda").</summary>
    /// <exception cref="DeviceUnavailableException">cuda without a GPU or driver.</exception>
    public static IlgpuBackend Open(string device)
    {
        var (context, accelerator) = Devices.Open(device);
        return new IlgpuBackend(device.ToLowerInvariant(), context, accelerator);
    }

    static readonly Lazy<IlgpuBackend> cpu = new(() => Open("ilgpu-cpu"));

    /// <summary>The process-wide backend on ILGPU's CPU accelerator, opened on first use.</summary>
    /// <remarks>One instance, because compiling the kernels takes a few seconds.</remarks>
    public static IlgpuBackend Cpu => cpu.Value;

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>The accelerator's own description (device name, memory).</summary>
    public string DeviceDescription => $"{accelerator.AcceleratorType} {accelerator.Name}";

    /// <summary>Device buffers allocated so far; stays flat once the pool is warm.</summary>
    public int DeviceAllocations
    {
        get
        {
            lock (gate)
                return pool.Allocations;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DeviceResidency.Unregister(this);
        lock (gate)
        {
            pool.Dispose();
            accelerator.Dispose();
            context.Dispose();
        }
    }

    // ---- residency: each host array is the handle of one device buffer ----

    /// <summary>The device copy of one host array and which side holds the newest values.</summary>
    /// <remarks>Lives exactly as long as its host array (a ConditionalWeakTable entry); when the array is
    /// collected, the finalizer hands the device buffer back to the pool.</remarks>
    sealed class Resident(DeviceBufferPool pool, MemoryBuffer1D<double, Stride1D.Dense> buffer)
    {
        public readonly MemoryBuffer1D<double, Stride1D.Dense> Buffer = buffer;
        public bool HostNewer = true;
        public bool DeviceNewer;

        ~Resident() => pool.ReturnLater(Buffer);
    }

    readonly ConditionalWeakTable<Array, Resident> residents = new();

    Resident ResidentOf(Array host) =>
        residents.TryGetValue(host, out var r) ? r : residents.GetValue(host, a => new Resident(pool, pool.RentKept(a.Length)));

    long uploads,
        downloads;

    /// <summary>Host → device and device → host copies made so far (for tests that a pass stays on the device).</summary>
    public (long Uploads, long Downloads) Transfers
    {
        get
        {
            lock (gate)
                return (uploads, downloads);
        }
    }

    void Upload<H>(H[] host, Resident r)
        where H : unmanaged
    {
        uploads++;
        int n = host.Length;
        if (n > 0)
        {
            // The span overloads pin the array while ILGPU copies from its address: the ref overloads
            // take a bare address, and a GC that moved the array mid-copy made the device read stale
            // memory (seen as a rare wrong gradient under parallel tests).
            var wide = r.Buffer.View.SubView(0, n);
            if (typeof(H) == typeof(double))
                wide.CopyFromCPU(accelerator.DefaultStream, new ReadOnlySpan<double>((double[])(object)host, 0, n));
            else
            {
                var narrow = pool.Rent<float>(n);
                narrow.SubView(0, n).CopyFromCPU(accelerator.DefaultStream, new ReadOnlySpan<float>((float[])(object)host, 0, n));
                k.Widen(n, narrow, wide);
            }
        }
        r.HostNewer = false;
    }

    void Download(Array host, Resident r)
    {
        downloads++;
        int n = host.Length;
        if (n > 0)
        {
            var wide = r.Buffer.View.SubView(0, n);
            // Pinned through the span overloads, as in Upload.
            if (host is double[] d)
                wide.CopyToCPU(accelerator.DefaultStream, new Span<double>(d, 0, n));
            else
            {
                var f = (float[])host;
                var narrow = pool.Rent<float>(n);
                k.Narrow(n, wide, narrow);
                narrow.SubView(0, n).CopyToCPU(accelerator.DefaultStream, new Span<float>(f, 0, n));
            }
        }
        r.DeviceNewer = false;
    }

    /// <summary>An input: the device copy, uploaded first if the host has newer values.</summary>
    ArrayView<double> In<H>(H[] host, int n)
        where H : unmanaged
    {
        var r = ResidentOf(host);
        if (r.HostNewer)
            Upload(host, r);
        return r.Buffer.View.SubView(0, Math.Max(1, n));
    }

    /// <summary>An output the kernel overwrites: uploaded only if the kernel leaves part of it as it was.</summary>
    ArrayView<double> Fresh<H>(H[] host, int n)
        where H : unmanaged
    {
        var r = ResidentOf(host);
        if (r.HostNewer && n < host.Length)
            Upload(host, r);
        return r.Buffer.View.SubView(0, Math.Max(1, n));
    }

    /// <summary>Marks a kernel's output: the device now holds the newest values; nothing is copied back.</summary>
    void Out<H>(ArrayView<double> device, H[] host, int n)
        where H : unmanaged
    {
        var r = ResidentOf(host);
        r.DeviceNewer = true;
        r.HostNewer = false;
    }

    /// <inheritdoc />
    public void ToHost(Array data)
    {
        if (!residents.TryGetValue(data, out var r) || !r.DeviceNewer)
            return;
        Run(() => Download(data, r));
    }

    /// <inheritdoc />
    public void HostWrote(Array data)
    {
        lock (gate)
            if (residents.TryGetValue(data, out var r))
            {
                r.HostNewer = true;
                r.DeviceNewer = false;
            }
    }

    /// <inheritdoc />
    public void HostCleared(Array data)
    {
        lock (gate)
            if (residents.TryGetValue(data, out var r))
            {
                if (data.Length > 0)
                    r.Buffer.View.SubView(0, data.Length).MemSetToZero();
                r.HostNewer = false;
                r.DeviceNewer = false;
            }
    }

    DeviceOperand In<H>(Operand<H> o)
        where H : unmanaged =>
        new()
        {
            Data = In(o.Data, o.Rows * o.Cols),
            Rows = o.Rows,
            Cols = o.Cols,
        };

    /// <summary>Runs one kernel call under the lock and gives its buffers back to the pool.</summary>
    void Run(Action body)
    {
        lock (gate)
        {
            try
            {
                body();
            }
            finally
            {
                pool.ReturnAll();
            }
        }
    }

    /// <summary>1 when the host element type is float32: the kernels then round after every operation.</summary>
    static int Single<H>() => typeof(H) == typeof(float) ? 1 : 0;

    static (double, double) Parameters<H>(UnaryOp op, double p, double q) =>
        typeof(H) == typeof(float) && op != UnaryOp.PowScalar ? ((float)p, (float)q) : (p, q);

    // ---- kernels, written once over the host element type; GenericBackend forwards both dtypes here ----

    /// <inheritdoc />
    protected override void UnaryKernel<H>(UnaryOp op, double p, double q, H[] x, H[] y, int length) =>
        Run(() =>
        {
            if (length == 0)
                return;
            var (pp, qq) = Parameters<H>(op, p, q);
            var dx = In(x, length);
            var dy = Fresh(y, length);
            k.Unary(length, SpecializedValue.New((int)op), pp, qq, dx, dy);
            Out(dy, y, length);
        });

    /// <inheritdoc />
    protected override void UnaryBackwardKernel<H>(UnaryOp op, double p, double q, H[] x, H[] y, H[] dy, H[] dx, int length) =>
        Run(() =>
        {
            if (length == 0)
                return;
            var (pp, qq) = Parameters<H>(op, p, q);
            var g = In(dx, length);
            k.UnaryBackward(length, SpecializedValue.New((int)op), pp, qq, In(x, length), In(y, length), In(dy, length), g, Single<H>());
            Out(g, dx, length);
        });

    /// <inheritdoc />
    protected override void BinaryKernel<H>(BinaryOp op, Operand<H> a, Operand<H> b, H[] y, int rows, int cols) =>
        Run(() =>
        {
            int n = rows * cols;
            if (n == 0)
                return;
            var dy = Fresh(y, n);
            k.Binary(n, SpecializedValue.New((int)op), In(a), In(b), dy, cols);
            Out(dy, y, n);
        });

    /// <inheritdoc />
    protected override void BinaryBackwardKernel<H>(
        BinaryOp op,
        Operand<H> a,
        Operand<H> b,
        H[] y,
        H[] dy,
        int rows,
        int cols,
        H[]? da,
        H[]? db
    ) =>
        Run(() =>
        {
            int n = rows * cols;
            if (n == 0 || (da is null && db is null))
                return;
            var (va, vb, vy, vdy) = (In(a), In(b), In(y, n), In(dy, n));
            int na = a.Rows * a.Cols,
                nb = b.Rows * b.Cols;
            bool shared = da is not null && ReferenceEquals(da, db);
            var ga = da is null ? default : In(da, na);
            var gb =
                db is null ? default
                : shared ? ga
                : In(db, nb);
            if (da is not null)
                k.BinaryReduce(na, SpecializedValue.New((int)op), va, vb, vy, vdy, rows, cols, ga, 0, Single<H>());
            if (db is not null)
                k.BinaryReduce(nb, SpecializedValue.New((int)op), va, vb, vy, vdy, rows, cols, gb, 1, Single<H>());
            if (da is not null)
                Out(ga, da, shared ? Math.Max(na, nb) : na);
            if (db is not null && !shared)
                Out(gb, db, nb);
        });

    /// <inheritdoc />
    protected override void SelectKernel<H>(H[] mask, Operand<H> a, Operand<H> b, H[] y, int rows, int cols) =>
        Run(() =>
        {
            int n = rows * cols;
            if (n == 0)
                return;
            var vy = Fresh(y, n);
            k.Select(n, In(mask, n), In(a), In(b), vy, cols);
            Out(vy, y, n);
        });

    /// <inheritdoc />
    protected override void SelectBackwardKernel<H>(H[] mask, Operand<H> a, Operand<H> b, H[] dy, int rows, int cols, H[]? da, H[]? db) =>
        Run(() =>
        {
            int n = rows * cols;
            if (n == 0 || (da is null && db is null))
                return;
            var (vm, vdy) = (In(mask, n), In(dy, n));
            int na = a.Rows * a.Cols,
                nb = b.Rows * b.Cols;
            var oa = new DeviceOperand { Rows = a.Rows, Cols = a.Cols };
            var ob = new DeviceOperand { Rows = b.Rows, Cols = b.Cols };
            bool shared = da is not null && ReferenceEquals(da, db);
            var ga = da is null ? default : In(da, na);
            var gb =
                db is null ? default
                : shared ? ga
                : In(db, nb);
            if (da is not null)
                k.SelectReduce(na, vm, oa, vdy, rows, cols, ga, 0, Single<H>());
            if (db is not null)
                k.SelectReduce(nb, vm, ob, vdy, rows, cols, gb, 1, Single<H>());
            if (da is not null)
                Out(ga, da, shared ? Math.Max(na, nb) : na);
            if (db is not null && !shared)
                Out(gb, db, nb);
        });

    /// <inheritdoc />
    protected override void SumColumnsKernel<H>(H[] x, int rows, int cols, H[] y) =>
        Run(() =>
        {
            if (rows == 0)
                return;
            var vy = Fresh(y, rows);
            k.SumColumns(rows, In(x, rows * cols), cols, vy, Single<H>());
            Out(vy, y, rows);
        });

    /// <inheritdoc />
    protected override void SumColumnsBackwardKernel<H>(H[] dy, int rows, int cols, H[] dx) =>
        Run(() =>
        {
            int n = rows * cols;
            if (n == 0)
                return;
            var g = In(dx, n);
            k.SumColumnsBackward(n, In(dy, rows), cols, g, Single<H>());
            Out(g, dx, n);
        });

    /// <inheritdoc />
    protected override void CumSumKernel<H>(H[] x, int rows, int cols, H[] y) =>
        Run(() =>
        {
            int n = rows * cols;
            if (n == 0)
                return;
            var vy = Fresh(y, n);
            k.CumSum(rows, In(x, n), cols, vy, Single<H>());
            Out(vy, y, n);
        });

    /// <inheritdoc />
    protected override void CumSumBackwardKernel<H>(H[] dy, int rows, int cols, H[] dx) =>
        Run(() =>
        {
            int n = rows * cols;
            if (n == 0)
                return;
            var g = In(dx, n);
            k.CumSumBackward(rows, In(dy, n), cols, g, Single<H>());
            Out(g, dx, n);
        });

    /// <inheritdoc />
    protected override void CopyColumnsKernel<H>(
        H[] src,
        int srcCols,
        int srcStart,
        H[] dst,
        int dstCols,
        int dstStart,
        int count,
        int rows,
        bool accumulate
    ) =>
        Run(() =>
        {
            if (rows * count == 0)
                return;
            // dst is uploaded whole: the columns outside [dstStart, dstStart + count) must survive the download.
            var vd = In(dst, rows * dstCols);
            k.CopyColumns(
                rows * count,
                In(src, rows * srcCols),
                srcCols,
                srcStart,
                vd,
                dstCols,
                dstStart,
                count,
                accumulate ? 1 : 0,
                Single<H>()
            );
            Out(vd, dst, rows * dstCols);
        });

    /// <inheritdoc />
    protected override void MatMulKernel<H>(H[] a, H[] w, H[] y, int rows, int inner, int cols) =>
        Run(() =>
        {
            int n = rows * cols;
            if (n == 0)
                return;
            var vy = Fresh(y, n);
            k.MatMul(n, In(a, rows * inner), In(w, inner * cols), vy, inner, cols, Single<H>());
            Out(vy, y, n);
        });

    /// <inheritdoc />
    protected override void MatMulBackwardKernel<H>(H[] a, H[] w, H[] dy, int rows, int inner, int cols, H[]? da, H[]? dw) =>
        Run(() =>
        {
            if (rows * inner * cols == 0)
                return;
            var vdy = In(dy, rows * cols);
            if (da is not null)
            {
                var g = In(da, rows * inner);
                k.MatMulBackwardA(rows * inner, In(w, inner * cols), vdy, inner, cols, g, Single<H>());
                Out(g, da, rows * inner);
            }
            if (dw is not null)
            {
                var g = In(dw, inner * cols);
                k.MatMulBackwardW(inner * cols, In(a, rows * inner), vdy, rows, inner, cols, g, Single<H>());
                Out(g, dw, inner * cols);
            }
        });

    /// <inheritdoc />
    protected override void BatchedMatMulKernel<H>(H[] x, H[] w, H[] y, int rows, int inner, int cols) =>
        Run(() =>
        {
            int n = rows * cols;
            if (n == 0)
                return;
            var vy = Fresh(y, n);
            k.BatchedMatMul(n, In(x, rows * inner), In(w, rows * inner * cols), vy, inner, cols, Single<H>());
            Out(vy, y, n);
        });

    /// <inheritdoc />
    protected override void BatchedMatMulBackwardKernel<H>(H[] x, H[] w, H[] dy, int rows, int inner, int cols, H[]? dx, H[]? dw) =>
        Run(() =>
        {
            if (rows * inner * cols == 0)
                return;
            var vdy = In(dy, rows * cols);
            if (dx is not null)
            {
                var g = In(dx, rows * inner);
                k.BatchedMatMulBackwardX(rows * inner, In(w, rows * inner * cols), vdy, inner, cols, g, Single<H>());
                Out(g, dx, rows * inner);
            }
            if (dw is not null)
            {
                var g = In(dw, rows * inner * cols);
                k.BatchedMatMulBackwardW(rows * inner * cols, In(x, rows * inner), vdy, inner, cols, g, Single<H>());
                Out(g, dw, rows * inner * cols);
            }
        });

    void CastHost<S, D>(S[] src, D[] dst, int length, bool accumulate)
        where S : unmanaged
        where D : unmanaged =>
        Run(() =>
        {
            if (length == 0)
                return;
            var vd = accumulate ? In(dst, length) : Fresh(dst, length);
            k.Cast(length, In(src, length), vd, typeof(D) == typeof(float) ? 1 : 0, accumulate ? 1 : 0);
            Out(vd, dst, length);
        });

    // ---- the dtype conversions: the only kernels that see both dtypes ----

    /// <inheritdoc />
    public override void Convert(double[] src, float[] dst, int length, bool accumulate) => CastHost(src, dst, length, accumulate);

    /// <inheritdoc />
    public override void Convert(float[] src, double[] dst, int length, bool accumulate) => CastHost(src, dst, length, accumulate);

    /// <summary>The compiled kernels of one accelerator, loaded once.</summary>
    sealed class Kernels(Accelerator a)
    {
        public readonly Action<Index1D, SpecializedValue<int>, double, double, ArrayView<double>, ArrayView<double>> Unary =
            a.LoadAutoGroupedStreamKernel<Index1D, SpecializedValue<int>, double, double, ArrayView<double>, ArrayView<double>>(
                EngineKernels.Unary
            );

        public readonly Action<
            Index1D,
            SpecializedValue<int>,
            double,
            double,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<double>,
            int
        > UnaryBackward = a.LoadAutoGroupedStreamKernel<
            Index1D,
            SpecializedValue<int>,
            double,
            double,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<double>,
            int
        >(EngineKernels.UnaryBackward);

        public readonly Action<Index1D, SpecializedValue<int>, DeviceOperand, DeviceOperand, ArrayView<double>, int> Binary =
            a.LoadAutoGroupedStreamKernel<Index1D, SpecializedValue<int>, DeviceOperand, DeviceOperand, ArrayView<double>, int>(
                EngineKernels.Binary
            );

        public readonly Action<
            Index1D,
            SpecializedValue<int>,
            DeviceOperand,
            DeviceOperand,
            ArrayView<double>,
            ArrayView<double>,
            int,
            int,
            ArrayView<double>,
            int,
            int
        > BinaryReduce = a.LoadAutoGroupedStreamKernel<
            Index1D,
            SpecializedValue<int>,
            DeviceOperand,
            DeviceOperand,
            ArrayView<double>,
            ArrayView<double>,
            int,
            int,
            ArrayView<double>,
            int,
            int
        >(EngineKernels.BinaryReduce);

        public readonly Action<Index1D, ArrayView<double>, DeviceOperand, DeviceOperand, ArrayView<double>, int> Select =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, DeviceOperand, DeviceOperand, ArrayView<double>, int>(
                EngineKernels.Select
            );

        public readonly Action<
            Index1D,
            ArrayView<double>,
            DeviceOperand,
            ArrayView<double>,
            int,
            int,
            ArrayView<double>,
            int,
            int
        > SelectReduce = a.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<double>,
            DeviceOperand,
            ArrayView<double>,
            int,
            int,
            ArrayView<double>,
            int,
            int
        >(EngineKernels.SelectReduce);

        public readonly Action<Index1D, ArrayView<double>, int, ArrayView<double>, int> SumColumns = a.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<double>,
            int,
            ArrayView<double>,
            int
        >(EngineKernels.SumColumns);

        public readonly Action<Index1D, ArrayView<double>, int, ArrayView<double>, int> SumColumnsBackward = a.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<double>,
            int,
            ArrayView<double>,
            int
        >(EngineKernels.SumColumnsBackward);

        public readonly Action<Index1D, ArrayView<double>, int, ArrayView<double>, int> CumSum = a.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<double>,
            int,
            ArrayView<double>,
            int
        >(EngineKernels.CumSum);

        public readonly Action<Index1D, ArrayView<double>, int, ArrayView<double>, int> CumSumBackward = a.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<double>,
            int,
            ArrayView<double>,
            int
        >(EngineKernels.CumSumBackward);

        public readonly Action<Index1D, ArrayView<double>, int, int, ArrayView<double>, int, int, int, int, int> CopyColumns =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, int, int, ArrayView<double>, int, int, int, int, int>(
                EngineKernels.CopyColumns
            );

        public readonly Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int> MatMul =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int>(
                EngineKernels.MatMul
            );

        public readonly Action<Index1D, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>, int> MatMulBackwardA =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>, int>(
                EngineKernels.MatMulBackwardA
            );

        public readonly Action<Index1D, ArrayView<double>, ArrayView<double>, int, int, int, ArrayView<double>, int> MatMulBackwardW =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int, int, ArrayView<double>, int>(
                EngineKernels.MatMulBackwardW
            );

        public readonly Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int> BatchedMatMul =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int>(
                EngineKernels.BatchedMatMul
            );

        public readonly Action<Index1D, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>, int> BatchedMatMulBackwardX =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>, int>(
                EngineKernels.BatchedMatMulBackwardX
            );

        public readonly Action<Index1D, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>, int> BatchedMatMulBackwardW =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>, int>(
                EngineKernels.BatchedMatMulBackwardW
            );

        public readonly Action<Index1D, ArrayView<float>, ArrayView<double>> Widen = a.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<double>
        >(EngineKernels.Widen);

        public readonly Action<Index1D, ArrayView<double>, ArrayView<float>> Narrow = a.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<double>,
            ArrayView<float>
        >(EngineKernels.Narrow);

        public readonly Action<Index1D, ArrayView<double>, ArrayView<double>, int, int> Cast = a.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<double>,
            ArrayView<double>,
            int,
            int
        >(EngineKernels.Cast);
    }
}
