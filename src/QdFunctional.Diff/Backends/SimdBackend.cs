using System.Buffers;
using QdFunctional.Diff.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace QdFunctional.Diff;

/// <summary>The default CPU backend: span kernels from System.Numerics.Tensors (SIMD), large batches
/// split across cores in blocks fixed by the problem size.</summary>
/// <remarks>Block boundaries never depend on the thread count, reductions run in a fixed order, and
/// only exactly rounded TensorPrimitives operations are used (add, multiply, divide, sqrt, min, max…);
/// the transcendental functions come from <see cref="Numerics.PortableMath"/>, whose vector and scalar forms agree bit for bit.
/// So results are bit-identical whatever <see cref="MaxDegreeOfParallelism"/> is, wherever buffers
/// live, and from the first call on.</remarks>
public sealed class SimdBackend : IBackend
{
    /// <summary>Creates the backend; -1 uses every core, 1 runs on the calling thread only.</summary>
    /// <remarks>The thread count is a parameter so tests can show it does not change results.</remarks>
    public SimdBackend(int maxDegreeOfParallelism = -1) => MaxDegreeOfParallelism = maxDegreeOfParallelism;

    /// <summary>The most threads one kernel uses (-1: no limit).</summary>
    /// <remarks>Only affects speed, never values.</remarks>
    public int MaxDegreeOfParallelism { get; }

    /// <inheritdoc />
    public string Name => "simd";

    /// <inheritdoc />
    public void Unary(UnaryOp op, double p, double q, double[] x, double[] y, int length) =>
        Partition.Elements(length, MaxDegreeOfParallelism, (s, e) => UnarySpan(op, p, q, x.AsSpan(s, e - s), y.AsSpan(s, e - s)));

