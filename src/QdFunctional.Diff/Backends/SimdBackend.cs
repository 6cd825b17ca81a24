using System.Buffers;
using System.Numerics;
using QdFunctional.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace QdFunctional.Diff;

/// <summary>The default CPU backend: span kernels from System.Numerics.Tensors (SIMD), large batches
/// split across cores in blocks fixed by the problem size.</summary>
/// <remarks>Block boundaries never depend on the thread count, reductions run in a fixed order, and
/// only exactly rounded TensorPrimitives operations are used (add, multiply, divide, sqrt, min, max…);
/// the transcendental functions come from <see cref="PortableMath"/>, whose vector and scalar forms agree bit for bit.
/// So results are bit-identical whatever <see cref="MaxDegreeOfParallelism"/> is, wherever buffers
/// live, and from the first call on. Every kernel is written once, generic over the element type, and
/// instantiated for float64 (double) and float32 (float) by <see cref="GenericBackend"/>: the JIT specializes each, so float32 runs
/// twice as many lanes per vector with the same code.</remarks>
public sealed class SimdBackend : GenericBackend
{
    /// <summary>Creates the backend; -1 uses every core, 1 runs on the calling thread only.</summary>
    /// <remarks>The thread count is a parameter so tests can show it does not change results.</remarks>
    public SimdBackend(int maxDegreeOfParallelism = -1) => MaxDegreeOfParallelism = maxDegreeOfParallelism;

    /// <summary>The most threads one kernel uses (-1: no limit).</summary>
    /// <remarks>Only affects speed, never values.</remarks>
    public int MaxDegreeOfParallelism { get; }

    /// <inheritdoc />
    public override string Name => "simd";

    // Flat storage is one long row for partitioning purposes.
    private static void ElementBlocks(int length, int maxDegreeOfParallelism, Action<int, int> body) =>
        Blocks.For(length, Blocks.ElementsPerBlock, body, maxDegreeOfParallelism);

    private static void RowBlocks(int rows, int cols, int maxDegreeOfParallelism, Action<int, int> body) =>
        Blocks.For(rows, Blocks.RowsOf(cols), body, maxDegreeOfParallelism);

    /// <inheritdoc />
    public override void Convert(double[] src, float[] dst, int length, bool accumulate) =>
        ElementBlocks(length, MaxDegreeOfParallelism, (s, e) => Precision.Narrow(src.AsSpan(s, e - s), dst.AsSpan(s, e - s), accumulate));

    /// <inheritdoc />
    public override void Convert(float[] src, double[] dst, int length, bool accumulate) =>
        ElementBlocks(length, MaxDegreeOfParallelism, (s, e) => Precision.Widen(src.AsSpan(s, e - s), dst.AsSpan(s, e - s), accumulate));

    /// <inheritdoc />
    protected override void UnaryKernel<T>(UnaryOp op, double p, double q, T[] x, T[] y, int length) =>
        ElementBlocks(length, MaxDegreeOfParallelism, (s, e) => UnarySpan(op, p, q, x.AsSpan(s, e - s), y.AsSpan(s, e - s)));

