namespace QdFunctional.Diff;

/// <summary>Elementwise operations with one tensor input and up to two scalar parameters p, q.</summary>
/// <remarks>Kept as an enum so that every backend implements the same closed set, and a new backend
/// (CUDA later) knows exactly what it owes.</remarks>
public enum UnaryOp
{
    /// <summary>y = -x.</summary>
    Negate,

    /// <summary>y = x².</summary>
    Square,

    /// <summary>y = √x.</summary>
    Sqrt,

    /// <summary>y = |x|; derivative sign(x), 0 at x = 0.</summary>
    Abs,

    /// <summary>y = eˣ.</summary>
    Exp,

    /// <summary>y = ln x.</summary>
    Log,

    /// <summary>y = sin x.</summary>
    Sin,

    /// <summary>y = cos x.</summary>
    Cos,

    /// <summary>y = tanh x.</summary>
    Tanh,

    /// <summary>y = 1 / (1 + e⁻ˣ).</summary>
    Sigmoid,

    /// <summary>y = max(x, 0); derivative 1 for x &gt; 0, else 0 (0 at x = 0).</summary>
    Relu,

    /// <summary>y = xᵖ.</summary>
    PowScalar,

    /// <summary>y = min(max(x, p), q); derivative 1 for p ≤ x ≤ q (boundary included), else 0.</summary>
    Clamp,

    /// <summary>y = x + p.</summary>
    AddScalar,

    /// <summary>y = p·x.</summary>
    MulScalar,

    /// <summary>y = p - x.</summary>
    ScalarSub,

    /// <summary>y = p / x.</summary>
    ScalarDiv,
}

/// <summary>Elementwise operations with two broadcast tensor inputs a, b.</summary>
/// <remarks>Comparisons give 0/1 masks and have no derivative.</remarks>
public enum BinaryOp
{
    /// <summary>y = a + b.</summary>
    Add,

    /// <summary>y = a - b.</summary>
    Subtract,

    /// <summary>y = a·b.</summary>
    Multiply,

    /// <summary>y = a / b.</summary>
    Divide,

    /// <summary>y = aᵇ; ∂y/∂b = y·ln a where a &gt; 0, else 0.</summary>
    Pow,

    /// <summary>y = min(a, b); on ties the derivative goes to a.</summary>
    Min,

    /// <summary>y = max(a, b); on ties the derivative goes to a.</summary>
    Max,

    /// <summary>y = 1 if a &lt; b else 0.</summary>
    Less,

    /// <summary>y = 1 if a ≤ b else 0.</summary>
    LessOrEqual,

    /// <summary>y = 1 if a &gt; b else 0.</summary>
    Greater,

    /// <summary>y = 1 if a ≥ b else 0.</summary>
    GreaterOrEqual,
}

/// <summary>A row-major matrix argument of a kernel: its storage and its shape.</summary>
/// <remarks>Broadcasting is expressed by a 1 in <see cref="Rows"/> or <see cref="Cols"/>: a row of
/// length 1 repeats across the columns, a single row repeats across the batch. T is the dtype's
/// element type: double for float64, float for float32.</remarks>
public readonly record struct Operand<T>(T[] Data, int Rows, int Cols)
{
    /// <summary>The element that output position (i, j) reads under broadcasting.</summary>
    /// <remarks>Used by the reference backend and by tests; fast backends work row by row.</remarks>
    public T At(int i, int j) => Data[(Rows == 1 ? 0 : i) * Cols + (Cols == 1 ? 0 : j)];
}

/// <summary>The kernels the differentiable engine needs, on row-major batch × features storage, for
/// both dtypes: every kernel has a float64 (double[]) and a float32 (float[]) overload.</summary>
/// <remarks>The engine never computes on numbers itself: every forward value and every derivative
/// rule goes through this seam, so another implementation (a GPU one) can replace the CPU kernels
/// without changing user code. Backward kernels accumulate (+=) into their gradient arguments,
/// because a tensor used twice receives the sum of both contributions. Scalar parameters (p, q) are
/// passed as double whatever the dtype; a float32 kernel rounds them to float32 once. A backend owes
/// both overloads of every kernel (<see cref="GenericBackend"/> derives them from one generic kernel
/// each); the only kernels that see two dtypes at once are the
/// <see cref="Convert(double[], float[], int, bool)"/> pair.</remarks>
public interface IBackend
{
    /// <summary>Short name used in test names and settings ("simd", "scalar").</summary>
    /// <remarks>Lets a command line or a test report name the backend without type reflection.</remarks>
    string Name { get; }

    // ---- float64 kernels ----

    /// <summary>y[i] = op(x[i]; p, q) for i below length.</summary>
    /// <remarks>The forward value of every <see cref="UnaryOp"/>.</remarks>
    void Unary(UnaryOp op, double p, double q, double[] x, double[] y, int length);

    /// <summary>dx[i] += dy[i]·op'(x[i]; p, q), given the forward value y.</summary>
    /// <remarks>The derivative rule of every <see cref="UnaryOp"/>, side by side with its forward value.</remarks>
    void UnaryBackward(UnaryOp op, double p, double q, double[] x, double[] y, double[] dy, double[] dx, int length);

