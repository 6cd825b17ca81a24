using System.Globalization;
using System.Text;

namespace QdFunctional.Diff;

/// <summary>A batch × features matrix of float64 or float32 values (its <see cref="Dtype"/>): one row per solution of the population.</summary>
/// <remarks>Every operation applies to all rows at once (like vmap in JAX), and rows never mix, so one
/// reverse sweep gives every solution's gradient. A scalar is 1 × 1, a batch vector batch × 1, a
/// feature row 1 × n; these broadcast against full tensors. A tensor made inside a differentiated
/// function lives on that evaluation's tape and must not be kept after it returns. A float32 tensor
/// stores float[] and all its operations compute in float32; operations refuse to mix dtypes.</remarks>
public sealed partial class Tensor
{
    internal Tensor(int rows, int cols, double[] data, Tape? tape)
    {
        Rows = rows;
        Cols = cols;
        data64 = data;
        Tape = tape;
        Generation = tape?.Generation ?? 0;
    }

    internal Tensor(int rows, int cols, float[] data, Tape? tape)
    {
        Rows = rows;
        Cols = cols;
        data32 = data;
        Tape = tape;
        Generation = tape?.Generation ?? 0;
    }

    private readonly double[]? data64;
    private readonly float[]? data32;

    /// <summary>The number of rows (the batch size).</summary>
    /// <remarks>Each row is one solution.</remarks>
    public int Rows { get; }

    /// <summary>The number of columns (features per solution).</summary>
    /// <remarks>For a task's output: 1 objective then k measures.</remarks>
    public int Cols { get; }

    /// <summary>The element type: float64 or float32.</summary>
    /// <remarks>Fixed at creation; <see cref="Cast(Tensor, Dtype)"/> makes a converted copy.</remarks>
    public Dtype Dtype => data32 is null ? Dtype.Float64 : Dtype.Float32;

    /// <summary>The float64 storage; only float64 tensors have it.</summary>
    internal double[] Data => data64 ?? throw WrongDtype(Dtype.Float64);

    /// <summary>The float32 storage; only float32 tensors have it.</summary>
    internal float[] Data32 => data32 ?? throw WrongDtype(Dtype.Float32);

    internal int Length => Rows * Cols;
    internal Tape? Tape { get; }
    internal int Generation { get; }

    // Recorded operation (only set when RequiresGrad): inputs, parameters and the derivative rule.
    internal bool RequiresGrad;
    internal Action<Tensor>? BackwardRule;
    internal Tensor? A,
        B,
        C;
    internal Tensor[]? Parts;
    internal double P,
        Q;
    internal int Start,
        Code;
    internal double[]? Grad;
    internal float[]? Grad32;
    internal int GradSweep = -1;

    private InvalidOperationException WrongDtype(Dtype wanted) =>
        new($"internal: a {Dtype.Name()} {Shape} tensor was read as {wanted.Name()}");

    /// <summary>Makes the host copy of the values current (a device backend may hold newer ones).</summary>
    /// <remarks>Every host read of <see cref="Data"/> / <see cref="Data32"/> outside a kernel goes through here.</remarks>
    internal void Synchronize() => DeviceResidency.ReadOnHost(data32 is null ? Data : data32);

    /// <summary>The shape as text, e.g. "36×1000".</summary>
    /// <remarks>The form every error message uses.</remarks>
    public string Shape => $"{Rows}×{Cols}";

    /// <summary>The element at row i, column j.</summary>
    /// <remarks>For reading results; computation goes through whole-tensor operations.</remarks>
    public double this[int i, int j]
    {
        get
        {
            CheckLive("index");
            if ((uint)i >= (uint)Rows || (uint)j >= (uint)Cols)
                throw new ArgumentOutOfRangeException(nameof(i), $"index: ({i}, {j}) is outside {Shape}");
            Synchronize();
            return data32 is null ? Data[i * Cols + j] : data32[i * Cols + j];
        }
    }

    /// <summary>A copy of the values, row-major, as float64 (float32 values widen exactly).</summary>
    /// <remarks>Safe to keep: it does not share the tape's buffers.</remarks>
    public double[] ToArray()
    {
        CheckLive("toArray");
        Synchronize();
        if (data32 is null)
            return (double[])Data.Clone();
        var a = new double[data32.Length];
        for (int k = 0; k < a.Length; k++)
            a[k] = data32[k];
        return a;
    }

    /// <summary>A copy of the values, row-major, as float32 (float64 values round to nearest).</summary>
    /// <remarks>The natural read-out of a float32 tensor; safe to keep.</remarks>
    public float[] ToArray32()
    {
        CheckLive("toArray32");
        Synchronize();
        if (data32 is not null)
            return (float[])data32.Clone();
        var d = Data;
        var a = new float[d.Length];
        for (int k = 0; k < a.Length; k++)
            a[k] = (float)d[k];
        return a;
    }

