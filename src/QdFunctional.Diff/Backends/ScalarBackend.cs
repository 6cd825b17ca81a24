using System.Numerics;
using QdFunctional.Diff.Numerics;

namespace QdFunctional.Diff;

/// <summary>A deliberately plain reference backend: one loop per kernel, one element at a time.</summary>
/// <remarks>It proves the backend seam is real (the whole suite runs over it too) and it is the
/// independent implementation the fast backend is checked against. Transcendental functions are the
/// scalar forms of <see cref="PortableMath"/>, so both backends give the same bits for them. Like the
/// SIMD backend, each kernel is written once over the element type and serves both dtypes.</remarks>
public sealed class ScalarBackend : IBackend
{
    /// <inheritdoc />
    public string Name => "scalar";

    /// <summary>The value of one unary operation at one point.</summary>
    /// <remarks>Shared by the forward kernel; written out once so the formulas read as a table.</remarks>
    public static T Apply<T>(UnaryOp op, double p, double q, T x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        op switch
        {
            UnaryOp.Negate => -x,
            UnaryOp.Square => x * x,
            UnaryOp.Sqrt => T.Sqrt(x),
            UnaryOp.Abs => T.Abs(x),
            UnaryOp.Exp => Transcendental.Exp(x),
            UnaryOp.Log => Transcendental.Log(x),
            UnaryOp.Sin => Transcendental.Sin(x),
            UnaryOp.Cos => Transcendental.Cos(x),
            UnaryOp.Tanh => Transcendental.Tanh(x),
            UnaryOp.Sigmoid => Transcendental.Sigmoid(x),
            UnaryOp.Relu => x > T.Zero ? x : T.Zero,
            UnaryOp.PowScalar => Transcendental.Pow(x, p),
            UnaryOp.Clamp => T.Min(T.Max(x, T.CreateTruncating(p)), T.CreateTruncating(q)),
            UnaryOp.AddScalar => x + T.CreateTruncating(p),
            UnaryOp.MulScalar => T.CreateTruncating(p) * x,
            UnaryOp.ScalarSub => T.CreateTruncating(p) - x,
            UnaryOp.ScalarDiv => T.CreateTruncating(p) / x,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    /// <summary>The derivative dy/dx of one unary operation at one point, given y.</summary>
    /// <remarks>Each line is the rule for the same line of <see cref="Apply{T}(UnaryOp, double, double, T)"/>.</remarks>
    public static T Derivative<T>(UnaryOp op, double p, double q, T x, T y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        op switch
        {
            UnaryOp.Negate => -T.One,
            UnaryOp.Square => T.CreateTruncating(2.0) * x,
            UnaryOp.Sqrt => T.CreateTruncating(0.5) / y,
            UnaryOp.Abs => x > T.Zero ? T.One
            : x < T.Zero ? -T.One
            : T.Zero,
            UnaryOp.Exp => y,
            UnaryOp.Log => T.One / x,
            UnaryOp.Sin => Transcendental.Cos(x),
            UnaryOp.Cos => -Transcendental.Sin(x),
            UnaryOp.Tanh => T.One - y * y,
            UnaryOp.Sigmoid => y * (T.One - y),
            UnaryOp.Relu => x > T.Zero ? T.One : T.Zero,
            UnaryOp.PowScalar => p == 0 ? T.Zero : T.CreateTruncating(p) * Transcendental.Pow(x, p - 1.0),
            UnaryOp.Clamp => x >= T.CreateTruncating(p) && x <= T.CreateTruncating(q) ? T.One : T.Zero,
            UnaryOp.AddScalar => T.One,
            UnaryOp.MulScalar => T.CreateTruncating(p),
            UnaryOp.ScalarSub => -T.One,
            UnaryOp.ScalarDiv => T.CreateTruncating(-p) / (x * x),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    /// <summary>The value of one binary operation at one point.</summary>
    /// <remarks>Comparisons return 1 or 0.</remarks>
    public static T Apply<T>(BinaryOp op, T a, T b)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        op switch
        {
            BinaryOp.Add => a + b,
            BinaryOp.Subtract => a - b,
            BinaryOp.Multiply => a * b,
            BinaryOp.Divide => a / b,
            BinaryOp.Pow => Transcendental.Pow(a, b),
            BinaryOp.Min => T.Min(a, b),
            BinaryOp.Max => T.Max(a, b),
            BinaryOp.Less => a < b ? T.One : T.Zero,
            BinaryOp.LessOrEqual => a <= b ? T.One : T.Zero,
            BinaryOp.Greater => a > b ? T.One : T.Zero,
            BinaryOp.GreaterOrEqual => a >= b ? T.One : T.Zero,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    /// <summary>The partial derivatives (∂y/∂a, ∂y/∂b) of one binary operation at one point.</summary>
    /// <remarks>Min and max give the whole derivative to a on ties; comparisons have none.</remarks>
    public static (T Da, T Db) Partials<T>(BinaryOp op, T a, T b, T y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        op switch
        {
            BinaryOp.Add => (T.One, T.One),
            BinaryOp.Subtract => (T.One, -T.One),
            BinaryOp.Multiply => (b, a),
            BinaryOp.Divide => (T.One / b, -a / (b * b)),
            BinaryOp.Pow => (b == T.Zero ? T.Zero : b * Transcendental.Pow(a, b - T.One), a > T.Zero ? y * Transcendental.Log(a) : T.Zero),
            BinaryOp.Min => a <= b ? (T.One, T.Zero) : (T.Zero, T.One),
            BinaryOp.Max => a >= b ? (T.One, T.Zero) : (T.Zero, T.One),
            _ => (T.Zero, T.Zero),
        };

    // The seam's overloads, one pair per kernel; each forwards to the kernel written once over T.

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
    public void Convert(double[] src, float[] dst, int length, bool accumulate)
    {
        for (int i = 0; i < length; i++)
            dst[i] = accumulate ? dst[i] + (float)src[i] : (float)src[i];
    }

    /// <inheritdoc />
    public void Convert(float[] src, double[] dst, int length, bool accumulate)
    {
        for (int i = 0; i < length; i++)
            dst[i] = accumulate ? dst[i] + src[i] : src[i];
    }

    private static void UnaryKernel<T>(UnaryOp op, double p, double q, T[] x, T[] y, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < length; i++)
            y[i] = Apply(op, p, q, x[i]);
    }

    private static void UnaryBackwardKernel<T>(UnaryOp op, double p, double q, T[] x, T[] y, T[] dy, T[] dx, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < length; i++)
            dx[i] += dy[i] * Derivative(op, p, q, x[i], y[i]);
    }

    private static void BinaryKernel<T>(BinaryOp op, Operand<T> a, Operand<T> b, T[] y, int rows, int cols)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            y[i * cols + j] = Apply(op, a.At(i, j), b.At(i, j));
    }

    private static void BinaryBackwardKernel<T>(
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
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
        {
            int k = i * cols + j;
            var (pa, pb) = Partials(op, a.At(i, j), b.At(i, j), y[k]);
            if (da is not null)
                da[Index(a, i, j)] += dy[k] * pa;
            if (db is not null)
                db[Index(b, i, j)] += dy[k] * pb;
        }
    }

    private static void SelectKernel<T>(T[] mask, Operand<T> a, Operand<T> b, T[] y, int rows, int cols)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            y[i * cols + j] = mask[i * cols + j] != T.Zero ? a.At(i, j) : b.At(i, j);
    }

    private static void SelectBackwardKernel<T>(T[] mask, Operand<T> a, Operand<T> b, T[] dy, int rows, int cols, T[]? da, T[]? db)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
        {
            int k = i * cols + j;
            if (mask[k] != T.Zero)
            {
                if (da is not null)
                    da[Index(a, i, j)] += dy[k];
            }
            else if (db is not null)
                db[Index(b, i, j)] += dy[k];
        }
    }

    private static void SumColumnsKernel<T>(T[] x, int rows, int cols, T[] y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        {
            T s = T.Zero;
            for (int j = 0; j < cols; j++)
                s += x[i * cols + j];
            y[i] = s;
        }
    }

    private static void SumColumnsBackwardKernel<T>(T[] dy, int rows, int cols, T[] dx)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            dx[i * cols + j] += dy[i];
    }

