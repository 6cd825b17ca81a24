namespace QdFunctional.Diff;

/// <summary>A reusable evaluation context: one tape and its pooled buffers on one backend.</summary>
/// <remarks>Evaluating the same task again reuses every buffer, so a warm workspace allocates only the
/// returned results. Not thread-safe: use one per thread (<see cref="Autodiff"/> does this for you).</remarks>
public sealed partial class Workspace
{
    private readonly Tape tape;
    private bool busy;

    /// <summary>Creates a workspace computing on the given backend.</summary>
    /// <remarks>Defaults to <see cref="Engine.Backend"/>.</remarks>
    public Workspace(IBackend? backend = null) => tape = new Tape(backend ?? Engine.Backend);

    /// <summary>The backend this workspace computes on.</summary>
    /// <remarks>Fixed at creation.</remarks>
    public IBackend Backend => tape.Backend;

    internal bool Busy => busy;

    /// <summary>Values and per-solution Jacobians of f at every row of x, in m backward sweeps for m outputs.</summary>
    /// <remarks>f maps a batch × n tensor to a batch × m tensor without mixing rows (as every operation
    /// here does); sweep j seeds output j of all rows at once, so the cost is m sweeps over the whole
    /// batch, not one per solution. Formula: Jacobian[i, j, k] = ∂f(x)[i, j]/∂x[i, k].</remarks>
    public JacobianResult ValueAndJacobian(Func<Tensor, Tensor> f, Tensor x) => ValueAndJacobian(f, x, null);

