using System.Numerics;

namespace QdFunctional.Diff;

/// <summary>Implements both dtype overloads of every <see cref="IBackend"/> kernel once, by forwarding
/// each pair to one kernel written generically over the element type T (double or float).</summary>
/// <remarks>Exists so that no backend repeats the same forwarding overloads: a backend overrides the
/// generic kernels and <c>Convert</c>, the one pair that sees both dtypes at once.</remarks>
public abstract class GenericBackend : IBackend
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public void Unary(UnaryOp op, double p, double q, double[] x, double[] y, int length) => UnaryKernel(op, p, q, x, y, length);

    /// <inheritdoc />
    public void Unary(UnaryOp op, double p, double q, float[] x, float[] y, int length) => UnaryKernel(op, p, q, x, y, length);

    /// <inheritdoc />
    public void UnaryBackward(UnaryOp op, double p, double q, double[] x, double[] y, double[] dy, double[] dx, int length) =>
        UnaryBackwardKernel(op, p, q, x, y, dy, dx, length);

    /// <inheritdoc />
    public void UnaryBackward(UnaryOp op, double p, double q, float[] x, float[] y, float[] dy, float[] dx, int length) =>
        UnaryBackwardKernel(op, p, q, x, y, dy, dx, length);

    /// <inheritdoc />
    public void Binary(BinaryOp op, Operand<double> a, Operand<double> b, double[] y, int rows, int cols) =>
        BinaryKernel(op, a, b, y, rows, cols);

    /// <inheritdoc />
    public void Binary(BinaryOp op, Operand<float> a, Operand<float> b, float[] y, int rows, int cols) =>
        BinaryKernel(op, a, b, y, rows, cols);

    /// <inheritdoc />
    public void BinaryBackward(
        BinaryOp op,
        Operand<double> a,
        Operand<double> b,
        double[] y,
        double[] dy,
        int rows,
        int cols,
        double[]? da,
        double[]? db
    ) => BinaryBackwardKernel(op, a, b, y, dy, rows, cols, da, db);

    /// <inheritdoc />
    public void BinaryBackward(
        BinaryOp op,
        Operand<float> a,
        Operand<float> b,
        float[] y,
        float[] dy,
        int rows,
        int cols,
        float[]? da,
        float[]? db
    ) => BinaryBackwardKernel(op, a, b, y, dy, rows, cols, da, db);

    /// <inheritdoc />
    public void Select(double[] mask, Operand<double> a, Operand<double> b, double[] y, int rows, int cols) =>
        SelectKernel(mask, a, b, y, rows, cols);

    /// <inheritdoc />
    public void Select(float[] mask, Operand<float> a, Operand<float> b, float[] y, int rows, int cols) =>
        SelectKernel(mask, a, b, y, rows, cols);

    /// <inheritdoc />
    public void SelectBackward(
        double[] mask,
        Operand<double> a,
        Operand<double> b,
        double[] dy,
        int rows,
        int cols,
        double[]? da,
        double[]? db
    ) => SelectBackwardKernel(mask, a, b, dy, rows, cols, da, db);

    /// <inheritdoc />
    public void SelectBackward(
        float[] mask,
        Operand<float> a,
        Operand<float> b,
        float[] dy,
        int rows,
        int cols,
        float[]? da,
        float[]? db
    ) => SelectBackwardKernel(mask, a, b, dy, rows, cols, da, db);

    /// <inheritdoc />
    public void SumColumns(double[] x, int rows, int cols, double[] y) => SumColumnsKernel(x, rows, cols, y);

    /// <inheritdoc />
    public void SumColumns(float[] x, int rows, int cols, float[] y) => SumColumnsKernel(x, rows, cols, y);

    /// <inheritdoc />
    public void SumColumnsBackward(double[] dy, int rows, int cols, double[] dx) => SumColumnsBackwardKernel(dy, rows, cols, dx);

    /// <inheritdoc />
    public void SumColumnsBackward(float[] dy, int rows, int cols, float[] dx) => SumColumnsBackwardKernel(dy, rows, cols, dx);

    /// <inheritdoc />
    public void CumSum(double[] x, int rows, int cols, double[] y) => CumSumKernel(x, rows, cols, y);

    /// <inheritdoc />
    public void CumSum(float[] x, int rows, int cols, float[] y) => CumSumKernel(x, rows, cols, y);

    /// <inheritdoc />
    public void CumSumBackward(double[] dy, int rows, int cols, double[] dx) => CumSumBackwardKernel(dy, rows, cols, dx);

    /// <inheritdoc />
    public void CumSumBackward(float[] dy, int rows, int cols, float[] dx) => CumSumBackwardKernel(dy, rows, cols, dx);

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
    ) => CopyColumnsKernel(src, srcCols, srcStart, dst, dstCols, dstStart, count, rows, accumulate);

    /// <inheritdoc />
    public void CopyColumns(
        float[] src,
        int srcCols,
        int srcStart,
        float[] dst,
        int dstCols,
        int dstStart,
        int count,
        int rows,
        bool accumulate
    ) => CopyColumnsKernel(src, srcCols, srcStart, dst, dstCols, dstStart, count, rows, accumulate);

    /// <inheritdoc />
    public void MatMul(double[] a, double[] w, double[] y, int rows, int inner, int cols) => MatMulKernel(a, w, y, rows, inner, cols);

    /// <inheritdoc />
    public void MatMul(float[] a, float[] w, float[] y, int rows, int inner, int cols) => MatMulKernel(a, w, y, rows, inner, cols);

    /// <inheritdoc />
    public void MatMulBackward(double[] a, double[] w, double[] dy, int rows, int inner, int cols, double[]? da, double[]? dw) =>
        MatMulBackwardKernel(a, w, dy, rows, inner, cols, da, dw);

    /// <inheritdoc />
    public void MatMulBackward(float[] a, float[] w, float[] dy, int rows, int inner, int cols, float[]? da, float[]? dw) =>
        MatMulBackwardKernel(a, w, dy, rows, inner, cols, da, dw);

    /// <inheritdoc />
    public void BatchedMatMul(double[] x, double[] w, double[] y, int rows, int inner, int cols) =>
        BatchedMatMulKernel(x, w, y, rows, inner, cols);

    /// <inheritdoc />
    public void BatchedMatMul(float[] x, float[] w, float[] y, int rows, int inner, int cols) =>
        BatchedMatMulKernel(x, w, y, rows, inner, cols);

    /// <inheritdoc />
    public void BatchedMatMulBackward(double[] x, double[] w, double[] dy, int rows, int inner, int cols, double[]? dx, double[]? dw) =>
        BatchedMatMulBackwardKernel(x, w, dy, rows, inner, cols, dx, dw);

    /// <inheritdoc />
    public void BatchedMatMulBackward(float[] x, float[] w, float[] dy, int rows, int inner, int cols, float[]? dx, float[]? dw) =>
        BatchedMatMulBackwardKernel(x, w, dy, rows, inner, cols, dx, dw);

    /// <inheritdoc />
    public abstract void Convert(double[] src, float[] dst, int length, bool accumulate);

    /// <inheritdoc />
    public abstract void Convert(float[] src, double[] dst, int length, bool accumulate);

    // The generic kernels, one per pair of overloads above, each with its overloads' contract (see IBackend).
    // The constraint is what the CPU kernels compute with; the ILGPU kernels need only unmanaged.

    /// <summary>Both dtypes' <see cref="Unary(UnaryOp, double, double, double[], double[], int)"/>.</summary>
    protected abstract void UnaryKernel<T>(UnaryOp op, double p, double q, T[] x, T[] y, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="UnaryBackward(UnaryOp, double, double, double[], double[], double[], double[], int)"/>.</summary>
    protected abstract void UnaryBackwardKernel<T>(UnaryOp op, double p, double q, T[] x, T[] y, T[] dy, T[] dx, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="Binary(BinaryOp, Operand{double}, Operand{double}, double[], int, int)"/>.</summary>
    protected abstract void BinaryKernel<T>(BinaryOp op, Operand<T> a, Operand<T> b, T[] y, int rows, int cols)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="BinaryBackward(BinaryOp, Operand{double}, Operand{double}, double[], double[], int, int, double[], double[])"/>.</summary>
    protected abstract void BinaryBackwardKernel<T>(
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
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="Select(double[], Operand{double}, Operand{double}, double[], int, int)"/>.</summary>
    protected abstract void SelectKernel<T>(T[] mask, Operand<T> a, Operand<T> b, T[] y, int rows, int cols)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="SelectBackward(double[], Operand{double}, Operand{double}, double[], int, int, double[], double[])"/>.</summary>
    protected abstract void SelectBackwardKernel<T>(T[] mask, Operand<T> a, Operand<T> b, T[] dy, int rows, int cols, T[]? da, T[]? db)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="SumColumns(double[], int, int, double[])"/>.</summary>
    protected abstract void SumColumnsKernel<T>(T[] x, int rows, int cols, T[] y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="SumColumnsBackward(double[], int, int, double[])"/>.</summary>
    protected abstract void SumColumnsBackwardKernel<T>(T[] dy, int rows, int cols, T[] dx)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="CumSum(double[], int, int, double[])"/>.</summary>
    protected abstract void CumSumKernel<T>(T[] x, int rows, int cols, T[] y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="CumSumBackward(double[], int, int, double[])"/>.</summary>
    protected abstract void CumSumBackwardKernel<T>(T[] dy, int rows, int cols, T[] dx)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="CopyColumns(double[], int, int, double[], int, int, int, int, bool)"/>.</summary>
    protected abstract void CopyColumnsKernel<T>(
        T[] src,
        int srcCols,
        int srcStart,
        T[] dst,
        int dstCols,
        int dstStart,
        int count,
        int rows,
        bool accumulate
    )
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="MatMul(double[], double[], double[], int, int, int)"/>.</summary>
    protected abstract void MatMulKernel<T>(T[] a, T[] w, T[] y, int rows, int inner, int cols)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="MatMulBackward(double[], double[], double[], int, int, int, double[], double[])"/>.</summary>
    protected abstract void MatMulBackwardKernel<T>(T[] a, T[] w, T[] dy, int rows, int inner, int cols, T[]? da, T[]? dw)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="BatchedMatMul(double[], double[], double[], int, int, int)"/>.</summary>
    protected abstract void BatchedMatMulKernel<T>(T[] x, T[] w, T[] y, int rows, int inner, int cols)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Both dtypes' <see cref="BatchedMatMulBackward(double[], double[], double[], int, int, int, double[], double[])"/>.</summary>
    protected abstract void BatchedMatMulBackwardKernel<T>(T[] x, T[] w, T[] dy, int rows, int inner, int cols, T[]? dx, T[]? dw)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;
}
