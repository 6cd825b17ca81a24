using System.Numerics;
using QdFunctional.Numerics;

namespace QdFunctional.Diff;

/// <summary>A deliberately plain reference backend: one loop per kernel, one element at a time.</summary>
/// <remarks>It proves the backend seam is real (the whole suite runs over it too) and it is the
/// independent implementation the fast backend is checked against. Transcendental functions are the
/// scalar forms of <see cref="PortableMath"/>, so both backends give the same bits for them. Like the
/// SIMD backend, each kernel is written once over the element type and serves both dtypes through
/// <see cref="GenericBackend"/>.</remarks>
public sealed class ScalarBackend : GenericBackend
{
    /// <inheritdoc />
    public override string Name => "scalar";

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

    /// <inheritdoc />
    public override void Convert(double[] src, float[] dst, int length, bool accumulate)
    {
        for (int i = 0; i < length; i++)
            dst[i] = accumulate ? dst[i] + (float)src[i] : (float)src[i];
    }

    /// <inheritdoc />
    public override void Convert(float[] src, double[] dst, int length, bool accumulate)
    {
        for (int i = 0; i < length; i++)
            dst[i] = accumulate ? dst[i] + src[i] : src[i];
    }

    /// <inheritdoc />
    protected override void UnaryKernel<T>(UnaryOp op, double p, double q, T[] x, T[] y, int length)
    {
        for (int i = 0; i < length; i++)
            y[i] = Apply(op, p, q, x[i]);
    }

    /// <inheritdoc />
    protected override void UnaryBackwardKernel<T>(UnaryOp op, double p, double q, T[] x, T[] y, T[] dy, T[] dx, int length)
    {
        for (int i = 0; i < length; i++)
            dx[i] += dy[i] * Derivative(op, p, q, x[i], y[i]);
    }

    /// <inheritdoc />
    protected override void BinaryKernel<T>(BinaryOp op, Operand<T> a, Operand<T> b, T[] y, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            y[i * cols + j] = Apply(op, a.At(i, j), b.At(i, j));
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

    /// <inheritdoc />
    protected override void SelectKernel<T>(T[] mask, Operand<T> a, Operand<T> b, T[] y, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            y[i * cols + j] = mask[i * cols + j] != T.Zero ? a.At(i, j) : b.At(i, j);
    }

    /// <inheritdoc />
    protected override void SelectBackwardKernel<T>(T[] mask, Operand<T> a, Operand<T> b, T[] dy, int rows, int cols, T[]? da, T[]? db)
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

    /// <inheritdoc />
    protected override void SumColumnsKernel<T>(T[] x, int rows, int cols, T[] y)
    {
        for (int i = 0; i < rows; i++)
        {
            T s = T.Zero;
            for (int j = 0; j < cols; j++)
                s += x[i * cols + j];
            y[i] = s;
        }
    }

    /// <inheritdoc />
    protected override void SumColumnsBackwardKernel<T>(T[] dy, int rows, int cols, T[] dx)
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            dx[i * cols + j] += dy[i];
    }

    /// <inheritdoc />
    protected override void CumSumKernel<T>(T[] x, int rows, int cols, T[] y)
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

    /// <inheritdoc />
    protected override void CumSumBackwardKernel<T>(T[] dy, int rows, int cols, T[] dx)
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
    )
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

    /// <inheritdoc />
    protected override void MatMulKernel<T>(T[] a, T[] w, T[] y, int rows, int inner, int cols)
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

    /// <inheritdoc />
    protected override void MatMulBackwardKernel<T>(T[] a, T[] w, T[] dy, int rows, int inner, int cols, T[]? da, T[]? dw)
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

    /// <inheritdoc />
    protected override void BatchedMatMulKernel<T>(T[] x, T[] w, T[] y, int rows, int inner, int cols)
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

    /// <inheritdoc />
    protected override void BatchedMatMulBackwardKernel<T>(T[] x, T[] w, T[] dy, int rows, int inner, int cols, T[]? dx, T[]? dw)
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
