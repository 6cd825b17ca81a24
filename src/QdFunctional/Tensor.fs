namespace QdFunctional

open System
open QdFunctional.Diff

/// The engine's batch × features tensor (float64 by default, float32 on request), with F# operators:
/// + - * / on tensors and floats, unary minus, and ** (a float or tensor exponent). Rows are solutions;
/// every operation applies to the whole population at once. The creation members take an optional
/// dtype as DiffSharp's do: `Tensor.FromArray(values, rows, cols, dtype = Dtype.Float32)`.
type Tensor = QdFunctional.Diff.Tensor

/// A tensor's element type: `Dtype.Float64` (the default) or `Dtype.Float32`.
type Dtype = QdFunctional.Diff.Dtype

/// Lowercase functions over tensors, in the style of DiffSharp: `Tensor.sum`, `Tensor.sin`, ...
/// Reductions go over the features of each row (batch × n → batch × 1), never across solutions.
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Tensor =
    /// A rows × cols tensor from row-major values (copied), in the default dtype (float64 unless set).
    let ofArray (rows: int) (cols: int) (values: float[]) = Tensor.FromArray(values, rows, cols)

    /// A rows × cols float32 tensor from row-major float32 values (copied).
    let ofArray32 (rows: int) (cols: int) (values: float32[]) = Tensor.FromArray(values, rows, cols)

    /// The element type of x.
    let dtype (x: Tensor) = x.Dtype

    /// x converted to the given dtype (differentiable; x itself when it already is).
    let cast (dtype: Dtype) (x: Tensor) = Tensor.Cast(x, dtype)

    /// x in float32 (differentiable), like DiffSharp's `t.float32()`.
    let float32 (x: Tensor) = x.Float32()

    /// x in float64 (differentiable), like DiffSharp's `t.float64()`.
    let float64 (x: Tensor) = x.Float64()

    /// The values of a float32 tensor row-major as float32 (a copy; float64 tensors round).
    let toArray32 (x: Tensor) = x.ToArray32()

    /// A tensor whose rows are the given arrays (one solution each).
    let ofRows (rows: seq<float[]>) = Tensor.FromRows(Seq.toArray rows)

    /// A tensor from an F# 2-D array (array2D literal).
    let ofArray2D (values: float[,]) = Tensor.From2D values

    /// A rows × cols tensor filled with one value.
    let full (rows: int) (cols: int) (value: float) = Tensor.Full(rows, cols, value)

    /// A rows × cols tensor of zeros.
    let zeros (rows: int) (cols: int) = Tensor.Zeros(rows, cols)

    /// A 1 × 1 tensor; broadcasts against any shape.
    let scalar (value: float) = Tensor.Scalar value

    /// A 1 × n feature row; broadcasts over the batch.
    let row (values: float[]) = Tensor.Row values

    /// A batch × 1 column; broadcasts over the features.
    let column (values: float[]) = Tensor.Column values

    /// The values as a 2-D array (a copy).
    let toArray2D (x: Tensor) = x.ToArray2D()

    /// The values row-major (a copy).
    let toArray (x: Tensor) = x.ToArray()

    /// (rows, cols).
    let shape (x: Tensor) = x.Rows, x.Cols

    /// Element (i, j).
    let item (i: int) (j: int) (x: Tensor) = x.[i, j]

    /// Σⱼ x[i, j] per row: batch × n → batch × 1.
    let sum (x: Tensor) = Tensor.Sum x

    /// Mean over the features of each row: batch × n → batch × 1.
    let mean (x: Tensor) = Tensor.Mean x

    /// Population variance over the features of each row (numpy.var): batch × n → batch × 1.
    let variance (x: Tensor) = Tensor.Variance x

    /// Euclidean norm of each row: batch × n → batch × 1.
    let norm (x: Tensor) = Tensor.Norm x

    /// Row-wise dot product (b may be a 1 × n row): batch × 1.
    let dot (a: Tensor) (b: Tensor) = Tensor.Dot(a, b)

    /// Cumulative sum along the features of each row.
    let cumsum (x: Tensor) = Tensor.CumSum x

    /// x² elementwise.
    let square (x: Tensor) = Tensor.Square x

    /// √x elementwise.
    let sqrt (x: Tensor) = Tensor.Sqrt x

    /// |x| elementwise (derivative 0 at 0).
    let abs (x: Tensor) = Tensor.Abs x

    /// eˣ elementwise.
    let exp (x: Tensor) = Tensor.Exp x

    /// ln x elementwise.
    let log (x: Tensor) = Tensor.Log x

    /// sin x elementwise.
    let sin (x: Tensor) = Tensor.Sin x

    /// cos x elementwise.
    let cos (x: Tensor) = Tensor.Cos x

    /// tanh x elementwise.
    let tanh (x: Tensor) = Tensor.Tanh x

    /// 1 / (1 + e⁻ˣ) elementwise.
    let sigmoid (x: Tensor) = Tensor.Sigmoid x

    /// max(x, 0) elementwise (derivative 0 at 0).
    let relu (x: Tensor) = Tensor.Relu x

    /// xᵖ elementwise.
    let pow (p: float) (x: Tensor) = Tensor.Pow(x, p)

    /// min(max(x, lo), hi) elementwise; derivative 1 on [lo, hi] including the bounds, 0 outside.
    let clamp (lo: float) (hi: float) (x: Tensor) = Tensor.Clamp(x, lo, hi)

    /// Elementwise minimum with broadcasting (ties: derivative to a).
    let min (a: Tensor) (b: Tensor) = Tensor.Min(a, b)

    /// Elementwise maximum with broadcasting (ties: derivative to a).
    let max (a: Tensor) (b: Tensor) = Tensor.Max(a, b)

    /// 0/1 mask a < b.
    let lt (a: Tensor) (b: Tensor) = Tensor.Less(a, b)

    /// 0/1 mask a ≤ b.
    let le (a: Tensor) (b: Tensor) = Tensor.LessOrEqual(a, b)

    /// 0/1 mask a > b.
    let gt (a: Tensor) (b: Tensor) = Tensor.Greater(a, b)

    /// 0/1 mask a ≥ b.
    let ge (a: Tensor) (b: Tensor) = Tensor.GreaterOrEqual(a, b)

    /// mask ≠ 0 ? a : b elementwise; the derivative flows to the chosen branch.
    let where (mask: Tensor) (a: Tensor) (b: Tensor) = Tensor.Where(mask, a, b)

    /// Columns [start, start + count) of every row.
    let slice (start: int) (count: int) (x: Tensor) = Tensor.Slice(x, start, count)

    /// The tensors side by side (same batch size): e.g. objective and measures into batch × (1 + k).
    let concat (parts: seq<Tensor>) = Tensor.Concat(Seq.toArray parts)

    /// x·w: batch × n times n × p (one matrix for every solution).
    let matmul (x: Tensor) (w: Tensor) = Tensor.MatMul(x, w)

    /// Each row of x (batch × n) times its own n × p matrix, stored row-major in the same row of w (batch × n·p).
    let bmm (x: Tensor) (w: Tensor) = Tensor.BatchedMatMul(x, w)