    /// <summary>A copy of the values as a rows × cols array.</summary>
    /// <remarks>Convenient for printing and for F# array2D code.</remarks>
    public double[,] ToArray2D()
    {
        CheckLive("toArray2D");
        var a = new double[Rows, Cols];
        for (int i = 0; i < Rows; i++)
        for (int j = 0; j < Cols; j++)
            a[i, j] = this[i, j];
        return a;
    }

    /// <summary>A tensor of the given shape holding a copy of row-major data, in <paramref name="dtype"/>
    /// (default: <see cref="Engine.DefaultDtype"/>; float32 rounds each value to nearest).</summary>
    /// <remarks>The usual way to bring a population in: rows × cols numbers, solution after solution.</remarks>
    public static Tensor FromArray(double[] data, int rows, int cols, Dtype? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || cols < 0 || (long)rows * cols != data.Length)
            throw new ArgumentException($"fromArray: {data.Length} values do not fill shape {rows}×{cols}", nameof(data));
        return Of(rows, cols, data, dtype ?? Engine.DefaultDtype);
    }

    /// <summary>A tensor of the given shape holding a copy of row-major float32 data, in
    /// <paramref name="dtype"/> (default float32: the values are kept as they are).</summary>
    /// <remarks>For populations already in single precision.</remarks>
    public static Tensor FromArray(float[] data, int rows, int cols, Dtype dtype = Dtype.Float32)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || cols < 0 || (long)rows * cols != data.Length)
            throw new ArgumentException($"fromArray: {data.Length} values do not fill shape {rows}×{cols}", nameof(data));
        if (dtype == Dtype.Float32)
            return new Tensor(rows, cols, (float[])data.Clone(), null);
        var d = new double[data.Length];
        for (int k = 0; k < d.Length; k++)
            d[k] = data[k];
        return new Tensor(rows, cols, d, null);
    }

    /// <summary>A tensor whose row i is rows[i].</summary>
    /// <remarks>Rows must all have the same length.</remarks>
    public static Tensor FromRows(double[][] rows, Dtype? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int cols = rows.Length == 0 ? 0 : rows[0].Length;
        var data = new double[rows.Length * cols];
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != cols)
                throw new ArgumentException($"fromRows: row {i} has {rows[i].Length} values, row 0 has {cols}", nameof(rows));
            rows[i].CopyTo(data, i * cols);
        }
        return Own(rows.Length, cols, data, dtype ?? Engine.DefaultDtype);
    }

    /// <summary>A tensor holding a copy of a two-dimensional array.</summary>
    /// <remarks>F#'s array2D literals come in this way.</remarks>
    public static Tensor From2D(double[,] values, Dtype? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0),
            cols = values.GetLength(1);
        var data = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            data[i * cols + j] = values[i, j];
        return Own(rows, cols, data, dtype ?? Engine.DefaultDtype);
    }

    /// <summary>A rows × cols tensor with every element equal to value.</summary>
    /// <remarks>Constants such as link lengths or masks.</remarks>
    public static Tensor Full(int rows, int cols, double value, Dtype? dtype = null)
    {
        if ((dtype ?? Engine.DefaultDtype) == Dtype.Float32)
        {
            var f = new float[rows * cols];
            Array.Fill(f, (float)value);
            return new Tensor(rows, cols, f, null);
        }
        var data = new double[rows * cols];
        Array.Fill(data, value);
        return new Tensor(rows, cols, data, null);
    }

    /// <summary>A rows × cols tensor of zeros.</summary>
    /// <remarks>Shorthand for Full(rows, cols, 0).</remarks>
    public static Tensor Zeros(int rows, int cols, Dtype? dtype = null) => Full(rows, cols, 0.0, dtype);

    /// <summary>A 1 × 1 tensor.</summary>
    /// <remarks>Broadcasts against any shape.</remarks>
    public static Tensor Scalar(double value, Dtype? dtype = null) => Full(1, 1, value, dtype);

    /// <summary>A 1 × n feature row; broadcasts over the batch.</summary>
    /// <remarks>For per-feature constants such as weights or link lengths; in <see cref="Engine.DefaultDtype"/>.</remarks>
    public static Tensor Row(params double[] values) => FromArray(values, 1, values.Length);

    /// <summary>A batch × 1 column; broadcasts over the features.</summary>
    /// <remarks>For per-solution constants; in <see cref="Engine.DefaultDtype"/>.</remarks>
    public static Tensor Column(params double[] values) => FromArray(values, values.Length, 1);

    // A tensor holding a copy of data in the given dtype.
    private static Tensor Of(int rows, int cols, double[] data, Dtype dtype) =>
        dtype == Dtype.Float64 ? new Tensor(rows, cols, (double[])data.Clone(), null) : Own(rows, cols, data, dtype);

    // A tensor taking ownership of data (float64), or of its float32 rounding.
    private static Tensor Own(int rows, int cols, double[] data, Dtype dtype)
    {
        if (dtype == Dtype.Float64)
            return new Tensor(rows, cols, data, null);
        if (dtype != Dtype.Float32)
            throw new ArgumentOutOfRangeException(nameof(dtype), $"dtype: {dtype} is not a dtype");
        var f = new float[data.Length];
        for (int k = 0; k < f.Length; k++)
            f[k] = (float)data[k];
        return new Tensor(rows, cols, f, null);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (Tape is not null && Generation != Tape.Generation)
            return $"Tensor {Shape} (stale)";
        var sb = new StringBuilder().Append("Tensor ").Append(Shape).Append(data32 is null ? "" : " float32").Append(" [");
        for (int i = 0; i < Math.Min(Rows, 6); i++)
        {
            sb.Append(i == 0 ? "[" : "; [");
            for (int j = 0; j < Math.Min(Cols, 8); j++)
                sb.Append(j == 0 ? "" : ", ").Append(this[i, j].ToString("G6", CultureInfo.InvariantCulture));
            sb.Append(Cols > 8 ? ", …]" : "]");
        }
        return sb.Append(Rows > 6 ? "; …]" : "]").ToString();
    }

    internal void CheckLive(string op)
    {
        if (Tape is not null && Generation != Tape.Generation)
            throw new InvalidOperationException(
                $"{op}: this {Shape} tensor belongs to a finished evaluation; copy values out (ToArray) inside the function instead"
            );
    }

    internal IBackend Backend => Tape?.Backend ?? Engine.Backend;

    internal Operand<double> AsOperand => new(Data, Rows, Cols);

    internal Operand<float> AsOperand32 => new(Data32, Rows, Cols);

    /// <summary>Creates an operation's result on the inputs' tape (or off any tape), and records it when it needs a derivative.</summary>
    internal static Tensor Result(string op, int rows, int cols, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        a.CheckLive(op);
        b?.CheckLive(op);
        c?.CheckLive(op);
        var tape = a.Tape;
        if (b?.Tape is not null)
            tape = Same(op, tape, b.Tape);
        if (c?.Tape is not null)
            tape = Same(op, tape, c.Tape);
        var dtype = a.Dtype;
        if (b is not null && b.Dtype != dtype)
            throw MixedDtypes(op, a, b);
        if (c is not null && c.Dtype != dtype)
            throw MixedDtypes(op, a, c);
        return Blank(rows, cols, dtype, tape, a.RequiresGrad || (b?.RequiresGrad ?? false) || (c?.RequiresGrad ?? false));
    }

    /// <summary>A rows × cols tensor of the given dtype on the tape (rented) or off it (fresh).</summary>
    internal static Tensor Blank(int rows, int cols, Dtype dtype, Tape? tape, bool requiresGrad)
    {
        int n = checked(rows * cols);
        return dtype == Dtype.Float32
            ? new Tensor(rows, cols, tape is null ? new float[n] : tape.Rent32(n), tape) { RequiresGrad = requiresGrad }
            : new Tensor(rows, cols, tape is null ? new double[n] : tape.Rent(n), tape) { RequiresGrad = requiresGrad };
    }

    /// <summary>The error for an operation given two dtypes: it names the operation, both shapes and dtypes, and the fix.</summary>
    internal static ArgumentException MixedDtypes(string op, Tensor a, Tensor b) =>
        new(
            $"{op}: dtypes differ ({a.Shape} {a.Dtype.Name()} and {b.Shape} {b.Dtype.Name()}); "
                + "convert one with Tensor.Cast (x.Float32() / x.Float64()) or create constants in the same dtype"
        );

    internal static Tape Same(string op, Tape? t, Tape u) =>
        t is null || ReferenceEquals(t, u) ? u : throw new InvalidOperationException($"{op}: tensors come from two different evaluations");

    /// <summary>Attaches a derivative rule and puts the node on its tape, if a derivative is needed.</summary>
    internal Tensor Record(Action<Tensor> rule, Tensor? a = null, Tensor? b = null, Tensor? c = null)
    {
        if (!RequiresGrad)
            return this;
        BackwardRule = rule;
        A = a;
        B = b;
        C = c;
        Tape!.Nodes.Add(this);
        return this;
    }
}
