using System.Globalization;
using System.Text;

namespace QdFunctional.Diff;

/// <summary>A batch × features matrix of float64 values: one row per solution of the population.</summary>
/// <remarks>Every operation applies to all rows at once (like vmap in JAX), and rows never mix, so one
/// reverse sweep gives every solution's gradient. A scalar is 1 × 1, a batch vector batch × 1, a
/// feature row 1 × n; these broadcast against full tensors. A tensor made inside a differentiated
/// function lives on that evaluation's tape and must not be kept after it returns.</remarks>
public sealed partial class Tensor
{
    internal Tensor(int rows, int cols, double[] data, Tape? tape)
    {
        Rows = rows;
        Cols = cols;
        Data = data;
        Tape = tape;
        Generation = tape?.Generation ?? 0;
    }

    /// <summary>The number of rows (the batch size).</summary>
    /// <remarks>Each row is one solution.</remarks>
    public int Rows { get; }

    /// <summary>The number of columns (features per solution).</summary>
    /// <remarks>For a task's output: 1 objective then k measures.</remarks>
    public int Cols { get; }

    internal double[] Data { get; }
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
    internal int GradSweep = -1;

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
            return Data[i * Cols + j];
        }
    }

    /// <summary>A copy of the values, row-major.</summary>
    /// <remarks>Safe to keep: it does not share the tape's buffers.</remarks>
    public double[] ToArray()
    {
        CheckLive("toArray");
        return (double[])Data.Clone();
    }

    /// <summary>A copy of the values as a rows × cols array.</summary>
    /// <remarks>Convenient for printing and for F# array2D code.</remarks>
    public double[,] ToArray2D()
    {
        CheckLive("toArray2D");
        var a = new double[Rows, Cols];
        for (int i = 0; i < Rows; i++)
        for (int j = 0; j < Cols; j++)
            a[i, j] = Data[i * Cols + j];
        return a;
    }

    /// <summary>A tensor of the given shape holding a copy of row-major data.</summary>
    /// <remarks>The usual way to bring a population in: rows × cols numbers, solution after solution.</remarks>
    public static Tensor FromArray(double[] data, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || cols < 0 || (long)rows * cols != data.Length)
            throw new ArgumentException($"fromArray: {data.Length} values do not fill shape {rows}×{cols}", nameof(data));
        return new Tensor(rows, cols, (double[])data.Clone(), null);
    }

    /// <summary>A tensor whose row i is rows[i].</summary>
    /// <remarks>Rows must all have the same length.</remarks>
    public static Tensor FromRows(double[][] rows)
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
        return new Tensor(rows.Length, cols, data, null);
    }

    /// <summary>A tensor holding a copy of a two-dimensional array.</summary>
    /// <remarks>F#'s array2D literals come in this way.</remarks>
    public static Tensor From2D(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0),
            cols = values.GetLength(1);
        var data = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            data[i * cols + j] = values[i, j];
        return new Tensor(rows, cols, data, null);
    }

    /// <summary>A rows × cols tensor with every element equal to value.</summary>
    /// <remarks>Constants such as link lengths or masks.</remarks>
    public static Tensor Full(int rows, int cols, double value)
    {
        var data = new double[rows * cols];
        Array.Fill(data, value);
        return new Tensor(rows, cols, data, null);
    }

    /// <summary>A rows × cols tensor of zeros.</summary>
    /// <remarks>Shorthand for Full(rows, cols, 0).</remarks>
    public static Tensor Zeros(int rows, int cols) => Full(rows, cols, 0.0);

    /// <summary>A 1 × 1 tensor.</summary>
    /// <remarks>Broadcasts against any shape.</remarks>
    public static Tensor Scalar(double value) => Full(1, 1, value);

    /// <summary>A 1 × n feature row; broadcasts over the batch.</summary>
    /// <remarks>For per-feature constants such as weights or link lengths.</remarks>
    public static Tensor Row(params double[] values) => FromArray(values, 1, values.Length);

    /// <summary>A batch × 1 column; broadcasts over the features.</summary>
    /// <remarks>For per-solution constants.</remarks>
    public static Tensor Column(params double[] values) => FromArray(values, values.Length, 1);

    /// <inheritdoc />
    public override string ToString()
    {
        if (Tape is not null && Generation != Tape.Generation)
            return $"Tensor {Shape} (stale)";
        var sb = new StringBuilder().Append("Tensor ").Append(Shape).Append(" [");
        for (int i = 0; i < Math.Min(Rows, 6); i++)
        {
            sb.Append(i == 0 ? "[" : "; [");
            for (int j = 0; j < Math.Min(Cols, 8); j++)
                sb.Append(j == 0 ? "" : ", ").Append(Data[i * Cols + j].ToString("G6", CultureInfo.InvariantCulture));
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

    internal Operand AsOperand => new(Data, Rows, Cols);

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
        int n = checked(rows * cols);
        var data = tape is null ? new double[n] : tape.Rent(n);
        return new Tensor(rows, cols, data, tape)
        {
            RequiresGrad = a.RequiresGrad || (b?.RequiresGrad ?? false) || (c?.RequiresGrad ?? false),
        };
    }

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
