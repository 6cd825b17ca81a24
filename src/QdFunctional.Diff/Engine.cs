namespace QdFunctional.Diff;

/// <summary>The one setting that chooses the backend every new tensor computation uses.</summary>
/// <remarks>User code sets <see cref="Backend"/> once (or scopes it with <see cref="Use"/>); operations
/// and differentiation read it, so switching to another backend never touches user functions.</remarks>
public static class Engine
{
    private static IBackend global = Backends.Simd;

    [ThreadStatic]
    private static IBackend? scoped;

    /// <summary>The backend in effect on this thread: the innermost <see cref="Use"/> scope, else the global setting.</summary>
    /// <remarks>Setting it changes the global choice for all threads.</remarks>
    public static IBackend Backend
    {
        get => scoped ?? global;
        set => global = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Uses the given backend on this thread until the returned scope is disposed.</summary>
    /// <remarks>Lets tests run the same code over several backends in parallel without racing on the global setting.</remarks>
    public static IDisposable Use(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var previous = scoped;
        scoped = backend;
        return new Scope(previous);
    }

    private sealed class Scope(IBackend? previous) : IDisposable
    {
        private bool done;

        public void Dispose()
        {
            if (done)
                return;
            done = true;
            scoped = previous;
        }
    }
}
