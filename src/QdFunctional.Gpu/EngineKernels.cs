using ILGPU;
using ILGPU.Runtime;

namespace QdFunctional.Gpu;

/// <summary>A broadcast matrix argument on the device: its storage and its shape (a 1 repeats).</summary>
/// <remarks>The device twin of <see cref="QdFunctional.Diff.Operand{T}"/>, passed by value into kernels.</remarks>
public struct DeviceOperand
{
    /// <summary>Row-major storage.</summary>
    public ArrayView<double> Data;

    /// <summary>Rows (1 = broadcast over the batch).</summary>
    public int Rows;

    /// <summary>Columns (1 = broadcast over the features).</summary>
    public int Cols;

    /// <summary>The storage index that output position (i, j) reads.</summary>
    public readonly int Index(int i, int j) => (Rows == 1 ? 0 : i) * Cols + (Cols == 1 ? 0 : j);
}

/// <summary>The engine's kernels as ILGPU device functions, one thread per output element, all in
/// float64 (float32 tensors are widened on the device, computed, and rounded once on the way back).</summary>
/// <remarks>Every reduction is one thread walking its elements in index order, so results depend
/// only on the shape, never on the thread count or the accelerator's scheduling (the engine's
/// reproducibility rule). Gradients with respect to a broadcast operand are reduced by the thread
/// that owns the operand's element, so no two threads ever write one address (no atomics). Operation
/// codes arrive as <see cref="SpecializedValue{T}"/>: ILGPU compiles one kernel per operation, with the
/// formula table folded to the one line it uses, instead of one large kernel branching per element.</remarks>
internal static class EngineKernels
{
    /// <summary>v rounded to float32 when single is set: applied after every addition and product of a
    /// float32 kernel, it reproduces float32 arithmetic exactly (float64 holds every float32 sum and
    /// product of two float32 values before the one rounding).</summary>
    static double R(double v, int single) => single != 0 ? (float)v : v;

    public static void Unary(Index1D i, SpecializedValue<int> op, double p, double q, ArrayView<double> x, ArrayView<double> y) =>
        y[i] = DeviceMath.Unary(op.Value, p, q, x[i]);

    public static void UnaryBackward(
        Index1D i,
        SpecializedValue<int> op,
        double p,
        double q,
        ArrayView<double> x,
        ArrayView<double> y,
        ArrayView<double> dy,
        ArrayView<double> dx,
        int single
    ) => dx[i] = R(dx[i] + R(dy[i] * R(DeviceMath.UnaryDerivative(op.Value, p, q, x[i], y[i]), single), single), single);

    public static void Binary(Index1D k, SpecializedValue<int> op, DeviceOperand a, DeviceOperand b, ArrayView<double> y, int cols)
    {
        int i = k / cols;
        int j = k - i * cols;
        y[k] = DeviceMath.Binary(op.Value, a.Data[a.Index(i, j)], b.Data[b.Index(i, j)]);
    }

    /// <summary>grad[e] += Σ dy·∂y/∂(side) over the output positions that read element e of the operand
    /// on that side (0 = a, 1 = b), in row-major order.</summary>
    public static void BinaryReduce(
        Index1D e,
        SpecializedValue<int> op,
        DeviceOperand a,
        DeviceOperand b,
        ArrayView<double> y,
        ArrayView<double> dy,
        int rows,
        int cols,
        ArrayView<double> grad,
        int side,
        int single
    )
    {
        var target = side == 0 ? a : b;
        int er = e / target.Cols;
        int ec = e - er * target.Cols;
        int i0 = target.Rows == 1 ? 0 : er;
        int i1 = target.Rows == 1 ? rows : er + 1;
        int j0 = target.Cols == 1 ? 0 : ec;
        int j1 = target.Cols == 1 ? cols : ec + 1;
        double s = 0.0;
        for (int i = i0; i < i1; i++)
        for (int j = j0; j < j1; j++)
        {
            int k = i * cols + j;
            double av = a.Data[a.Index(i, j)];
            double bv = b.Data[b.Index(i, j)];
            double partial = R(side == 0 ? DeviceMath.PartialA(op.Value, av, bv) : DeviceMath.PartialB(op.Value, av, bv, y[k]), single);
            s = R(s + R(dy[k] * partial, single), single);
        }
        grad[e] = R(grad[e] + s, single);
    }

    public static void Select(Index1D k, ArrayView<double> mask, DeviceOperand a, DeviceOperand b, ArrayView<double> y, int cols)
    {
        int i = k / cols;
        int j = k - i * cols;
        y[k] = mask[k] != 0.0 ? a.Data[a.Index(i, j)] : b.Data[b.Index(i, j)];
    }

    /// <summary>grad[e] += Σ dy over the positions reading element e whose mask selects this side.</summary>
    public static void SelectReduce(
        Index1D e,
        ArrayView<double> mask,
        DeviceOperand target,
        ArrayView<double> dy,
        int rows,
        int cols,
        ArrayView<double> grad,
        int side,
        int single
    )
    {
        int er = e / target.Cols;
        int ec = e - er * target.Cols;
        int i0 = target.Rows == 1 ? 0 : er;
        int i1 = target.Rows == 1 ? rows : er + 1;
        int j0 = target.Cols == 1 ? 0 : ec;
        int j1 = target.Cols == 1 ? cols : ec + 1;
        double s = 0.0;
        for (int i = i0; i < i1; i++)
        for (int j = j0; j < j1; j++)
        {
            int k = i * cols + j;
            bool selected = mask[k] != 0.0;
            if (selected == (side == 0))
                s = R(s + dy[k], single);
        }
        grad[e] = R(grad[e] + s, single);
    }

