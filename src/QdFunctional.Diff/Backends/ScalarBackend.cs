using QdFunctional.Diff.Numerics;

namespace QdFunctional.Diff;

/// <summary>A deliberately plain reference backend: one loop per kernel, one element at a time.</summary>
/// <remarks>It proves the backend seam is real (the whole suite runs over it too) and it is the
/// independent implementation the fast backend is checked against. Transcendental functions are the
/// scalar forms of <see cref="PortableMath"/>, so both backends give the same bits for them.</remarks>
public sealed class ScalarBackend : IBackend
{
    /// <inheritdoc />
    public string Name => "scalar";

    /// <summary>The value of one unary operation at one point.</summary>
    /// <remarks>Shared by the forward kernel; written out once so the formulas read as a table.</remarks>
    public static double Apply(UnaryOp op, double p, double q, double x) =>
        op switch
        {
            UnaryOp.Negate => -x,
            UnaryOp.Square => x * x,
            UnaryOp.Sqrt => Math.Sqrt(x),
            UnaryOp.Abs => Math.Abs(x),
            UnaryOp.Exp => PortableMath.Exp(x),
            UnaryOp.Log => PortableMath.Log(x),
            UnaryOp.Sin => PortableMath.Sin(x),
            UnaryOp.Cos => PortableMath.Cos(x),
            UnaryOp.Tanh => PortableMath.Tanh(x),
            UnaryOp.Sigmoid => PortableMath.Sigmoid(x),
            UnaryOp.Relu => x > 0 ? x : 0.0,
            UnaryOp.PowScalar => PortableMath.Pow(x, p),
            UnaryOp.Clamp => Math.Min(Math.Max(x, p), q),
            UnaryOp.AddScalar => x + p,
            UnaryOp.MulScalar => p * x,
            UnaryOp.ScalarSub => p - x,
            UnaryOp.ScalarDiv => p / x,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    /// <summary>The derivative dy/dx of one unary operation at one point, given y.</summary>
    /// <remarks>Each line is the rule for the same line of <see cref="Apply(UnaryOp, double, double, double)"/>.</remarks>
    public static double Derivative(UnaryOp op, double p, double q, double x, double y) =>
        op switch
        {
            UnaryOp.Negate => -1.0,
            UnaryOp.Square => 2.0 * x,
            UnaryOp.Sqrt => 0.5 / y,
            UnaryOp.Abs => x > 0 ? 1.0
            : x < 0 ? -1.0
            : 0.0,
            UnaryOp.Exp => y,
            UnaryOp.Log => 1.0 / x,
            UnaryOp.Sin => PortableMath.Cos(x),
            UnaryOp.Cos => -PortableMath.Sin(x),
            UnaryOp.Tanh => 1.0 - y * y,
            UnaryOp.Sigmoid => y * (1.0 - y),
            UnaryOp.Relu => x > 0 ? 1.0 : 0.0,
            UnaryOp.PowScalar => p == 0 ? 0.0 : p * PortableMath.Pow(x, p - 1.0),
            UnaryOp.Clamp => x >= p && x <= q ? 1.0 : 0.0,
            UnaryOp.AddScalar => 1.0,
            UnaryOp.MulScalar => p,
            UnaryOp.ScalarSub => -1.0,
            UnaryOp.ScalarDiv => -p / (x * x),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    /// <summary>The value of one binary operation at one point.</summary>
    /// <remarks>Comparisons return 1 or 0.</remarks>
    public static double Apply(BinaryOp op, double a, double b) =>
        op switch
        {
            BinaryOp.Add => a + b,
            BinaryOp.Subtract => a - b,
            BinaryOp.Multiply => a * b,
            BinaryOp.Divide => a / b,
            BinaryOp.Pow => PortableMath.Pow(a, b),
            BinaryOp.Min => Math.Min(a, b),
            BinaryOp.Max => Math.Max(a, b),
            BinaryOp.Less => a < b ? 1.0 : 0.0,
            BinaryOp.LessOrEqual => a <= b ? 1.0 : 0.0,
            BinaryOp.Greater => a > b ? 1.0 : 0.0,
            BinaryOp.GreaterOrEqual => a >= b ? 1.0 : 0.0,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    /// <summary>The partial derivatives (∂y/∂a, ∂y/∂b) of one binary operation at one point.</summary>
    /// <remarks>Min and max give the whole derivative to a on ties; comparisons have none.</remarks>
    public static (double Da, double Db) Partials(BinaryOp op, double a, double b, double y) =>
        op switch
        {
            BinaryOp.Add => (1.0, 1.0),
            BinaryOp.Subtract => (1.0, -1.0),
            BinaryOp.Multiply => (b, a),
            BinaryOp.Divide => (1.0 / b, -a / (b * b)),
            BinaryOp.Pow => (b == 0 ? 0.0 : b * PortableMath.Pow(a, b - 1.0), a > 0 ? y * PortableMath.Log(a) : 0.0),
            BinaryOp.Min => a <= b ? (1.0, 0.0) : (0.0, 1.0),
            BinaryOp.Max => a >= b ? (1.0, 0.0) : (0.0, 1.0),
            _ => (0.0, 0.0),
        };

    /// <inheritdoc />
    public void Unary(UnaryOp op, double p, double q, double[] x, double[] y, int length)
    {
        for (int i = 0; i < length; i++)
            y[i] = Apply(op, p, q, x[i]);
    }

    /// <inheritdoc />
    public void UnaryBackward(UnaryOp op, double p, double q, double[] x, double[] y, double[] dy, double[] dx, int length)
    {
        for (int i = 0; i < length; i++)
            dx[i] += dy[i] * Derivative(op, p, q, x[i], y[i]);
    }

    /// <inheritdoc />
    public void Binary(BinaryOp op, Operand a, Operand b, double[] y, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            y[i * cols + j] = Apply(op, a.At(i, j), b.At(i, j));
    }

    /// <inheritdoc />
    public void BinaryBackward(BinaryOp op, Operand a, Operand b, double[] y, double[] dy, int rows, int cols, double[]? da, double[]? db)
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
    public void Select(double[] mask, Operand a, Operand b, double[] y, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            y[i * cols + j] = mask[i * cols + j] != 0 ? a.At(i, j) : b.At(i, j);
    }

    /// <inheritdoc />
    public void SelectBackward(double[] mask, Operand a, Operand b, double[] dy, int rows, int cols, double[]? da, double[]? db)
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
        {
            int k = i * cols + j;
            if (mask[k] != 0)
            {
                if (da is not null)
                    da[Index(a, i, j)] += dy[k];
            }
            else if (db is not null)
                db[Index(b, i, j)] += dy[k];
        }
    }

    /// <inheritdoc />
    public void SumColumns(double[] x, int rows, int cols, double[] y)
    {
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int j = 0; j < cols; j++)
                s += x[i * cols + j];
            y[i] = s;
        }
    }

