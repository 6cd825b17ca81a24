namespace QdFunctional.Diff;

/// <summary>Per-solution values and Jacobians of a task: batch × m values and batch × m × n derivatives,
/// in the dtype of the population they were computed from.</summary>
/// <remarks>Row-major arrays, ready for an archive or an emitter: output 0 is usually the objective,
/// outputs 1..k the measures. Independent of any tape, so safe to keep. A float64 result holds
/// <see cref="Values"/> and <see cref="Jacobian"/>; a float32 one holds <see cref="Values32"/> and
/// <see cref="Jacobian32"/> (and <see cref="ToFloat64"/> widens it exactly for double-based code).</remarks>
public sealed class JacobianResult
{
    private readonly double[]? values64,
        jacobian64;
    private readonly float[]? values32,
        jacobian32;

    internal JacobianResult(int batch, int outputs, int dim, double[] values, double[] jacobian)
    {
        Batch = batch;
        Outputs = outputs;
        Dim = dim;
        values64 = values;
        jacobian64 = jacobian;
    }

    internal JacobianResult(int batch, int outputs, int dim, float[] values, float[] jacobian)
    {
        Batch = batch;
        Outputs = outputs;
        Dim = dim;
        values32 = values;
        jacobian32 = jacobian;
    }

    /// <summary>The number of solutions.</summary>
    /// <remarks>Rows of the input.</remarks>
    public int Batch { get; }

    /// <summary>The number of outputs per solution (1 + k for an objective and k measures).</summary>
    /// <remarks>Columns of the function's result.</remarks>
    public int Outputs { get; }

    /// <summary>The solution dimension n.</summary>
    /// <remarks>Columns of the input.</remarks>
    public int Dim { get; }

    /// <summary>The dtype the values and derivatives were computed and are stored in.</summary>
    /// <remarks>The dtype of the population passed in.</remarks>
    public Dtype Dtype => values32 is null ? Dtype.Float64 : Dtype.Float32;

    /// <summary>Values, batch × outputs, row-major: Values[i·m + j] (float64 results).</summary>
    /// <remarks>The same numbers the function returned. A float32 result throws here: read
    /// <see cref="Values32"/>, or widen with <see cref="ToFloat64"/>.</remarks>
    public double[] Values => values64 ?? throw Wrong("values", "Values32");

    /// <summary>Derivatives, batch × outputs × dim, row-major: Jacobian[(i·m + j)·n + k] = ∂f_j(xᵢ)/∂xᵢₖ (float64 results).</summary>
    /// <remarks>The layout pyribs' tell_dqd expects for its jacobian argument. A float32 result throws
    /// here: read <see cref="Jacobian32"/>, or widen with <see cref="ToFloat64"/>.</remarks>
    public double[] Jacobian => jacobian64 ?? throw Wrong("jacobian", "Jacobian32");

    /// <summary>Values of a float32 result, laid out as <see cref="Values"/>.</summary>
    /// <remarks>A float64 result throws here.</remarks>
    public float[] Values32 => values32 ?? throw Wrong("values32", "Values");

    /// <summary>Derivatives of a float32 result, laid out as <see cref="Jacobian"/>.</summary>
    /// <remarks>A float64 result throws here.</remarks>
    public float[] Jacobian32 => jacobian32 ?? throw Wrong("jacobian32", "Jacobian");

    /// <summary>Output j of solution i (widened to double for float32 results).</summary>
    /// <remarks>Reads the stored values whatever the dtype.</remarks>
    public double Value(int i, int j) => values32 is null ? Values[i * Outputs + j] : values32[i * Outputs + j];

    /// <summary>∂f_j(xᵢ)/∂xᵢₖ (widened to double for float32 results).</summary>
    /// <remarks>Reads the stored derivatives whatever the dtype.</remarks>
    public double Derivative(int i, int j, int k) =>
        jacobian32 is null ? Jacobian[(i * Outputs + j) * Dim + k] : jacobian32[(i * Outputs + j) * Dim + k];

    /// <summary>This result with float64 arrays: itself for a float64 result, an exact widening of a float32 one.</summary>
    /// <remarks>Where double-based code (the Core's evaluations, emitters) meets a float32 computation.</remarks>
    public JacobianResult ToFloat64()
    {
        if (values32 is null)
            return this;
        var v = new double[values32.Length];
        var g = new double[jacobian32!.Length];
        for (int k = 0; k < v.Length; k++)
            v[k] = values32[k];
        for (int k = 0; k < g.Length; k++)
            g[k] = jacobian32[k];
        return new JacobianResult(Batch, Outputs, Dim, v, g);
    }

    /// <summary>The values as a batch × outputs tensor, in the result's dtype.</summary>
    /// <remarks>For further tensor computation.</remarks>
    public Tensor ValuesTensor =>
        values32 is null ? Tensor.FromArray(Values, Batch, Outputs, Dtype.Float64) : Tensor.FromArray(values32, Batch, Outputs);

    /// <summary>The gradients of output j for every solution, as a batch × dim tensor in the result's dtype.</summary>
    /// <remarks>For example the objective gradients (j = 0) of the whole batch.</remarks>
    public Tensor GradientOf(int j)
    {
        if ((uint)j >= (uint)Outputs)
            throw new ArgumentOutOfRangeException(nameof(j), $"gradientOf: output {j} of {Outputs}");
        if (jacobian32 is not null)
            return new Tensor(Batch, Dim, Rows(jacobian32, j), null);
        return new Tensor(Batch, Dim, Rows(Jacobian, j), null);
    }

    private T[] Rows<T>(T[] jacobian, int j)
    {
        var g = new T[Batch * Dim];
        for (int i = 0; i < Batch; i++)
            Array.Copy(jacobian, (i * Outputs + j) * Dim, g, i * Dim, Dim);
        return g;
    }

    private InvalidOperationException Wrong(string what, string instead) =>
        new($"{what}: this result is {Dtype.Name()}; read {instead} (or ToFloat64())");
}
