namespace QdFunctional.Serve;

/// <summary>
/// Keeps every file the dashboard reads inside its root: a run is named by a path relative to the root,
/// and a name that is absolute, climbs with <c>..</c>, or reaches outside through a symbolic link
/// resolves to nothing (the caller answers 404), so the server shows runs and nothing else.
/// </summary>
public sealed class Confine
{
    private readonly string root;

    /// <summary>A confinement to <paramref name="root"/> (made absolute, links resolved).</summary>
    public Confine(string root)
    {
        this.root = RealPath(Path.GetFullPath(root)) ?? Path.GetFullPath(root);
    }

    /// <summary>The root, absolute with links resolved.</summary>
    public string Root => root;

    /// <summary>
    /// The real path of <paramref name="relative"/> under the root when it exists and stays inside,
    /// else null. The empty name is the root itself.
    /// </summary>
    public string? Resolve(string? relative)
    {
        if (relative is null || relative.Contains('\0') || relative.Contains('\\'))
            return null;
        if (relative.Length > 0 && (Path.IsPathRooted(relative) || relative.StartsWith('~')))
            return null;
        foreach (var part in relative.Split('/'))
            if (part == "..")
                return null;
        var real = RealPath(Path.GetFullPath(Path.Combine(root, relative)));
        return real is not null && Inside(real) ? real : null;
    }

    /// <summary>A file of a resolved run directory, if it exists and (links resolved) is inside the root.</summary>
    public string? File(string dir, string name)
    {
        var real = RealPath(Path.Combine(dir, name));
        return real is not null && Inside(real) && System.IO.File.Exists(real) ? real : null;
    }

    /// <summary>The name of <paramref name="real"/> relative to the root, with '/' separators.</summary>
    public string Relative(string real) => Path.GetRelativePath(root, real).Replace('\\', '/') is var r && r == "." ? "" : r;

    private bool Inside(string real) => real == root || real.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    /// <summary>The path with every symbolic link on it resolved, or null when some part does not exist.</summary>
    private static string? RealPath(string full)
    {
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (int i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (!info.Exists)
                return null;
            if (info.LinkTarget is not null)
            {
                FileSystemInfo? target;
                try
                {
                    target = info.ResolveLinkTarget(returnFinalTarget: true);
                }
                catch (IOException)
                {
                    return null; // a cycle of links
                }
                if (target is null || !target.Exists)
                    return null;
                // The target may itself sit under links: resolve it whole, then go on.
                var resolved = RealPath(target.FullName);
                if (resolved is null)
                    return null;
                next = resolved;
            }
            current = next;
        }
        return current;
    }
}
