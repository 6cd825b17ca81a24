namespace QdFunctional.Serve;

/// <summary>
/// Finds every run (a directory with <c>config.json</c>) and pipeline (with <c>pipeline.json</c>) under
/// the served directory, at any depth. Symbolic links to directories are not followed: they could lead
/// out of the served directory or round in a loop.
/// </summary>
public static class RunCatalog
{
    /// <summary>Deep enough for data/runs/sweep/seed/run and for pipelines' step folders; bounded against runaway trees.</summary>
    public const int MaxDepth = 8;

    /// <summary>The run and pipeline directories under the root (the root itself included), sorted by path.</summary>
    public static List<string> Find(Confine confine)
    {
        var found = new List<string>();
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            MaxRecursionDepth = MaxDepth,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
        };
        var dirs = new List<string> { confine.Root };
        try
        {
            dirs.AddRange(Directory.EnumerateDirectories(confine.Root, "*", options));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A directory removed while we walk: list what was found.
        }
        foreach (var dir in dirs)
            if (File.Exists(Path.Combine(dir, RunReader.ConfigFile)) || File.Exists(Path.Combine(dir, RunReader.PipelineFile)))
                found.Add(dir);
        found.Sort(StringComparer.Ordinal);
        return found;
    }
}