    /// <inheritdoc />
    protected override void UnaryBackwardKernel<T>(UnaryOp op, double p, double q, T[] x, T[] y, T[] dy, T[] dx, int length) =>
        ElementBlocks(
            length,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                T[] t = ArrayPool<T>.Shared.Rent(e - s);
                UnaryBackwardSpan(
                    op,
                    p,
                    q,
                    x.AsSpan(s, e - s),
                    y.AsSpan(s, e - s),
                    dy.AsSpan(s, e - s),
                    dx.AsSpan(s, e - s),
                    t.AsSpan(0, e - s)
                );
                ArrayPool<T>.Shared.Return(t);
            }
        );

    private static void UnarySpan<T>(UnaryOp op, double p, double q, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (op)
        {
            case UnaryOp.Negate:
                TP.Negate(x, y);
                break;
            case UnaryOp.Square:
                TP.Multiply(x, x, y);
                break;
            case UnaryOp.Sqrt:
                TP.Sqrt(x, y);
                break;
            case UnaryOp.Abs:
                TP.Abs(x, y);
                break;
            case UnaryOp.Sin:
            case UnaryOp.Cos:
            case UnaryOp.Exp:
            case UnaryOp.Log:
            case UnaryOp.Tanh:
            case UnaryOp.Sigmoid:
                Transcendental.Unary(op, p, x, y);
                break;
            case UnaryOp.Relu:
                TP.Max(x, T.Zero, y);
                break;
            case UnaryOp.PowScalar:
                if (p == 2.0)
                    TP.Multiply(x, x, y);
                else
                    Transcendental.Unary(op, p, x, y);
                break;
            case UnaryOp.Clamp:
                TP.Max(x, T.CreateTruncating(p), y);
                TP.Min(y, T.CreateTruncating(q), y);
                break;
            case UnaryOp.AddScalar:
                TP.Add(x, T.CreateTruncating(p), y);
                break;
            case UnaryOp.MulScalar:
                TP.Multiply(x, T.CreateTruncating(p), y);
                break;
            case UnaryOp.ScalarSub:
                TP.Subtract(T.CreateTruncating(p), x, y);
                break;
            case UnaryOp.ScalarDiv:
                TP.Divide(T.CreateTruncating(p), x, y);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    private static void UnaryBackwardSpan<T>(
        UnaryOp op,
        double p,
        double q,
        ReadOnlySpan<T> x,
        ReadOnlySpan<T> y,
        ReadOnlySpan<T> dy,
        Span<T> dx,
        Span<T> t
    )
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (op)
        {
            case UnaryOp.Negate:
            case UnaryOp.ScalarSub:
                TP.Subtract(dx, dy, dx);
                break;
            case UnaryOp.AddScalar:
                TP.Add(dx, dy, dx);
                break;
            case UnaryOp.MulScalar:
                TP.MultiplyAdd(dy, T.CreateTruncating(p), dx, dx);
                break;
            case UnaryOp.Square:
                TP.Multiply(x, dy, t);
                TP.MultiplyAdd(t, T.CreateTruncating(2.0), dx, dx);
                break;
            case UnaryOp.Sqrt:
                TP.Divide(dy, y, t);
                TP.MultiplyAdd(t, T.CreateTruncating(0.5), dx, dx);
                break;
            case UnaryOp.Exp:
                TP.MultiplyAdd(dy, y, dx, dx);
                break;
            case UnaryOp.Log:
                TP.Divide(T.One, x, t);
                TP.MultiplyAdd(t, dy, dx, dx);
                break; // dy·(1/x), as the scalar rule
            case UnaryOp.Sin:
                Transcendental.Unary(UnaryOp.Cos, 0.0, x, t);
                TP.MultiplyAdd(t, dy, dx, dx);
                break;
            case UnaryOp.Cos:
                Transcendental.Unary(UnaryOp.Sin, 0.0, x, t);
                TP.Multiply(t, dy, t);
                TP.Subtract(dx, t, dx);
                break;
            case UnaryOp.Tanh:
                TP.Multiply(y, y, t);
                TP.Subtract(T.One, t, t);
                TP.MultiplyAdd(t, dy, dx, dx);
                break;
            case UnaryOp.Sigmoid:
                TP.Subtract(T.One, y, t);
                TP.Multiply(t, y, t);
                TP.MultiplyAdd(t, dy, dx, dx);
                break;
            case UnaryOp.PowScalar:
                if (p == 0.0)
                    break;
                if (p == 2.0)
                    TP.Multiply(x, T.CreateTruncating(2.0), t);
                else
                {
                    Transcendental.Unary(UnaryOp.PowScalar, p - 1.0, x, t);
                    TP.Multiply(t, T.CreateTruncating(p), t);
                }
                TP.MultiplyAdd(t, dy, dx, dx);
                break;
            case UnaryOp.ScalarDiv:
                TP.Multiply(x, x, t);
                TP.Divide(dy, t, t);
                TP.MultiplyAdd(t, T.CreateTruncating(-p), dx, dx);
                break;
            case UnaryOp.Abs:
                for (int i = 0; i < x.Length; i++)
                    dx[i] +=
                        x[i] > T.Zero ? dy[i]
                        : x[i] < T.Zero ? -dy[i]
                        : T.Zero;
                break;
            case UnaryOp.Relu:
                for (int i = 0; i < x.Length; i++)
                    if (x[i] > T.Zero)
                        dx[i] += dy[i];
                break;
            case UnaryOp.Clamp:
                T lo = T.CreateTruncating(p),
                    hi = T.CreateTruncating(q);
                for (int i = 0; i < x.Length; i++)
                    if (x[i] >= lo && x[i] <= hi)
                        dx[i] += dy[i];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <inheritdoc />
    protected override void BinaryKernel<T>(BinaryOp op, Operand<T> a, Operand<T> b, T[] y, int rows, int cols)
    {
        if (IsFull(a, rows, cols) && IsFull(b, rows, cols))
        {
            ElementBlocks(
                rows * cols,
                MaxDegreeOfParallelism,
                (s, e) => BinarySpan(op, a.Data.AsSpan(s, e - s), b.Data.AsSpan(s, e - s), y.AsSpan(s, e - s))
            );
            return;
        }
        RowBlocks(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                T[] ta = ArrayPool<T>.Shared.Rent(cols),
                    tb = ArrayPool<T>.Shared.Rent(cols);
                for (int i = s; i < e; i++)
                    BinarySpan(op, RowOf(a, i, cols, ta), RowOf(b, i, cols, tb), y.AsSpan(i * cols, cols));
                ArrayPool<T>.Shared.Return(ta);
                ArrayPool<T>.Shared.Return(tb);
            }
        );
    }

    private static void BinarySpan<T>(BinaryOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (op)
        {
            case BinaryOp.Add:
                TP.Add(a, b, y);
                break;
            case BinaryOp.Subtract:
                TP.Subtract(a, b, y);
                break;
            case BinaryOp.Multiply:
                TP.Multiply(a, b, y);
                break;
            case BinaryOp.Divide:
                TP.Divide(a, b, y);
                break;
            case BinaryOp.Pow:
                Transcendental.Pow(a, b, y);
                break;
            case BinaryOp.Min:
                TP.Min(a, b, y);
                break;
            case BinaryOp.Max:
                TP.Max(a, b, y);
                break;
            case BinaryOp.Less:
                for (int i = 0; i < y.Length; i++)
                    y[i] = a[i] < b[i] ? T.One : T.Zero;
                break;
            case BinaryOp.LessOrEqual:
                for (int i = 0; i < y.Length; i++)
                    y[i] = a[i] <= b[i] ? T.One : T.Zero;
                break;
            case BinaryOp.Greater:
                for (int i = 0; i < y.Length; i++)
                    y[i] = a[i] > b[i] ? T.One : T.Zero;
                break;
            case BinaryOp.GreaterOrEqual:
                for (int i = 0; i < y.Length; i++)
                    y[i] = a[i] >= b[i] ? T.One : T.Zero;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <inheritdoc />
    protected override void BinaryBackwardKernel<T>(
        BinaryOp op,
        Operand<T> a,
        Operand<T> b,
        T[] y,
        T[] dy,
        int rows,
        int cols,
        T[]? da,
        T[]? db
    )
    {
        if (op >= BinaryOp.Less || (da is null && db is null))
            return;
        bool fullA = IsFull(a, rows, cols),
            fullB = IsFull(b, rows, cols);
        // A gradient target shared by several rows is accumulated by one thread, rows in order.
        bool parallel = (da is null || a.Rows == rows) && (db is null || b.Rows == rows);
        void Body(int s, int e)
        {
            var pool = ArrayPool<T>.Shared;
            T[] ta = pool.Rent(cols),
                tb = pool.Rent(cols),
                ga = pool.Rent(cols),
                gb = pool.Rent(cols);
            for (int i = s; i < e; i++)
            {
                var ar = fullA ? a.Data.AsSpan(i * cols, cols) : RowOf(a, i, cols, ta);
                var br = fullB ? b.Data.AsSpan(i * cols, cols) : RowOf(b, i, cols, tb);
                var gaS = ga.AsSpan(0, cols);
                var gbS = gb.AsSpan(0, cols);
                BinaryPartials(
                    op,
                    ar,
                    br,
                    y.AsSpan(i * cols, cols),
                    dy.AsSpan(i * cols, cols),
                    da is null ? default : gaS,
                    db is null ? default : gbS
                );
                if (da is not null)
                    Reduce(gaS, a, i, da);
                if (db is not null)
                    Reduce(gbS, b, i, db);
            }
            pool.Return(ta);
            pool.Return(tb);
            pool.Return(ga);
            pool.Return(gb);
        }
        if (parallel)
            RowBlocks(rows, cols, MaxDegreeOfParallelism, Body);
        else if (rows > 0)
            Body(0, rows);
    }

    // ga = dy·∂y/∂a, gb = dy·∂y/∂b (an empty span is not wanted).
    private static void BinaryPartials<T>(
        BinaryOp op,
        ReadOnlySpan<T> a,
        ReadOnlySpan<T> b,
        ReadOnlySpan<T> y,
        ReadOnlySpan<T> dy,
        Span<T> ga,
        Span<T> gb
    )
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        bool wantA = !ga.IsEmpty,
            wantB = !gb.IsEmpty;
        switch (op)
        {
            case BinaryOp.Add:
                if (wantA)
                    dy.CopyTo(ga);
                if (wantB)
                    dy.CopyTo(gb);
                break;
            case BinaryOp.Subtract:
                if (wantA)
                    dy.CopyTo(ga);
                if (wantB)
                    TP.Negate(dy, gb);
                break;
            case BinaryOp.Multiply:
                if (wantA)
                    TP.Multiply(dy, b, ga);
                if (wantB)
                    TP.Multiply(dy, a, gb);
                break;
            case BinaryOp.Divide:
                // ∂/∂a = 1/b, ∂/∂b = -a/b² = -(1/b)·y.
                if (wantA)
                    TP.Divide(dy, b, ga);
                if (wantB)
                {
                    TP.Divide(dy, b, gb);
                    TP.Multiply(gb, y, gb);
                    TP.Negate(gb, gb);
                }
                break;
            case BinaryOp.Pow:
                for (int j = 0; j < a.Length; j++)
                {
                    if (wantA)
                        ga[j] = b[j] == T.Zero ? T.Zero : dy[j] * (b[j] * Transcendental.Pow(a[j], b[j] - T.One));
                    if (wantB)
                        gb[j] = a[j] > T.Zero ? dy[j] * (y[j] * Transcendental.Log(a[j])) : T.Zero;
                }
                break;
            case BinaryOp.Min:
                for (int j = 0; j < a.Length; j++)
                {
                    bool toA = a[j] <= b[j];
                    if (wantA)
                        ga[j] = toA ? dy[j] : T.Zero;
                    if (wantB)
                        gb[j] = toA ? T.Zero : dy[j];
                }
                break;
            case BinaryOp.Max:
                for (int j = 0; j < a.Length; j++)
                {
                    bool toA = a[j] >= b[j];
                    if (wantA)
                        ga[j] = toA ? dy[j] : T.Zero;
                    if (wantB)
                        gb[j] = toA ? T.Zero : dy[j];
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <inheritdoc />
    protected override void SelectKernel<T>(T[] mask, Operand<T> a, Operand<T> b, T[] y, int rows, int cols) =>
        RowBlocks(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    int ia = (a.Rows == 1 ? 0 : i) * a.Cols,
                        ib = (b.Rows == 1 ? 0 : i) * b.Cols,
                        sa = a.Cols == 1 ? 0 : 1,
                        sb = b.Cols == 1 ? 0 : 1;
                    var m = mask.AsSpan(i * cols, cols);
                    var yr = y.AsSpan(i * cols, cols);
                    for (int j = 0; j < cols; j++)
                        yr[j] = m[j] != T.Zero ? a.Data[ia + sa * j] : b.Data[ib + sb * j];
                }
            }
        );

    /// <inheritdoc />
    protected override void SelectBackwardKernel<T>(T[] mask, Operand<T> a, Operand<T> b, T[] dy, int rows, int cols, T[]? da, T[]? db)
    {
        void Body(int s, int e)
        {
            for (int i = s; i < e; i++)
            {
                int ia = (a.Rows == 1 ? 0 : i) * a.Cols,
                    ib = (b.Rows == 1 ? 0 : i) * b.Cols,
                    sa = a.Cols == 1 ? 0 : 1,
                    sb = b.Cols == 1 ? 0 : 1;
                var m = mask.AsSpan(i * cols, cols);
                var g = dy.AsSpan(i * cols, cols);
                for (int j = 0; j < cols; j++)
                {
                    if (m[j] != T.Zero)
                    {
                        if (da is not null)
                            da[ia + sa * j] += g[j];
                    }
                    else if (db is not null)
                        db[ib + sb * j] += g[j];
                }
            }
        }
        bool parallel = (da is null || a.Rows == rows) && (db is null || b.Rows == rows);
        if (parallel)
            RowBlocks(rows, cols, MaxDegreeOfParallelism, Body);
        else if (rows > 0)
            Body(0, rows);
    }

    /// <inheritdoc />
    protected override void SumColumnsKernel<T>(T[] x, int rows, int cols, T[] y) =>
        RowBlocks(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                    y[i] = FixedOrder.SumOf(x.AsSpan(i * cols, cols));
            }
        );

    /// <inheritdoc />
    protected override void SumColumnsBackwardKernel<T>(T[] dy, int rows, int cols, T[] dx) =>
        RowBlocks(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                    TP.Add(dx.AsSpan(i * cols, cols), dy[i], dx.AsSpan(i * cols, cols));
            }
        );

    /// <inheritdoc />
    protected override void CumSumKernel<T>(T[] x, int rows, int cols, T[] y) =>
        RowBlocks(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    var xr = x.AsSpan(i * cols, cols);
                    var yr = y.AsSpan(i * cols, cols);
                    T acc = T.Zero;
                    for (int j = 0; j < xr.Length; j++)
                    {
                        acc += xr[j];
                        yr[j] = acc;
                    }
                }
            }
        );

    /// <inheritdoc />
    protected override void CumSumBackwardKernel<T>(T[] dy, int rows, int cols, T[] dx) =>
        RowBlocks(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    var gr = dy.AsSpan(i * cols, cols);
                    var xr = dx.AsSpan(i * cols, cols);
                    T acc = T.Zero;
                    for (int j = gr.Length - 1; j >= 0; j--)
                    {
                        acc += gr[j];
                        xr[j] += acc;
                    }
                }
            }
        );

    /// <inheritdoc />
    protected override void CopyColumnsKernel<T>(
        T[] src,
        int srcCols,
        int srcStart,
        T[] dst,
        int dstCols,
        int dstStart,
        int count,
        int rows,
        bool accumulate
    ) =>
        RowBlocks(
            rows,
            count,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    var from = src.AsSpan(i * srcCols + srcStart, count);
                    var to = dst.AsSpan(i * dstCols + dstStart, count);
                    if (accumulate)
                        TP.Add(to, from, to);
                    else
                        from.CopyTo(to);
                }
            }
        );

    /// <inheritdoc />
    protected override void MatMulKernel<T>(T[] a, T[] w, T[] y, int rows, int inner, int cols) =>
        RowBlocks(
            rows,
            inner * Math.Max(1, cols),
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    var yr = y.AsSpan(i * cols, cols);
                    yr.Clear();
                    for (int k = 0; k < inner; k++)
                        TP.MultiplyAdd(w.AsSpan(k * cols, cols), a[i * inner + k], yr, yr);
                }
            }
        );

    /// <inheritdoc />
    protected override void MatMulBackwardKernel<T>(T[] a, T[] w, T[] dy, int rows, int inner, int cols, T[]? da, T[]? dw)
    {
        if (da is not null)
            RowBlocks(
                rows,
                inner * Math.Max(1, cols),
                MaxDegreeOfParallelism,
                (s, e) =>
                {
                    for (int i = s; i < e; i++)
                    {
                        var g = dy.AsSpan(i * cols, cols);
                        for (int k = 0; k < inner; k++)
                            da[i * inner + k] += FixedOrder.DotOf(g, w.AsSpan(k * cols, cols));
                    }
                }
            );
        if (dw is not null)
            // Each row k of dw is one thread's, summed over the batch in row order.
            RowBlocks(
                inner,
                rows * Math.Max(1, cols),
                MaxDegreeOfParallelism,
                (s, e) =>
                {
                    for (int k = s; k < e; k++)
                    {
                        var wr = dw.AsSpan(k * cols, cols);
                        for (int i = 0; i < rows; i++)
                            TP.MultiplyAdd(dy.AsSpan(i * cols, cols), a[i * inner + k], wr, wr);
                    }
                }
            );
    }

    /// <inheritdoc />
    protected override void BatchedMatMulKernel<T>(T[] x, T[] w, T[] y, int rows, int inner, int cols) =>
        RowBlocks(
            rows,
            inner * Math.Max(1, cols),
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    var yr = y.AsSpan(i * cols, cols);
                    yr.Clear();
                    for (int k = 0; k < inner; k++)
                        TP.MultiplyAdd(w.AsSpan((i * inner + k) * cols, cols), x[i * inner + k], yr, yr);
                }
            }
        );

    /// <inheritdoc />
    protected override void BatchedMatMulBackwardKernel<T>(T[] x, T[] w, T[] dy, int rows, int inner, int cols, T[]? dx, T[]? dw) =>
        RowBlocks(
            rows,
            inner * Math.Max(1, cols),
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    var g = dy.AsSpan(i * cols, cols);
                    for (int k = 0; k < inner; k++)
                    {
                        int at = (i * inner + k) * cols;
                        if (dx is not null)
                            dx[i * inner + k] += FixedOrder.DotOf(g, w.AsSpan(at, cols));
                        if (dw is not null)
                        {
                            var wr = dw.AsSpan(at, cols);
                            TP.MultiplyAdd(g, x[i * inner + k], wr, wr);
                        }
                    }
                }
            }
        );

    private static bool IsFull<T>(Operand<T> o, int rows, int cols)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => o.Rows == rows && o.Cols == cols;

    // The row of o that output row i reads, expanded to cols entries (a width-1 operand is filled into t).
    private static ReadOnlySpan<T> RowOf<T>(Operand<T> o, int i, int cols, T[] t)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int r = o.Rows == 1 ? 0 : i;
        if (o.Cols == cols)
            return o.Data.AsSpan(r * cols, cols);
        t.AsSpan(0, cols).Fill(o.Data[r]);
        return t.AsSpan(0, cols);
    }

    // Adds the per-element gradient g of output row i into the operand's gradient under broadcasting.
    private static void Reduce<T>(ReadOnlySpan<T> g, Operand<T> o, int i, T[] target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int r = o.Rows == 1 ? 0 : i;
        if (o.Cols == g.Length)
        {
            var t = target.AsSpan(r * o.Cols, o.Cols);
            TP.Add(t, g, t);
        }
        else
            target[r] += FixedOrder.SumOf(g);
    }
}
