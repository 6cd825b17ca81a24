namespace QdFunctional.Diff;

/// <summary>The settings every new tensor computation reads: the backend and the default dtype.</summary>
/// <remarks>User code sets <see cref="Backend"/> and <see cref="DefaultDtype"/> once (or scopes them with
/// <see cref="Use"/> and <see cref="UseDtype"/>); operations and differentiation read them, so switching
/// backend or precision never touches user functions.</remarks>
public static class Engine
{
    private static IBackend global = Backends.Simd;
    private static Dtype globalDtype = Dtype.Float64;

    [ThreadStatic]
    private static IBackend? scoped;

    [ThreadStatic]
    private static Dtype? scopedDtype;

    /// <summary>The backend in effect on this thread: the innermost <see cref="Use"/> scope, else the global setting.</summary>
    /// <remarks>Setting it changes the global choice for all threads.</remarks>
    public static IBackend Backend
    {
        get => scoped ?? global;
        set => global = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The dtype creation functions use when none is given: the innermost <see cref="UseDtype"/>
    /// scope, else the global setting (float64 unless changed).</summary>
    /// <remarks>Like DiffSharp's <c>dsharp.config(dtype=...)</c>. Setting it changes the global choice for all
    /// threads; constants made without a dtype (Tensor.Row, Tensor.Scalar…) follow it, so a task written
    /// once runs in either precision.</remarks>
    public static Dtype DefaultDtype
    {
        get => scopedDtype ?? globalDtype;
        set =>
            globalDtype = Enum.IsDefined(value)
                ? value
                : throw new ArgumentOutOfRangeException(nameof(value), $"dtype: {value} is not a dtype");
    }

    /// <summary>Uses the given backend on this thread until the returned scope is disposed.</summary>
    /// <remarks>Lets tests run the same code over several backends in parallel without racing on the global setting.</remarks>
    public static IDisposable Use(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var previous = scoped;
        scoped = backend;
        return new Scope(() => scoped = previous);
    }

    /// <summary>Uses the given default dtype on this thread until the returned scope is disposed.</summary>
    /// <remarks>For running one function in float32 without changing the global default (tests, tasks).</remarks>
    public static IDisposable UseDtype(Dtype dtype)
    {
        if (!Enum.IsDefined(dtype))
            throw new ArgumentOutOfRangeException(nameof(dtype), $"dtype: {dtype} is not a dtype");
        var previous = scopedDtype;
        scopedDtype = dtype;
        return new Scope(() => scopedDtype = previous);
    }

    private sealed class Scope(Action restore) : IDisposable
    {
        private bool done;

        public void Dispose()
        {
            if (done)
                return;
            done = true;
            restore();
        }
    }
}