    /// <inheritdoc />
    public void SumColumnsBackward(double[] dy, int rows, int cols, double[] dx)
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            dx[i * cols + j] += dy[i];
    }

    /// <inheritdoc />
    public void CumSum(double[] x, int rows, int cols, double[] y)
    {
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int j = 0; j < cols; j++)
            {
                s += x[i * cols + j];
                y[i * cols + j] = s;
            }
        }
    }

    /// <inheritdoc />
    public void CumSumBackward(double[] dy, int rows, int cols, double[] dx)
    {
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int j = cols - 1; j >= 0; j--)
            {
                s += dy[i * cols + j];
                dx[i * cols + j] += s;
            }
        }
    }

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
    )
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < count; j++)
        {
            double v = src[i * srcCols + srcStart + j];
            if (accumulate)
                dst[i * dstCols + dstStart + j] += v;
            else
                dst[i * dstCols + dstStart + j] = v;
        }
    }

    /// <inheritdoc />
    public void MatMul(double[] a, double[] w, double[] y, int rows, int inner, int cols)
    {
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
        {
            double s = 0;
            for (int k = 0; k < inner; k++)
                s += a[i * inner + k] * w[k * cols + j];
            y[i * cols + j] = s;
        }
    }

    /// <inheritdoc />
    public void MatMulBackward(double[] a, double[] w, double[] dy, int rows, int inner, int cols, double[]? da, double[]? dw)
    {
        for (int i = 0; i < rows; i++)
        for (int k = 0; k < inner; k++)
        for (int j = 0; j < cols; j++)
        {
            double g = dy[i * cols + j];
            if (da is not null)
                da[i * inner + k] += g * w[k * cols + j];
            if (dw is not null)
                dw[k * cols + j] += g * a[i * inner + k];
        }
    }

    /// <inheritdoc />
    public void BatchedMatMul(double[] x, double[] w, double[] y, int rows, int inner, int cols)
    {
        for (int i = 0; i < rows; i++)
        for (int q = 0; q < cols; q++)
        {
            double s = 0;
            for (int k = 0; k < inner; k++)
                s += x[i * inner + k] * w[i * inner * cols + k * cols + q];
            y[i * cols + q] = s;
        }
    }

    /// <inheritdoc />
    public void BatchedMatMulBackward(double[] x, double[] w, double[] dy, int rows, int inner, int cols, double[]? dx, double[]? dw)
    {
        for (int i = 0; i < rows; i++)
        for (int k = 0; k < inner; k++)
        for (int q = 0; q < cols; q++)
        {
            double g = dy[i * cols + q];
            int at = i * inner * cols + k * cols + q;
            if (dx is not null)
                dx[i * inner + k] += g * w[at];
            if (dw is not null)
                dw[at] += g * x[i * inner + k];
        }
    }

    private static int Index(Operand o, int i, int j) => (o.Rows == 1 ? 0 : i) * o.Cols + (o.Cols == 1 ? 0 : j);
}