    /// <summary>As <see cref="ValueAndJacobian(Func{Tensor, Tensor}, Tensor)"/>, writing into <paramref name="into"/>
    /// when its shape matches (batch, m, n) instead of allocating new arrays.</summary>
    /// <remarks>A loop that evaluates a task every iteration keeps one result and reuses it, so a warm
    /// call allocates nothing of the batch's size at all.</remarks>
    public JacobianResult ValueAndJacobian(Func<Tensor, Tensor> f, Tensor x, JacobianResult? into)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (leaf, y) = Run("valueAndJacobian", f, x, grad: true);
        try
        {
            int batch = x.Rows,
                m = y.Cols,
                n = x.Cols;
            bool reuse = into is not null && into.Batch == batch && into.Outputs == m && into.Dim == n && into.Dtype == x.Dtype;
            if (x.Dtype == Dtype.Float32)
            {
                var result32 = reuse
                    ? into!
                    : new JacobianResult(batch, m, n, new float[batch * m], GC.AllocateUninitializedArray<float>(batch * m * n));
                y.Synchronize();
                Array.Copy(y.Data32, result32.Values32, batch * m);
                Sweeps(leaf, y, result32.Jacobian32, static t => t.Grad32);
                return result32;
            }
            var result = reuse
                ? into!
                : new JacobianResult(batch, m, n, new double[batch * m], GC.AllocateUninitializedArray<double>(batch * m * n));
            y.Synchronize();
            Array.Copy(y.Data, result.Values, batch * m);
            Sweeps(leaf, y, result.Jacobian, static t => t.Grad);
            return result;
        }
        finally
        {
            Finish();
        }
    }

    // One backward sweep per output column, each copying the leaf's gradient rows into the Jacobian.
    private void Sweeps<T>(Tensor leaf, Tensor y, T[] jac, Func<Tensor, T[]?> grad)
    {
        int batch = leaf.Rows,
            m = y.Cols,
            n = leaf.Cols;
        for (int j = 0; j < m; j++)
        {
            bool reached = false;
            if (y.RequiresGrad)
            {
                tape.Backward(y, j);
                reached = tape.Reached(leaf);
            }
            var g = reached ? grad(leaf) : null;
            if (g is not null)
                DeviceResidency.ReadOnHost(g);
            for (int i = 0; i < batch; i++)
            {
                if (g is null)
                    Array.Clear(jac, (i * m + j) * n, n);
                else
                    Array.Copy(g, i * n, jac, (i * m + j) * n, n);
            }
        }
    }

    /// <summary>Values and per-solution gradients of a function with one output per solution.</summary>
    /// <remarks>f maps batch × n to batch × 1; one backward sweep gives ∂f(x)[i]/∂x[i, k] for every i, k.</remarks>
    public (Tensor Value, Tensor Gradient) ValueAndGrad(Func<Tensor, Tensor> f, Tensor x)
    {
        var r = ValueAndJacobian(f, x);
        if (r.Outputs != 1)
            throw new ArgumentException(
                $"grad: f must return batch × 1, got {r.Batch}×{r.Outputs}; use valueAndJacobian for several outputs"
            );
        return (r.ValuesTensor, r.GradientOf(0));
    }

    /// <summary>The values of f at every row of x, without recording derivatives.</summary>
    /// <remarks>The value-only evaluation that <see cref="ValueAndJacobian(Func{Tensor, Tensor}, Tensor)"/> is compared with; it uses
    /// the same pooled buffers.</remarks>
    public Tensor Evaluate(Func<Tensor, Tensor> f, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (_, y) = Run("evaluate", f, x, grad: false);
        try
        {
            y.Synchronize();
            return y.Dtype == Dtype.Float32
                ? new Tensor(y.Rows, y.Cols, (float[])y.Data32.Clone(), null)
                : new Tensor(y.Rows, y.Cols, (double[])y.Data.Clone(), null);
        }
        finally
        {
            Finish();
        }
    }

    /// <summary>Returns every pooled buffer to the runtime.</summary>
    /// <remarks>For long-lived processes after a large batch; the next call allocates afresh.</remarks>
    public void ReleaseBuffers()
    {
        if (busy)
            throw new InvalidOperationException("releaseBuffers: the workspace is evaluating");
        tape.Release();
    }

    private (Tensor Leaf, Tensor Output) Run(string name, Func<Tensor, Tensor> f, Tensor x, bool grad)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.CheckLive(name);
        x.Synchronize();
        CheckFinite(name, x);
        if (busy)
            throw new InvalidOperationException($"{name}: this workspace is already evaluating (nested call); use another workspace");
        busy = true;
        tape.Reset();
        // The leaf shares x's storage: operations never write into their inputs, and only rented
        // buffers go back to the pool, so the population is not copied.
        var leaf =
            x.Dtype == Dtype.Float32
                ? new Tensor(x.Rows, x.Cols, x.Data32, tape) { RequiresGrad = grad }
                : new Tensor(x.Rows, x.Cols, x.Data, tape) { RequiresGrad = grad };
        Tensor y;
        try
        {
            y = f(leaf) ?? throw new InvalidOperationException($"{name}: f returned null");
        }
        catch
        {
            Finish();
            throw;
        }
        if (y.Tape is not null && !ReferenceEquals(y.Tape, tape))
        {
            Finish();
            throw new InvalidOperationException($"{name}: f returned a tensor from another evaluation");
        }
        if (y.Rows != x.Rows)
        {
            Finish();
            throw new ArgumentException($"{name}: f maps {x.Shape} to {y.Shape}; it must return one row per solution ({x.Rows} rows)");
        }
        if (y.Dtype != x.Dtype)
        {
            Finish();
            throw new ArgumentException(
                $"{name}: f maps a {x.Dtype.Name()} input to a {y.Dtype.Name()} output; return the input's dtype (Tensor.Cast)"
            );
        }
        return (leaf, y);
    }

    private void Finish()
    {
        tape.Reset();
        busy = false;
    }

    private static void CheckFinite(string name, Tensor x)
    {
        int k = x.Dtype == Dtype.Float32 ? FirstNaN<float>(x.Data32) : FirstNaN<double>(x.Data);
        if (k >= 0)
            throw new ArgumentException($"{name}: input X is NaN at row {k / x.Cols}, column {k % x.Cols} (shape {x.Shape})", nameof(x));
    }

    private static int FirstNaN<T>(T[] d)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        for (int k = 0; k < d.Length; k++)
            if (T.IsNaN(d[k]))
                return k;
        return -1;
    }
}