    /// <inheritdoc />
    public void UnaryBackward(UnaryOp op, double p, double q, double[] x, double[] y, double[] dy, double[] dx, int length) =>
        Partition.Elements(
            length,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                double[] t = ArrayPool<double>.Shared.Rent(e - s);
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
                ArrayPool<double>.Shared.Return(t);
            }
        );

    private static void UnarySpan(UnaryOp op, double p, double q, ReadOnlySpan<double> x, Span<double> y)
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
                TP.Max(x, 0.0, y);
                break;
            case UnaryOp.PowScalar:
                if (p == 2.0)
                    TP.Multiply(x, x, y);
                else
                    Transcendental.Unary(op, p, x, y);
                break;
            case UnaryOp.Clamp:
                TP.Max(x, p, y);
                TP.Min(y, q, y);
                break;
            case UnaryOp.AddScalar:
                TP.Add(x, p, y);
                break;
            case UnaryOp.MulScalar:
                TP.Multiply(x, p, y);
                break;
            case UnaryOp.ScalarSub:
                TP.Subtract(p, x, y);
                break;
            case UnaryOp.ScalarDiv:
                TP.Divide(p, x, y);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    private static void UnaryBackwardSpan(
        UnaryOp op,
        double p,
        double q,
        ReadOnlySpan<double> x,
        ReadOnlySpan<double> y,
        ReadOnlySpan<double> dy,
        Span<double> dx,
        Span<double> t
    )
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
                TP.MultiplyAdd(dy, p, dx, dx);
                break;
            case UnaryOp.Square:
                TP.Multiply(x, dy, t);
                TP.MultiplyAdd(t, 2.0, dx, dx);
                break;
            case UnaryOp.Sqrt:
                TP.Divide(dy, y, t);
                TP.MultiplyAdd(t, 0.5, dx, dx);
                break;
            case UnaryOp.Exp:
                TP.MultiplyAdd(dy, y, dx, dx);
                break;
            case UnaryOp.Log:
                TP.Divide(1.0, x, t);
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
                TP.Subtract(1.0, t, t);
                TP.MultiplyAdd(t, dy, dx, dx);
                break;
            case UnaryOp.Sigmoid:
                TP.Subtract(1.0, y, t);
                TP.Multiply(t, y, t);
                TP.MultiplyAdd(t, dy, dx, dx);
                break;
            case UnaryOp.PowScalar:
                if (p == 0.0)
                    break;
                if (p == 2.0)
                    TP.Multiply(x, 2.0, t);
                else
                {
                    Transcendental.Unary(UnaryOp.PowScalar, p - 1.0, x, t);
                    TP.Multiply(t, p, t);
                }
                TP.MultiplyAdd(t, dy, dx, dx);
                break;
            case UnaryOp.ScalarDiv:
                TP.Multiply(x, x, t);
                TP.Divide(dy, t, t);
                TP.MultiplyAdd(t, -p, dx, dx);
                break;
            case UnaryOp.Abs:
                for (int i = 0; i < x.Length; i++)
                    dx[i] +=
                        x[i] > 0 ? dy[i]
                        : x[i] < 0 ? -dy[i]
                        : 0.0;
                break;
            case UnaryOp.Relu:
                for (int i = 0; i < x.Length; i++)
                    if (x[i] > 0)
                        dx[i] += dy[i];
                break;
            case UnaryOp.Clamp:
                for (int i = 0; i < x.Length; i++)
                    if (x[i] >= p && x[i] <= q)
                        dx[i] += dy[i];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <inheritdoc />
    public void Binary(BinaryOp op, Operand a, Operand b, double[] y, int rows, int cols)
    {
        if (IsFull(a, rows, cols) && IsFull(b, rows, cols))
        {
            Partition.Elements(
                rows * cols,
                MaxDegreeOfParallelism,
                (s, e) => BinarySpan(op, a.Data.AsSpan(s, e - s), b.Data.AsSpan(s, e - s), y.AsSpan(s, e - s))
            );
            return;
        }
        Partition.Rows(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                double[] ta = ArrayPool<double>.Shared.Rent(cols),
                    tb = ArrayPool<double>.Shared.Rent(cols);
                for (int i = s; i < e; i++)
                    BinarySpan(op, RowOf(a, i, cols, ta), RowOf(b, i, cols, tb), y.AsSpan(i * cols, cols));
                ArrayPool<double>.Shared.Return(ta);
                ArrayPool<double>.Shared.Return(tb);
            }
        );
    }

    private static void BinarySpan(BinaryOp op, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
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
                    y[i] = a[i] < b[i] ? 1.0 : 0.0;
                break;
            case BinaryOp.LessOrEqual:
                for (int i = 0; i < y.Length; i++)
                    y[i] = a[i] <= b[i] ? 1.0 : 0.0;
                break;
            case BinaryOp.Greater:
                for (int i = 0; i < y.Length; i++)
                    y[i] = a[i] > b[i] ? 1.0 : 0.0;
                break;
            case BinaryOp.GreaterOrEqual:
                for (int i = 0; i < y.Length; i++)
                    y[i] = a[i] >= b[i] ? 1.0 : 0.0;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <inheritdoc />
    public void BinaryBackward(BinaryOp op, Operand a, Operand b, double[] y, double[] dy, int rows, int cols, double[]? da, double[]? db)
    {
        if (op >= BinaryOp.Less || (da is null && db is null))
            return;
        bool fullA = IsFull(a, rows, cols),
            fullB = IsFull(b, rows, cols);
        // A gradient target shared by several rows is accumulated by one thread, rows in order.
        bool parallel = (da is null || a.Rows == rows) && (db is null || b.Rows == rows);
        void Body(int s, int e)
        {
            var pool = ArrayPool<double>.Shared;
            double[] ta = pool.Rent(cols),
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
            Partition.Rows(rows, cols, MaxDegreeOfParallelism, Body);
        else if (rows > 0)
            Body(0, rows);
    }

    // ga = dy·∂y/∂a, gb = dy·∂y/∂b (an empty span is not wanted).
    private static void BinaryPartials(
        BinaryOp op,
        ReadOnlySpan<double> a,
        ReadOnlySpan<double> b,
        ReadOnlySpan<double> y,
        ReadOnlySpan<double> dy,
        Span<double> ga,
        Span<double> gb
    )
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
                        ga[j] = b[j] == 0 ? 0.0 : dy[j] * (b[j] * PortableMath.Pow(a[j], b[j] - 1.0));
                    if (wantB)
                        gb[j] = a[j] > 0 ? dy[j] * (y[j] * PortableMath.Log(a[j])) : 0.0;
                }
                break;
            case BinaryOp.Min:
                for (int j = 0; j < a.Length; j++)
                {
                    bool toA = a[j] <= b[j];
                    if (wantA)
                        ga[j] = toA ? dy[j] : 0.0;
                    if (wantB)
                        gb[j] = toA ? 0.0 : dy[j];
                }
                break;
            case BinaryOp.Max:
                for (int j = 0; j < a.Length; j++)
                {
                    bool toA = a[j] >= b[j];
                    if (wantA)
                        ga[j] = toA ? dy[j] : 0.0;
                    if (wantB)
                        gb[j] = toA ? 0.0 : dy[j];
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <inheritdoc />
    public void Select(double[] mask, Operand a, Operand b, double[] y, int rows, int cols) =>
        Partition.Rows(
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
                        yr[j] = m[j] != 0 ? a.Data[ia + sa * j] : b.Data[ib + sb * j];
                }
            }
        );

    /// <inheritdoc />
    public void SelectBackward(double[] mask, Operand a, Operand b, double[] dy, int rows, int cols, double[]? da, double[]? db)
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
                    if (m[j] != 0)
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
            Partition.Rows(rows, cols, MaxDegreeOfParallelism, Body);
        else if (rows > 0)
            Body(0, rows);
    }

    /// <inheritdoc />
    public void SumColumns(double[] x, int rows, int cols, double[] y) =>
        Partition.Rows(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                    y[i] = FixedOrder.Sum(x.AsSpan(i * cols, cols));
            }
        );

    /// <inheritdoc />
    public void SumColumnsBackward(double[] dy, int rows, int cols, double[] dx) =>
        Partition.Rows(
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
    public void CumSum(double[] x, int rows, int cols, double[] y) =>
        Partition.Rows(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    var xr = x.AsSpan(i * cols, cols);
                    var yr = y.AsSpan(i * cols, cols);
                    double acc = 0;
                    for (int j = 0; j < xr.Length; j++)
                    {
                        acc += xr[j];
                        yr[j] = acc;
                    }
                }
            }
        );

    /// <inheritdoc />
    public void CumSumBackward(double[] dy, int rows, int cols, double[] dx) =>
        Partition.Rows(
            rows,
            cols,
            MaxDegreeOfParallelism,
            (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    var gr = dy.AsSpan(i * cols, cols);
                    var xr = dx.AsSpan(i * cols, cols);
                    double acc = 0;
                    for (int j = gr.Length - 1; j >= 0; j--)
                    {
                        acc += gr[j];
                        xr[j] += acc;
                    }
                }
            }
        );

    /// <inheritdoc />
    public void CopyColumns(
        double[] src,
        int srcCols,
        int srcStart,
        double[] dst,
        int dstCols,
        int dstStart,
        int count,
        int rows,
        bool accumulate
    ) =>
        Partition.Rows(
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
    public void MatMul(double[] a, double[] w, double[] y, int rows, int inner, int cols) =>
        Partition.Rows(
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
    public void MatMulBackward(double[] a, double[] w, double[] dy, int rows, int inner, int cols, double[]? da, double[]? dw)
    {
        if (da is not null)
            Partition.Rows(
                rows,
                inner * Math.Max(1, cols),
                MaxDegreeOfParallelism,
                (s, e) =>
                {
                    for (int i = s; i < e; i++)
                    {
                        var g = dy.AsSpan(i * cols, cols);
                        for (int k = 0; k < inner; k++)
                            da[i * inner + k] += FixedOrder.Dot(g, w.AsSpan(k * cols, cols));
                    }
                }
            );
        if (dw is not null)
            // Each row k of dw is one thread's, summed over the batch in row order.
            Partition.Rows(
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
    public void BatchedMatMul(double[] x, double[] w, double[] y, int rows, int inner, int cols) =>
        Partition.Rows(
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
    public void BatchedMatMulBackward(double[] x, double[] w, double[] dy, int rows, int inner, int cols, double[]? dx, double[]? dw) =>
        Partition.Rows(
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
                            dx[i * inner + k] += FixedOrder.Dot(g, w.AsSpan(at, cols));
                        if (dw is not null)
                        {
                            var wr = dw.AsSpan(at, cols);
                            TP.MultiplyAdd(g, x[i * inner + k], wr, wr);
                        }
                    }
                }
            }
        );

    private static bool IsFull(Operand o, int rows, int cols) => o.Rows == rows && o.Cols == cols;

    // The row of o that output row i reads, expanded to cols entries (a width-1 operand is filled into t).
    private static ReadOnlySpan<double> RowOf(Operand o, int i, int cols, double[] t)
    {
        int r = o.Rows == 1 ? 0 : i;
        if (o.Cols == cols)
            return o.Data.AsSpan(r * cols, cols);
        t.AsSpan(0, cols).Fill(o.Data[r]);
        return t.AsSpan(0, cols);
    }

    // Adds the per-element gradient g of output row i into the operand's gradient under broadcasting.
    private static void Reduce(ReadOnlySpan<double> g, Operand o, int i, double[] target)
    {
        int r = o.Rows == 1 ? 0 : i;
        if (o.Cols == g.Length)
        {
            var t = target.AsSpan(r * o.Cols, o.Cols);
            TP.Add(t, g, t);
        }
        else
            target[r] += FixedOrder.Sum(g);
    }
}