    /// <summary>y[i, j] = op(a[i, j], b[i, j]) with a and b broadcast to rows × cols.</summary>
    /// <remarks>The forward value of every <see cref="BinaryOp"/>.</remarks>
    void Binary(BinaryOp op, Operand<double> a, Operand<double> b, double[] y, int rows, int cols);

    /// <summary>da += reduce(dy·∂y/∂a), db += reduce(dy·∂y/∂b), reducing broadcast axes by summation.</summary>
    /// <remarks>A null gradient is not wanted and is skipped. Reductions over the batch run in a
    /// fixed order so that results never depend on the thread count.</remarks>
    void BinaryBackward(
        BinaryOp op,
        Operand<double> a,
        Operand<double> b,
        double[] y,
        double[] dy,
        int rows,
        int cols,
        double[]? da,
        double[]? db
    );

    /// <summary>y[i, j] = mask[i, j] != 0 ? a[i, j] : b[i, j], a and b broadcast to the mask's shape.</summary>
    /// <remarks>Selection, unlike mask arithmetic, never turns an infinite unselected branch into NaN.</remarks>
    void Select(double[] mask, Operand<double> a, Operand<double> b, double[] y, int rows, int cols);

    /// <summary>da += reduce(mask·dy), db += reduce((1 - mask)·dy).</summary>
    /// <remarks>The derivative rule of Select.</remarks>
    void SelectBackward(double[] mask, Operand<double> a, Operand<double> b, double[] dy, int rows, int cols, double[]? da, double[]? db);

    /// <summary>y[i] = Σⱼ x[i, j].</summary>
    /// <remarks>The per-solution reduction every objective and measure ends with.</remarks>
    void SumColumns(double[] x, int rows, int cols, double[] y);

    /// <summary>dx[i, j] += dy[i].</summary>
    /// <remarks>The derivative rule of SumColumns.</remarks>
    void SumColumnsBackward(double[] dy, int rows, int cols, double[] dx);

    /// <summary>y[i, j] = Σ_{k ≤ j} x[i, k].</summary>
    /// <remarks>Needed by the planar arm (joint angles accumulate along the chain).</remarks>
    void CumSum(double[] x, int rows, int cols, double[] y);

    /// <summary>dx[i, k] += Σ_{j ≥ k} dy[i, j].</summary>
    /// <remarks>The derivative rule of CumSum: a reversed cumulative sum.</remarks>
    void CumSumBackward(double[] dy, int rows, int cols, double[] dx);

    /// <summary>dst[i, dstStart + j] (+)= src[i, srcStart + j] for j below count.</summary>
    /// <remarks>Column slicing and concatenation both reduce to this copy, and their derivatives to
    /// the accumulating form.</remarks>
    void CopyColumns(
        double[] src,
        int srcCols,
        int srcStart,
        double[] dst,
        int dstCols,
        int dstStart,
        int count,
        int rows,
        bool accumulate
    );

    /// <summary>y = a·w for a of shape rows × inner and w of shape inner × cols.</summary>
    /// <remarks>Small neural policies apply one weight matrix to every solution's input.</remarks>
    void MatMul(double[] a, double[] w, double[] y, int rows, int inner, int cols);

    /// <summary>da += dy·wᵀ and dw += aᵀ·dy (each skipped when null).</summary>
    /// <remarks>The derivative rule of MatMul; dw sums over the batch in a fixed order.</remarks>
    void MatMulBackward(double[] a, double[] w, double[] dy, int rows, int inner, int cols, double[]? da, double[]? dw);

    /// <summary>y[i, q] = Σₖ x[i, k]·w[i, k·cols + q]: each row times its own inner × cols matrix, stored row-major in w's row.</summary>
    /// <remarks>Neural policies whose weights are the solution: every solution applies its own matrix.</remarks>
    void BatchedMatMul(double[] x, double[] w, double[] y, int rows, int inner, int cols);

    /// <summary>dx[i, k] += Σ_q dy[i, q]·w[i, k·cols + q] and dw[i, k·cols + q] += x[i, k]·dy[i, q] (each skipped when null).</summary>
    /// <remarks>The derivative rule of BatchedMatMul; rows never mix.</remarks>
    void BatchedMatMulBackward(double[] x, double[] w, double[] dy, int rows, int inner, int cols, double[]? dx, double[]? dw);

    // ---- float32 kernels ----

    /// <summary>y[i] = op(x[i]; p, q) for i below length.</summary>
    /// <remarks>The forward value of every <see cref="UnaryOp"/>.</remarks>
    void Unary(UnaryOp op, double p, double q, float[] x, float[] y, int length);

    /// <summary>dx[i] += dy[i]·op'(x[i]; p, q), given the forward value y.</summary>
    /// <remarks>The derivative rule of every <see cref="UnaryOp"/>, side by side with its forward value.</remarks>
    void UnaryBackward(UnaryOp op, double p, double q, float[] x, float[] y, float[] dy, float[] dx, int length);