    private static void CumSumKernel<T>(T[] x, int rows, int cols, T[] y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        {
            T s = T.Zero;
            for (int j = 0; j < cols; j++)
            {
                s += x[i * cols + j];
                y[i * cols + j] = s;
            }
        }
    }

    private static void CumSumBackwardKernel<T>(T[] dy, int rows, int cols, T[] dx)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        {
            T s = T.Zero;
            for (int j = cols - 1; j >= 0; j--)
            {
                s += dy[i * cols + j];
                dx[i * cols + j] += s;
            }
        }
    }

    private static void CopyColumnsKernel<T>(
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
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < count; j++)
        {
            T v = src[i * srcCols + srcStart + j];
            if (accumulate)
                dst[i * dstCols + dstStart + j] += v;
            else
                dst[i * dstCols + dstStart + j] = v;
        }
    }

    private static void MatMulKernel<T>(T[] a, T[] w, T[] y, int rows, int inner, int cols)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
        {
            T s = T.Zero;
            for (int k = 0; k < inner; k++)
                s += a[i * inner + k] * w[k * cols + j];
            y[i * cols + j] = s;
        }
    }

    private static void MatMulBackwardKernel<T>(T[] a, T[] w, T[] dy, int rows, int inner, int cols, T[]? da, T[]? dw)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int k = 0; k < inner; k++)
        for (int j = 0; j < cols; j++)
        {
            T g = dy[i * cols + j];
            if (da is not null)
                da[i * inner + k] += g * w[k * cols + j];
            if (dw is not null)
                dw[k * cols + j] += g * a[i * inner + k];
        }
    }

    private static void BatchedMatMulKernel<T>(T[] x, T[] w, T[] y, int rows, int inner, int cols)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int q = 0; q < cols; q++)
        {
            T s = T.Zero;
            for (int k = 0; k < inner; k++)
                s += x[i * inner + k] * w[i * inner * cols + k * cols + q];
            y[i * cols + q] = s;
        }
    }

    private static void BatchedMatMulBackwardKernel<T>(T[] x, T[] w, T[] dy, int rows, int inner, int cols, T[]? dx, T[]? dw)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        for (int k = 0; k < inner; k++)
        for (int q = 0; q < cols; q++)
        {
            T g = dy[i * cols + q];
            int at = i * inner * cols + k * cols + q;
            if (dx is not null)
                dx[i * inner + k] += g * w[at];
            if (dw is not null)
                dw[at] += g * x[i * inner + k];
        }
    }

    private static int Index<T>(Operand<T> o, int i, int j) => (o.Rows == 1 ? 0 : i) * o.Cols + (o.Cols == 1 ? 0 : j);
}
