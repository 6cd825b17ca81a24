namespace QdFunctional.Diff;

/// <summary>Differentiation entry points on a per-thread reusable <see cref="Workspace"/> for the current backend.</summary>
/// <remarks>The common path: no workspace to manage, buffers still reused between calls on a thread.
/// Nested calls (f itself differentiating) get a fresh workspace.</remarks>
public static class Autodiff
{
    [ThreadStatic]
    private static Workspace? cached;

    private static Workspace Current()
    {
        var backend = Engine.Backend;
        var w = cached;
        if (w is null || !ReferenceEquals(w.Backend, backend))
            cached = w = new Workspace(backend);
        return w.Busy ? new Workspace(backend) : w;
    }

    /// <summary>Values (batch × m) and Jacobians (batch × m × n) of f at every row of x.</summary>
    /// <remarks>m backward sweeps over the whole batch; see <see cref="Workspace.ValueAndJacobian(Func{Tensor, Tensor}, Tensor)"/>.</remarks>
    public static JacobianResult ValueAndJacobian(Func<Tensor, Tensor> f, Tensor x) => Current().ValueAndJacobian(f, x, null);

    /// <summary>As <see cref="ValueAndJacobian(Func{Tensor, Tensor}, Tensor)"/>, writing into a previous result of the same shape.</summary>
    /// <remarks>For loops that evaluate every iteration: no batch-sized allocation once warm.</remarks>
    public static JacobianResult ValueAndJacobian(Func<Tensor, Tensor> f, Tensor x, JacobianResult? into) =>
        Current().ValueAndJacobian(f, x, into);

    /// <summary>Drops the pooled buffers this thread's cached workspace holds.</summary>
    /// <remarks>The cache keeps the buffers of the largest batch seen; call this after a one-off large evaluation.</remarks>
    public static void ReleaseBuffers()
    {
        if (cached is { Busy: false } w)
            w.ReleaseBuffers();
    }

    /// <summary>Per-solution gradients (batch × n) of f: batch × n → batch × 1.</summary>
    /// <remarks>One backward sweep; Gradient[i, k] = ∂f(x)[i]/∂x[i, k].</remarks>
    public static Tensor Grad(Func<Tensor, Tensor> f, Tensor x) => Current().ValueAndGrad(f, x).Gradient;

    /// <summary>Values (batch × 1) and gradients (batch × n) of f.</summary>
    /// <remarks>One forward and one backward pass.</remarks>
    public static (Tensor Value, Tensor Gradient) ValueAndGrad(Func<Tensor, Tensor> f, Tensor x) => Current().ValueAndGrad(f, x);

    /// <summary>Values of f at every row of x without derivatives, on pooled buffers.</summary>
    /// <remarks>The baseline cost of a task.</remarks>
    public static Tensor Evaluate(Func<Tensor, Tensor> f, Tensor x) => Current().Evaluate(f, x);
}
