namespace QdFunctional.Diff;

/// <summary>Per-solution values and Jacobians of a task: batch × m values and batch × m × n derivatives.</summary>
/// <remarks>Row-major arrays, ready for an archive or an emitter: output 0 is usually the objective,
/// outputs 1..k the measures. Independent of any tape, so safe to keep.</remarks>
public sealed class JacobianResult
{
    internal JacobianResult(int batch, int outputs, int dim, double[] values, double[] jacobian)
    {
        Batch = batch;
        Outputs = outputs;
        Dim = dim;
        Values = values;
        Jacobian = jacobian;
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

    /// <summary>Values, batch × outputs, row-major: Values[i·m + j].</summary>
    /// <remarks>The same numbers the function returned.</remarks>
    public double[] Values { get; }

    /// <summary>Derivatives, batch × outputs × dim, row-major: Jacobian[(i·m + j)·n + k] = ∂f_j(xᵢ)/∂xᵢₖ.</summary>
    /// <remarks>The layout pyribs' tell_dqd expects for its jacobian argument.</remarks>
    public double[] Jacobian { get; }

    /// <summary>Output j of solution i.</summary>
    /// <remarks>Reads <see cref="Values"/>.</remarks>
    public double Value(int i, int j) => Values[i * Outputs + j];

    /// <summary>∂f_j(xᵢ)/∂xᵢₖ.</summary>
    /// <remarks>Reads <see cref="Jacobian"/>.</remarks>
    public double Derivative(int i, int j, int k) => Jacobian[(i * Outputs + j) * Dim + k];

    /// <summary>The values as a batch × outputs tensor.</summary>
    /// <remarks>For further tensor computation.</remarks>
    public Tensor ValuesTensor => Tensor.FromArray(Values, Batch, Outputs);

    /// <summary>The gradients of output j for every solution, as a batch × dim tensor.</summary>
    /// <remarks>For example the objective gradients (j = 0) of the whole batch.</remarks>
    public Tensor GradientOf(int j)
    {
        if ((uint)j >= (uint)Outputs)
            throw new ArgumentOutOfRangeException(nameof(j), $"gradientOf: output {j} of {Outputs}");
        var g = new double[Batch * Dim];
        for (int i = 0; i < Batch; i++)
            Array.Copy(Jacobian, (i * Outputs + j) * Dim, g, i * Dim, Dim);
        return new Tensor(Batch, Dim, g, null);
    }
}