    public static void SumColumns(Index1D i, ArrayView<double> x, int cols, ArrayView<double> y, int single)
    {
        double s = 0.0;
        for (int j = 0; j < cols; j++)
            s = R(s + x[i * cols + j], single);
        y[i] = s;
    }

    public static void SumColumnsBackward(Index1D k, ArrayView<double> dy, int cols, ArrayView<double> dx, int single) =>
        dx[k] = R(dx[k] + dy[k / cols], single);

    public static void CumSum(Index1D i, ArrayView<double> x, int cols, ArrayView<double> y, int single)
    {
        double s = 0.0;
        for (int j = 0; j < cols; j++)
        {
            s = R(s + x[i * cols + j], single);
            y[i * cols + j] = s;
        }
    }

    public static void CumSumBackward(Index1D i, ArrayView<double> dy, int cols, ArrayView<double> dx, int single)
    {
        double s = 0.0;
        for (int j = cols - 1; j >= 0; j--)
        {
            s = R(s + dy[i * cols + j], single);
            dx[i * cols + j] = R(dx[i * cols + j] + s, single);
        }
    }

    public static void CopyColumns(
        Index1D k,
        ArrayView<double> src,
        int srcCols,
        int srcStart,
        ArrayView<double> dst,
        int dstCols,
        int dstStart,
        int count,
        int accumulate,
        int single
    )
    {
        int i = k / count;
        int j = k - i * count;
        double v = src[i * srcCols + srcStart + j];
        int at = i * dstCols + dstStart + j;
        dst[at] = accumulate != 0 ? R(dst[at] + v, single) : v;
    }

    public static void MatMul(Index1D k, ArrayView<double> a, ArrayView<double> w, ArrayView<double> y, int inner, int cols, int single)
    {
        int i = k / cols;
        int j = k - i * cols;
        double s = 0.0;
        for (int m = 0; m < inner; m++)
            s = R(s + R(a[i * inner + m] * w[m * cols + j], single), single);
        y[k] = s;
    }

    /// <summary>da[i, m] += Σ_j dy[i, j]·w[m, j].</summary>
    public static void MatMulBackwardA(
        Index1D k,
        ArrayView<double> w,
        ArrayView<double> dy,
        int inner,
        int cols,
        ArrayView<double> da,
        int single
    )
    {
        int i = k / inner;
        int m = k - i * inner;
        double s = 0.0;
        for (int j = 0; j < cols; j++)
            s = R(s + R(dy[i * cols + j] * w[m * cols + j], single), single);
        da[k] = R(da[k] + s, single);
    }

    /// <summary>dw[m, j] += Σ_i a[i, m]·dy[i, j], over the batch in row order.</summary>
    public static void MatMulBackwardW(
        Index1D k,
        ArrayView<double> a,
        ArrayView<double> dy,
        int rows,
        int inner,
        int cols,
        ArrayView<double> dw,
        int single
    )
    {
        int m = k / cols;
        int j = k - m * cols;
        double s = 0.0;
        for (int i = 0; i < rows; i++)
            s = R(s + R(a[i * inner + m] * dy[i * cols + j], single), single);
        dw[k] = R(dw[k] + s, single);
    }

    public static void BatchedMatMul(
        Index1D k,
        ArrayView<double> x,
        ArrayView<double> w,
        ArrayView<double> y,
        int inner,
        int cols,
        int single
    )
    {
        int i = k / cols;
        int q = k - i * cols;
        double s = 0.0;
        for (int m = 0; m < inner; m++)
            s = R(s + R(x[i * inner + m] * w[i * inner * cols + m * cols + q], single), single);
        y[k] = s;
    }

    /// <summary>dx[i, m] += Σ_q dy[i, q]·w[i, m·cols + q].</summary>
    public static void BatchedMatMulBackwardX(
        Index1D k,
        ArrayView<double> w,
        ArrayView<double> dy,
        int inner,
        int cols,
        ArrayView<double> dx,
        int single
    )
    {
        int i = k / inner;
        int m = k - i * inner;
        double s = 0.0;
        for (int q = 0; q < cols; q++)
            s = R(s + R(dy[i * cols + q] * w[i * inner * cols + m * cols + q], single), single);
        dx[k] = R(dx[k] + s, single);
    }

    /// <summary>dw[i, m·cols + q] += x[i, m]·dy[i, q].</summary>
    public static void BatchedMatMulBackwardW(
        Index1D k,
        ArrayView<double> x,
        ArrayView<double> dy,
        int inner,
        int cols,
        ArrayView<double> dw,
        int single
    )
    {
        int i = k / (inner * cols);
        int rest = k - i * inner * cols;
        int m = rest / cols;
        int q = rest - m * cols;
        dw[k] = R(dw[k] + R(x[i * inner + m] * dy[i * cols + q], single), single);
    }

    /// <summary>wide[i] = narrow[i] (exact).</summary>
    public static void Widen(Index1D i, ArrayView<float> narrow, ArrayView<double> wide) => wide[i] = narrow[i];

    /// <summary>narrow[i] = (float)wide[i], rounding to nearest even.</summary>
    public static void Narrow(Index1D i, ArrayView<double> wide, ArrayView<float> narrow) => narrow[i] = (float)wide[i];

    /// <summary>dst[i] (+)= src[i] after a round trip through float32 when narrowing (a cast's kernel).</summary>
    public static void Cast(Index1D i, ArrayView<double> src, ArrayView<double> dst, int narrowing, int accumulate)
    {
        double v = narrowing != 0 ? (float)src[i] : src[i];
        dst[i] = accumulate != 0 ? (narrowing != 0 ? (float)(dst[i] + v) : dst[i] + v) : v;
    }
}