/// Differentiation in the style of DiffSharp's `dsharp.grad`: functions of a whole population.
/// A function maps batch × n to batch × m without mixing rows; derivatives are per solution.
/// (Named AD rather than Diff so it never shadows the QdFunctional.Diff namespace.)
[<RequireQualifiedAccess>]
module AD =
    /// Per-solution gradients (batch × n) of f: batch × n → batch × 1, in one backward sweep.
    let grad (f: Tensor -> Tensor) (x: Tensor) : Tensor = Autodiff.Grad(Func<_, _> f, x)

    /// Values (batch × 1) and per-solution gradients (batch × n) of f.
    let valueAndGrad (f: Tensor -> Tensor) (x: Tensor) : Tensor * Tensor =
        Autodiff.ValueAndGrad(Func<_, _> f, x).ToTuple()

    /// Values (batch × m) and Jacobians (batch × m × n) of f in m backward sweeps over the whole batch.
    let valueAndJacobian (f: Tensor -> Tensor) (x: Tensor) : JacobianResult =
        Autodiff.ValueAndJacobian(Func<_, _> f, x)

    /// Jacobians as a batch × m × n array: J.[i, j, k] = ∂f(x)[i, j] / ∂x[i, k].
    let jacobian (f: Tensor -> Tensor) (x: Tensor) : float[,,] =
        let r = Autodiff.ValueAndJacobian(Func<_, _> f, x)
        Array3D.init r.Batch r.Outputs r.Dim (fun i j k -> r.Derivative(i, j, k))

    /// Values of f without derivatives (on reused buffers).
    let evaluate (f: Tensor -> Tensor) (x: Tensor) : Tensor = Autodiff.Evaluate(Func<_, _> f, x)

    /// Chooses the backend every later computation uses (the one setting; e.g. Backends.Scalar).
    let useBackend (backend: IBackend) = Engine.Backend <- backend

    /// Chooses the dtype creation functions use when given none (like DiffSharp's `dsharp.config(dtype=...)`);
    /// float64 until changed. For one block only: `use _ = Engine.UseDtype Dtype.Float32`.
    let useDtype (dtype: Dtype) = Engine.DefaultDtype <- dtype
