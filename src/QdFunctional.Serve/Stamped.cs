namespace QdFunctional.Serve;

/// <summary>
/// A value computed from a file, kept until the file changes (its length, write time or identity):
/// runs replace their files by rename, so a changed file is a new one, read again once, and every
/// request in between costs one <c>stat</c>.
/// </summary>
public sealed class Stamped<T>
    where T : class
{
    private readonly Func<string, T> compute;
    private readonly Dictionary<string, (long Length, DateTime Written, T Value)> cache = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>A cache of <paramref name="compute"/>'s results, one per path.</summary>
    public Stamped(Func<string, T> compute) => this.compute = compute;

    /// <summary>The value for <paramref name="path"/>, computed again only when the file changed. Exceptions of <c>compute</c> pass through.</summary>
    public T Get(string path)
    {
        var info = new FileInfo(path);
        var stamp = (info.Length, info.LastWriteTimeUtc);
        lock (gate)
            if (cache.TryGetValue(path, out var hit) && (hit.Length, hit.Written) == stamp)
                return hit.Value;
        var value = compute(path);
        lock (gate)
        {
            // A dashboard over thousands of runs must not grow without end: start over past a bound.
            if (cache.Count > 4096)
                cache.Clear();
            cache[path] = (stamp.Length, stamp.LastWriteTimeUtc, value);
        }
        return value;
    }
}