    /// <summary>y[i, j] = op(a[i, j], b[i, j]) with a and b broadcast to rows × cols.</summary>
    /// <remarks>The forward value of every <see cref="BinaryOp"/>.</remarks>
    void Binary(BinaryOp op, Operand<float> a, Operand<float> b, float[] y, int rows, int cols);

    /// <summary>da += reduce(dy·∂y/∂a), db += reduce(dy·∂y/∂b), reducing broadcast axes by summation.</summary>
    /// <remarks>A null gradient is not wanted and is skipped. Reductions over the batch run in a
    /// fixed order so that results never depend on the thread count.</remarks>
    void BinaryBackward(
        BinaryOp op,
        Operand<float> a,
        Operand<float> b,
        float[] y,
        float[] dy,
        int rows,
        int cols,
        float[]? da,
        float[]? db
    );

    /// <summary>y[i, j] = mask[i, j] != 0 ? a[i, j] : b[i, j], a and b broadcast to the mask's shape.</summary>
    /// <remarks>Selection, unlike mask arithmetic, never turns an infinite unselected branch into NaN.</remarks>
    void Select(float[] mask, Operand<float> a, Operand<float> b, float[] y, int rows, int cols);

    /// <summary>da += reduce(mask·dy), db += reduce((1 - mask)·dy).</summary>
    /// <remarks>The derivative rule of Select.</remarks>
    void SelectBackward(float[] mask, Operand<float> a, Operand<float> b, float[] dy, int rows, int cols, float[]? da, float[]? db);

    /// <summary>y[i] = Σⱼ x[i, j].</summary>
    /// <remarks>The per-solution reduction every objective and measure ends with.</remarks>
    void SumColumns(float[] x, int rows, int cols, float[] y);

    /// <summary>dx[i, j] += dy[i].</summary>
    /// <remarks>The derivative rule of SumColumns.</remarks>
    void SumColumnsBackward(float[] dy, int rows, int cols, float[] dx);

    /// <summary>y[i, j] = Σ_{k ≤ j} x[i, k].</summary>
    /// <remarks>Needed by the planar arm (joint angles accumulate along the chain).</remarks>
    void CumSum(float[] x, int rows, int cols, float[] y);

    /// <summary>dx[i, k] += Σ_{j ≥ k} dy[i, j].</summary>
    /// <remarks>The derivative rule of CumSum: a reversed cumulative sum.</remarks>
    void CumSumBackward(float[] dy, int rows, int cols, float[] dx);

    /// <summary>dst[i, dstStart + j] (+)= src[i, srcStart + j] for j below count.</summary>
    /// <remarks>Column slicing and concatenation both reduce to this copy, and their derivatives to
    /// the accumulating form.</remarks>
    void CopyColumns(float[] src, int srcCols, int srcStart, float[] dst, int dstCols, int dstStart, int count, int rows, bool accumulate);

    /// <summary>y = a·w for a of shape rows × inner and w of shape inner × cols.</summary>
    /// <remarks>Small neural policies apply one weight matrix to every solution's input.</remarks>
    void MatMul(float[] a, float[] w, float[] y, int rows, int inner, int cols);

    /// <summary>da += dy·wᵀ and dw += aᵀ·dy (each skipped when null).</summary>
    /// <remarks>The derivative rule of MatMul; dw sums over the batch in a fixed order.</remarks>
    void MatMulBackward(float[] a, float[] w, float[] dy, int rows, int inner, int cols, float[]? da, float[]? dw);

    /// <summary>y[i, q] = Σₖ x[i, k]·w[i, k·cols + q]: each row times its own inner × cols matrix, stored row-major in w's row.</summary>
    /// <remarks>Neural policies whose weights are the solution: every solution applies its own matrix.</remarks>
    void BatchedMatMul(float[] x, float[] w, float[] y, int rows, int inner, int cols);

    /// <summary>dx[i, k] += Σ_q dy[i, q]·w[i, k·cols + q] and dw[i, k·cols + q] += x[i, k]·dy[i, q] (each skipped when null).</summary>
    /// <remarks>The derivative rule of BatchedMatMul; rows never mix.</remarks>
    void BatchedMatMulBackward(float[] x, float[] w, float[] dy, int rows, int inner, int cols, float[]? dx, float[]? dw);

    // ---- conversion between the dtypes ----

    /// <summary>dst[i] (+)= (float)src[i] for i below length, rounding to nearest even.</summary>
    /// <remarks>The forward value of a float64 → float32 cast, and (accumulating) the derivative rule of a
    /// float32 → float64 cast.</remarks>
    void Convert(double[] src, float[] dst, int length, bool accumulate);

    /// <summary>dst[i] (+)= (double)src[i] for i below length (exact).</summary>
    /// <remarks>The forward value of a float32 → float64 cast, and (accumulating) the derivative rule of a
    /// float64 → float32 cast.</remarks>
    void Convert(float[] src, double[] dst, int length, bool accumulate);
}
